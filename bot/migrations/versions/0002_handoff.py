"""Handoff reminders: rosters, regions, deliveries (reminders and escalations), acks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Written out by hand like 0001; ``tests/handoff/test_store.py`` checks that head matches the
tables in ``bot/store/models.py``. The unique key on ``handoff_fires`` is the scheduler's
claim: ``(roster_id, region_key, change_at, kind)`` may be inserted once, by one instance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = 128
_NAME = 32


def _id_type() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", _id_type(), primary_key=True, autoincrement=True)


def _when(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "handoff_rosters",
        _id(),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(_KEY), nullable=False),
        sa.Column("channel", sa.String(_KEY), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        _when("active_since"),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_rosters"),
        sa.UniqueConstraint(
            "platform",
            "workspace",
            "channel",
            name="uq_handoff_rosters_platform_workspace_channel",
        ),
    )
    op.create_table(
        "handoff_regions",
        _id(),
        sa.Column("roster_id", _id_type(), nullable=False),
        sa.Column("name", sa.String(_NAME), nullable=False),
        sa.Column("name_key", sa.String(_NAME), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("end_minute", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("lead", sa.String(_KEY), nullable=False),
        sa.Column("created_by", sa.String(_KEY), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_regions"),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["handoff_rosters.id"],
            name="fk_handoff_regions_roster_id_handoff_rosters",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("roster_id", "name_key", name="uq_handoff_regions_roster_id_name_key"),
    )
    op.create_table(
        "handoff_fires",
        _id(),
        sa.Column("roster_id", _id_type(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region_key", sa.String(_NAME), nullable=False),
        _when("change_at"),
        _when("due_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=False),
        _when("claimed_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("sent_at", nullable=True),
        sa.Column("message_id", sa.String(_KEY), nullable=True),
        _when("escalate_at", nullable=True),
        sa.Column("parent_id", _id_type(), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_fires"),
        sa.ForeignKeyConstraint(
            ["roster_id"],
            ["handoff_rosters.id"],
            name="fk_handoff_fires_roster_id_handoff_rosters",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["handoff_fires.id"],
            name="fk_handoff_fires_parent_id_handoff_fires",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "roster_id",
            "region_key",
            "change_at",
            "kind",
            name="uq_handoff_fires_roster_id_region_key_change_at_kind",
        ),
    )
    op.create_index("ix_handoff_fires_status_claimed_at", "handoff_fires", ["status", "claimed_at"])
    op.create_index(
        "ix_handoff_fires_status_escalate_at", "handoff_fires", ["status", "escalate_at"]
    )
    op.create_table(
        "handoff_acks",
        sa.Column("fire_id", _id_type(), nullable=False),
        sa.Column("user_ref", sa.String(_KEY), nullable=False),
        _when("acked_at"),
        sa.PrimaryKeyConstraint("fire_id", name="pk_handoff_acks"),
        sa.ForeignKeyConstraint(
            ["fire_id"],
            ["handoff_fires.id"],
            name="fk_handoff_acks_fire_id_handoff_fires",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("handoff_acks")
    op.drop_index("ix_handoff_fires_status_escalate_at", table_name="handoff_fires")
    op.drop_index("ix_handoff_fires_status_claimed_at", table_name="handoff_fires")
    op.drop_table("handoff_fires")
    op.drop_table("handoff_regions")
    op.drop_table("handoff_rosters")
