"""Persistence: one set of ports (``base``), a SQL implementation and an in-memory fake.

``open_store(url)`` picks the implementation from the URL: ``memory://`` gives the fake,
``sqlite…`` and ``postgresql…`` the SQL store. Schema changes go through
:func:`migrate` (Alembic). Heavy imports (SQLAlchemy, Alembic) happen on first use, so
importing this package stays cheap for commands that never touch the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.store.base import (
    ConversationStore,
    Draft,
    DraftStore,
    EstimateHistory,
    EstimateRecord,
    Inbox,
    InboxItem,
    InstallationKind,
    InstallationStore,
    JSONObject,
    Snapshot,
    StaleConversation,
    Store,
    StoreError,
    StoreUnavailable,
    UnitOfWork,
    UpdateLog,
    UpdateStatus,
    UserScope,
)
from bot.store.codec import replies_from_json, replies_to_json
from bot.store.memory import MemoryStore

if TYPE_CHECKING:
    from bot.store.schema import current_revision, head_revision, migrate
    from bot.store.sqla import SqlStore

__all__ = [
    "MEMORY_URL",
    "ConversationStore",
    "Draft",
    "DraftStore",
    "EstimateHistory",
    "EstimateRecord",
    "Inbox",
    "InboxItem",
    "InstallationKind",
    "InstallationStore",
    "JSONObject",
    "MemoryStore",
    "Snapshot",
    "SqlStore",
    "StaleConversation",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UnitOfWork",
    "UpdateLog",
    "UpdateStatus",
    "UserScope",
    "current_revision",
    "head_revision",
    "migrate",
    "open_store",
    "replies_from_json",
    "replies_to_json",
]

#: The URL of the in-memory fake: nothing persists, nothing to migrate.
MEMORY_URL = "memory://"

_LAZY = {
    "SqlStore": "bot.store.sqla",
    "current_revision": "bot.store.schema",
    "head_revision": "bot.store.schema",
    "migrate": "bot.store.schema",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(database_url: str, *, timeout: float | None = None) -> Store:
    """The store for ``database_url`` (not migrated: see :func:`migrate`). Close it with
    ``await store.aclose()``. ``timeout``: longest a database statement may take (seconds;
    see :func:`bot.store.sqla.create_engine`)."""
    if database_url == MEMORY_URL:
        return MemoryStore()
    from bot.store.sqla import SqlStore

    return SqlStore.from_url(database_url, timeout=timeout)
