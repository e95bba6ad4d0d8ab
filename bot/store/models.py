"""The tables, as SQLAlchemy Core metadata: what Alembic compares the migrations against.

Core tables, not ORM classes: the store speaks a handful of explicit statements (versioned
UPDATE, INSERT ... ON CONFLICT DO NOTHING, SELECT ... FOR UPDATE), and rows leave the store as
plain JSON, so there is nothing for an identity map to do.

Every per-user table carries the whole conversation key (``platform``, ``workspace``,
``user_id``), and every query filters on all three: that is the isolation guarantee. Other
feature's tables live here too (the handoff scheduler's since migration ``0002``), so one
metadata describes every table the unit of work's repositories touch.

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
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    false,
)

__all__ = [
    "HANDOFF_ERROR_LENGTH",
    "HANDOFF_NAME_LENGTH",
    "INBOX_ID_LENGTH",
    "KEY_LENGTH",
    "Id",
    "JSONDocument",
    "conversations",
    "estimates",
    "handoff_acks",
    "handoff_drafts",
    "handoff_fires",
    "handoff_regions",
    "handoff_rosters",
    "metadata",
    "processed_updates",
    "slack_inbox",
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
    # The last estimate shown (zlib-compressed JSON, since 0003), so "why?" and "details"
    # explain it instead of pricing the scenario again.
    Column("estimate", LargeBinary, nullable=True),
    PrimaryKeyConstraint("platform", "workspace", "user_id"),
)

#: Open ``/handoff form`` drafts (migration ``0004``): the answers so far, NULL once closed.
handoff_drafts = Table(
    "handoff_drafts",
    metadata,
    *_key_columns(),
    Column("answers", JSONDocument, nullable=True),
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

#: Longest inbox dedupe id (``form:<view id>:<hash>`` is the longest Slack makes).
INBOX_ID_LENGTH = 255

#: Slack events saved before they are acknowledged (migration ``0006``): the receiving
#: process leases the row while it works the turn; a recovery loop redoes rows whose lease
#: ran out (their process died) and marks them done.
slack_inbox = Table(
    "slack_inbox",
    metadata,
    Column("dedupe_id", String(INBOX_ID_LENGTH), nullable=False),
    # Which listener redoes it: message, action, command, form, home_start.
    Column("kind", String(16), nullable=False),
    *_key_columns(),
    # The request body the listener needs (bounded by the adapter); NULL once done.
    Column("payload", JSONDocument, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(64), nullable=False),
    Column("claimed_until", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("done", Boolean, nullable=False),
    PrimaryKeyConstraint("dedupe_id"),
    Index(None, "done", "claimed_until"),
)


# --- handoff (migration 0002) ---------------------------------------------------------------

#: Longest region name, status word and stored error text.
HANDOFF_NAME_LENGTH = 32
_STATUS = 16
HANDOFF_ERROR_LENGTH = 300

handoff_rosters = Table(
    "handoff_rosters",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("workspace", String(KEY_LENGTH), nullable=False),
    Column("channel", String(KEY_LENGTH), nullable=False),
    Column("locale", String(8), nullable=False),
    Column("paused", Boolean, nullable=False),
    # Changes at or before this instant are never announced (roster created or resumed).
    Column("active_since", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Since 0005: the creator's platform user id ('' = unknown, an older roster) and whether
    # anyone may acknowledge its reminders (else only the incoming lead).
    Column("created_by", String(KEY_LENGTH), nullable=False, server_default=""),
    Column("ack_anyone", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("platform", "workspace", "channel"),
)

handoff_regions = Table(
    "handoff_regions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "roster_id",
        Id,
        ForeignKey("handoff_rosters.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(HANDOFF_NAME_LENGTH), nullable=False),
    Column("name_key", String(HANDOFF_NAME_LENGTH), nullable=False),
    Column("tz", String(64), nullable=False),
    Column("start_minute", Integer, nullable=False),
    Column("end_minute", Integer, nullable=False),
    # Bit d set = shifts start on weekday d (Monday = 0).
    Column("weekdays", Integer, nullable=False),
    Column("lead", String(KEY_LENGTH), nullable=False),
    Column("created_by", String(KEY_LENGTH), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("roster_id", "name_key"),
)

handoff_fires = Table(
    "handoff_fires",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "roster_id",
        Id,
        ForeignKey("handoff_rosters.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(16), nullable=False),
    # The outgoing region (by name, not row id: remove + re-add must not announce twice).
    Column("region_key", String(HANDOFF_NAME_LENGTH), nullable=False),
    Column("change_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("status", String(_STATUS), nullable=False),
    Column("claimed_by", String(64), nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("message_id", String(KEY_LENGTH), nullable=True),
    Column("escalate_at", DateTime(timezone=True), nullable=True),
    Column("parent_id", Id, ForeignKey("handoff_fires.id", ondelete="CASCADE"), nullable=True),
    Column("last_error", String(HANDOFF_ERROR_LENGTH), nullable=True),
    # What the message says (leads, regions, times), frozen when the claim was taken, so a
    # re-send or an acknowledgement edit shows the same text even if the roster changed.
    Column("payload", JSONDocument, nullable=False),
    UniqueConstraint("roster_id", "region_key", "change_at", "kind"),
    Index(None, "status", "claimed_at"),
    Index(None, "status", "escalate_at"),
)

handoff_acks = Table(
    "handoff_acks",
    metadata,
    Column(
        "fire_id",
        Id,
        ForeignKey("handoff_fires.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_ref", String(KEY_LENGTH), nullable=False),
    Column("acked_at", DateTime(timezone=True), nullable=False),
)
