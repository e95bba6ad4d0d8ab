"""Who may change a handoff roster: its creator, and whether anyone may acknowledge.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

``handoff_rosters.created_by`` is the platform user id of whoever created the roster; rows
that exist before this revision get ``''`` (unknown), so only region leads and admins may
change them (:mod:`bot.handoff.access`). ``ack_anyone`` (default false) lets anyone in the
channel acknowledge a reminder, not only the incoming lead.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = 128


def upgrade() -> None:
    with op.batch_alter_table("handoff_rosters") as batch:
        batch.add_column(
            sa.Column("created_by", sa.String(_KEY), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("ack_anyone", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("handoff_rosters") as batch:
        batch.drop_column("ack_anyone")
        batch.drop_column("created_by")
