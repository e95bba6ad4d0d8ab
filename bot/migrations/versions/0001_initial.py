"""Initial schema: conversations, processed updates, estimate history, Slack installations.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written out by hand (not ``metadata.create_all``) so that later changes to
``bot/store/models.py`` never rewrite history; ``tests/store`` checks head matches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = 128


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON()  # not JSONB: it refuses NUL characters users can type


def _id() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    )


def _key() -> list[sa.Column[str]]:
    return [
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(_KEY), nullable=False),
        sa.Column("user_id", sa.String(_KEY), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "conversations",
        *_key(),
        sa.Column("state", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "user_id", name="pk_conversations"),
    )
    op.create_table(
        "processed_updates",
        _id(),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("update_id", sa.String(_KEY), nullable=False),
        sa.Column("workspace", sa.String(_KEY), nullable=False),
        sa.Column("user_id", sa.String(_KEY), nullable=False),
        sa.Column("replies", _json(), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("handouts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_processed_updates"),
        sa.UniqueConstraint(
            "platform", "update_id", name="uq_processed_updates_platform_update_id"
        ),
    )
    op.create_table(
        "estimates",
        _id(),
        *_key(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_estimates"),
    )
    op.create_index(
        "ix_estimates_platform_workspace_user_id_id",
        "estimates",
        ["platform", "workspace", "user_id", "id"],
    )
    op.create_table(
        "slack_installations",
        _id(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("enterprise_id", sa.String(_KEY), nullable=False),
        sa.Column("team_id", sa.String(_KEY), nullable=False),
        sa.Column("user_id", sa.String(_KEY), nullable=False),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_slack_installations"),
    )
    op.create_index(
        "ix_slack_installations_kind_enterprise_id_team_id_user_id_id",
        "slack_installations",
        ["kind", "enterprise_id", "team_id", "user_id", "id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_slack_installations_kind_enterprise_id_team_id_user_id_id",
        table_name="slack_installations",
    )
    op.drop_table("slack_installations")
    op.drop_index("ix_estimates_platform_workspace_user_id_id", table_name="estimates")
    op.drop_table("estimates")
    op.drop_table("processed_updates")
    op.drop_table("conversations")
