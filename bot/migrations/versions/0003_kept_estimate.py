"""The last estimate shown, kept with the conversation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

"why?" and "details" explain the estimate the result showed; keeping it (zlib-compressed
JSON, about 10 KB) lets any replica answer them without pricing the scenario again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("estimate", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("estimate")
