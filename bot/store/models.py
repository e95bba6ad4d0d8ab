"""The tables, as SQLAlchemy Core metadata: what Alembic compares the migrations against.

Core tables, not ORM classes: the store speaks a handful of explicit statements (versioned
UPDATE, INSERT ... ON CONFLICT DO NOTHING, SELECT ... FOR UPDATE), and rows leave the store as
plain JSON, so there is nothing for an identity map to do.

Every per-user table carries the whole conversation key (``platform``, ``workspace``,
``user_id``), and every query filters on all three: that is the isolation guarantee. Other
packages that need tables (the handoff scheduler) define them on :data:`metadata` in their own
module and add their own migration on top of ``0001``.

The migrations in ``bot/migrations/versions`` are written out by hand, not derived from this
file at run time; ``tests/store`` checks that upgrading to head yields exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

__all__ = [
    "KEY_LENGTH",
    "Id",
    "JSONDocument",
    "conversations",
    "estimates",
    "metadata",
    "processed_updates",
    "slack_installations",
]

#: Room for any platform id (Slack ids are ~11 chars, Telegram ids are 64-bit integers).
KEY_LENGTH = 128

#: Constraint names are fixed so migrations can refer to them on every back end.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Plain JSON on both back ends. Not JSONB: nothing queries inside these documents, and
#: JSONB refuses the NUL character, which a user can type into an answer.
JSONDocument = JSON()

#: 64-bit surrogate keys; SQLite only auto-increments a column declared ``INTEGER``.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _key_columns() -> list[Column[str]]:
    return [
        Column("platform", String(32), nullable=False),
        Column("workspace", String(KEY_LENGTH), nullable=False),
        Column("user_id", String(KEY_LENGTH), nullable=False),
    ]


conversations = Table(
    "conversations",
    metadata,
    *_key_columns(),
    Column("state", JSONDocument, nullable=False),
    # Optimistic concurrency: every save must name the version it read.
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("platform", "workspace", "user_id"),
)

processed_updates = Table(
    "processed_updates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("update_id", String(KEY_LENGTH), nullable=False),
    Column("workspace", String(KEY_LENGTH), nullable=False),
    Column("user_id", String(KEY_LENGTH), nullable=False),
    # The replies the first handling produced (codec JSON); NULL until recorded.
    Column("replies", JSONDocument, nullable=True),
    Column("delivered", Boolean, nullable=False),
    # How many times the replies were handed out: 1 after the first handling, 2 after a resend.
    Column("handouts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "update_id"),
)

estimates = Table(
    "estimates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    *_key_columns(),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("summary", JSONDocument, nullable=False),
    Index(None, "platform", "workspace", "user_id", "id"),
)

slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # "installation" (a user's or the installer's OAuth grant) or "bot" (the bot token).
    Column("kind", String(16), nullable=False),
    # Empty string, not NULL, when absent: NULLs never compare equal in an index or WHERE.
    Column("enterprise_id", String(KEY_LENGTH), nullable=False),
    Column("team_id", String(KEY_LENGTH), nullable=False),
    Column("user_id", String(KEY_LENGTH), nullable=False),
    Column("is_enterprise_install", Boolean, nullable=False),
    # slack_sdk's Installation/Bot ``to_dict()``: holds tokens, so never logged.
    Column("data", JSONDocument, nullable=False),
    Column("installed_at", DateTime(timezone=True), nullable=False),
    Index(None, "kind", "enterprise_id", "team_id", "user_id", "id"),
)
