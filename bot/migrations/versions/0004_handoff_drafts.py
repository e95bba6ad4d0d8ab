"""Open ``/handoff form`` drafts get a table of their own, out of ``conversations``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Until now the Telegram adapter kept each open form as a conversation state under the
made-up platform ``telegram.handoff_form``. The drafts move to ``handoff_drafts`` (key,
answers, version) under the platform ``telegram``; the rows are carried over with their
answers and versions, so a form open during the upgrade stays open. Downgrading moves them
back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = 128
#: Where drafts lived before this revision, and the platform they carry now.
_OLD_PLATFORM = "telegram.handoff_form"
_PLATFORM = "telegram"

_conversations = sa.table(
    "conversations",
    sa.column("platform", sa.String()),
    sa.column("workspace", sa.String()),
    sa.column("user_id", sa.String()),
    sa.column("state", sa.JSON()),
    sa.column("version", sa.Integer()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_drafts = sa.table(
    "handoff_drafts",
    sa.column("platform", sa.String()),
    sa.column("workspace", sa.String()),
    sa.column("user_id", sa.String()),
    sa.column("answers", sa.JSON()),
    sa.column("version", sa.Integer()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "handoff_drafts",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace", sa.String(_KEY), nullable=False),
        sa.Column("user_id", sa.String(_KEY), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "user_id", name="pk_handoff_drafts"),
    )
    bind = op.get_bind()
    old = bind.execute(sa.select(_conversations).where(_conversations.c.platform == _OLD_PLATFORM))
    rows = [
        {
            "platform": _PLATFORM,
            "workspace": row.workspace,
            "user_id": row.user_id,
            "answers": _answers(row.state),
            "version": row.version,
            "updated_at": row.updated_at or datetime.now(UTC),
        }
        for row in old
    ]
    if rows:
        op.bulk_insert(_drafts, rows)
    bind.execute(sa.delete(_conversations).where(_conversations.c.platform == _OLD_PLATFORM))


def _answers(state: object) -> dict[str, str] | None:
    answers = state.get("answers") if isinstance(state, dict) else None
    return {str(k): str(v) for k, v in answers.items()} if isinstance(answers, dict) else None


def downgrade() -> None:
    bind = op.get_bind()
    rows = [
        {
            "platform": _OLD_PLATFORM,
            "workspace": row.workspace,
            "user_id": row.user_id,
            "state": {"answers": row.answers},
            "version": row.version,
            "updated_at": row.updated_at,
        }
        for row in bind.execute(sa.select(_drafts))
    ]
    if rows:
        op.bulk_insert(_conversations, rows)
    op.drop_table("handoff_drafts")
