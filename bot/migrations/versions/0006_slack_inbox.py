"""Slack events are saved before they are acknowledged: the ``slack_inbox`` table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Slack needs its HTTP answer within 3 s, so a turn is worked after the answer went out; a
replica killed in between lost the message. Each incoming event that leads to a turn is now
a row here first (keyed by its dedupe id, so Slack's retries are not saved twice), leased to
the process working it, and done once its turn is; a recovery loop finishes rows whose
lease ran out. New table only: nothing to carry over, and downgrading drops it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = 128


def upgrade() -> None:
    op.create_table(
        "slack_inbox",
        sa.Column("dedupe_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(_KEY), nullable=False),
        sa.Column("user_id", sa.String(_KEY), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("dedupe_id", name="pk_slack_inbox"),
    )
    op.create_index("ix_slack_inbox_done_claimed_until", "slack_inbox", ["done", "claimed_until"])


def downgrade() -> None:
    op.drop_index("ix_slack_inbox_done_claimed_until", table_name="slack_inbox")
    op.drop_table("slack_inbox")
