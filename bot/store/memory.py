"""The in-memory fake of the store ports, for fast tests and ``memory://`` runs.

It keeps the same contracts as the SQL store (``tests/store`` runs one suite over both):
units of work are serialized by one lock, like SQLite's ``BEGIN IMMEDIATE``; each works on a
private copy of the tables that replaces the shared one on commit, so a rollback is simply
dropping the copy; JSON goes in and out through ``json`` so nothing non-JSON slips in and
callers never share a mutable object with the store.
"""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from bot.core.ports import ConversationKey
from bot.handoff.ports import HandoffRepository
from bot.store.base import (
    Draft,
    EstimateRecord,
    InboxItem,
    InstallationKind,
    JSONObject,
    Snapshot,
    StaleConversation,
    StoreUnavailable,
    UpdateStatus,
    UserScope,
)
from bot.store.memory_handoff import HandoffTables, MemoryHandoff

__all__ = ["MemoryStore", "MemoryUnitOfWork"]


def _json(value: Any) -> Any:
    """A deep, JSON-only copy: raises TypeError for values a database would refuse."""
    return json.loads(json.dumps(value, allow_nan=False))


@dataclass(slots=True)
class _Update:
    key: ConversationKey
    created_at: datetime
    replies: list[JSONObject] | None = None
    delivered: bool = False
    handouts: int = 0


@dataclass(slots=True)
class _InboxRow:
    item: InboxItem
    claimed_by: str
    claimed_until: datetime
    done: bool = False


@dataclass(slots=True)
class _Installation:
    kind: InstallationKind
    enterprise_id: str
    team_id: str
    user_id: str
    is_enterprise_install: bool
    data: JSONObject


@dataclass(slots=True)
class _Tables:
    conversations: dict[ConversationKey, Snapshot] = field(default_factory=dict)
    kept_estimates: dict[ConversationKey, bytes] = field(default_factory=dict)
    drafts: dict[ConversationKey, Draft] = field(default_factory=dict)
    updates: dict[tuple[str, str], _Update] = field(default_factory=dict)
    estimates: list[tuple[ConversationKey, EstimateRecord]] = field(default_factory=list)
    last_estimate_id: int = 0
    installations: list[_Installation] = field(default_factory=list)
    inbox: dict[str, _InboxRow] = field(default_factory=dict)
    handoff: HandoffTables = field(default_factory=HandoffTables)


def _in(scope: UserScope, key: ConversationKey) -> bool:
    return (
        key.platform == scope.platform
        and key.user == scope.user
        and (scope.workspace is None or key.workspace == scope.workspace)
    )


class _Conversations:
    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    async def load(self, key: ConversationKey) -> Snapshot:
        found = self._tables.conversations.get(key)
        if found is None:
            return Snapshot(None, 0)
        return Snapshot(_json(found.state), found.version)

    async def save(self, key: ConversationKey, state: JSONObject, *, expected_version: int) -> int:
        current = self._tables.conversations.get(key)
        version = 0 if current is None else current.version
        if version != expected_version:
            raise StaleConversation(key, f"expected version {expected_version}, found {version}")
        self._tables.conversations[key] = Snapshot(_json(state), version + 1)
        return version + 1

    async def estimate(self, key: ConversationKey) -> bytes | None:
        return self._tables.kept_estimates.get(key)

    async def keep_estimate(self, key: ConversationKey, data: bytes | None) -> None:
        if key not in self._tables.conversations:
            return  # like an UPDATE of no row
        if data is None:
            self._tables.kept_estimates.pop(key, None)
        else:
            self._tables.kept_estimates[key] = bytes(data)

    async def forget(self, scope: UserScope) -> int:
        doomed = [key for key in self._tables.conversations if _in(scope, key)]
        for key in doomed:
            del self._tables.conversations[key]
            self._tables.kept_estimates.pop(key, None)
        return len(doomed)


class _Drafts:
    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    async def load(self, key: ConversationKey) -> Draft:
        found = self._tables.drafts.get(key)
        if found is None:
            return Draft(None, 0)
        return Draft(_json(found.answers), found.version)

    async def save(
        self, key: ConversationKey, answers: dict[str, str] | None, *, expected_version: int
    ) -> int:
        current = self._tables.drafts.get(key)
        version = 0 if current is None else current.version
        if version != expected_version:
            raise StaleConversation(key, f"expected version {expected_version}, found {version}")
        self._tables.drafts[key] = Draft(_json(answers), version + 1)
        return version + 1

    async def forget(self, scope: UserScope) -> int:
        doomed = [key for key in self._tables.drafts if _in(scope, key)]
        for key in doomed:
            del self._tables.drafts[key]
        return len(doomed)


class _Updates:
    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    def _mine(self, key: ConversationKey, update_id: str) -> _Update | None:
        found = self._tables.updates.get((key.platform, update_id))
        return found if found is not None and found.key == key else None

    async def claim(self, key: ConversationKey, update_id: str) -> bool:
        slot = (key.platform, update_id)
        if slot in self._tables.updates:
            return False
        self._tables.updates[slot] = _Update(key, datetime.now(UTC))
        return True

    async def record_replies(
        self, key: ConversationKey, update_id: str, replies: list[JSONObject]
    ) -> None:
        found = self._mine(key, update_id)
        if found is not None:
            found.replies = _json(replies)
            found.handouts = 1

    async def status(self, key: ConversationKey, update_id: str) -> UpdateStatus | None:
        found = self._mine(key, update_id)
        if found is None:
            return None
        resendable = not found.delivered and found.handouts == 1
        return UpdateStatus(found.created_at, found.delivered, resendable)

    async def take_undelivered(
        self, key: ConversationKey, update_id: str
    ) -> list[JSONObject] | None:
        found = self._mine(key, update_id)
        if found is None or found.delivered or found.handouts != 1:
            return None
        found.handouts += 1
        replies: list[JSONObject] = _json(found.replies)
        return replies

    async def mark_delivered(self, key: ConversationKey, update_id: str) -> bool:
        found = self._mine(key, update_id)
        if found is None:
            return False
        found.delivered = True
        found.replies = None
        return True

    async def prune(self, before: datetime) -> int:
        old = [slot for slot, u in self._tables.updates.items() if u.created_at < before]
        for slot in old:
            del self._tables.updates[slot]
        return len(old)

    async def forget(self, scope: UserScope, *, keep: str | None = None) -> int:
        doomed = [
            slot
            for slot, u in self._tables.updates.items()
            if _in(scope, u.key) and slot[1] != keep
        ]
        for slot in doomed:
            del self._tables.updates[slot]
        return len(doomed)


class _Estimates:
    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    async def add(self, key: ConversationKey, summary: JSONObject) -> int:
        self._tables.last_estimate_id += 1
        record = EstimateRecord(self._tables.last_estimate_id, datetime.now(UTC), _json(summary))
        self._tables.estimates.append((key, record))
        return record.id

    async def recent(self, key: ConversationKey, limit: int) -> tuple[EstimateRecord, ...]:
        mine = [record for owner, record in reversed(self._tables.estimates) if owner == key]
        return tuple(
            EstimateRecord(r.id, r.created_at, _json(r.summary)) for r in mine[: max(limit, 0)]
        )

    async def delete(self, key: ConversationKey, estimate_id: int) -> bool:
        before = len(self._tables.estimates)
        self._tables.estimates[:] = [
            (owner, r)
            for owner, r in self._tables.estimates
            if not (owner == key and r.id == estimate_id)
        ]
        return len(self._tables.estimates) != before

    async def forget(self, scope: UserScope) -> int:
        before = len(self._tables.estimates)
        self._tables.estimates[:] = [
            (owner, r) for owner, r in self._tables.estimates if not _in(scope, owner)
        ]
        return before - len(self._tables.estimates)


class _Inbox:
    def __init__(self, tables: _Tables) -> None:
        self._rows = tables.inbox

    def _due(self, dedupe_id: str, now: datetime) -> _InboxRow | None:
        row = self._rows.get(dedupe_id)
        return row if row is not None and not row.done and row.claimed_until <= now else None

    @staticmethod
    def _lease(row: _InboxRow, worker: str, lease_until: datetime) -> InboxItem:
        row.item = replace(row.item, attempts=row.item.attempts + 1)
        row.claimed_by, row.claimed_until = worker, lease_until
        return replace(row.item, payload=_json(row.item.payload))

    async def add(
        self,
        key: ConversationKey,
        dedupe_id: str,
        *,
        kind: str,
        payload: JSONObject,
        worker: str,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        if dedupe_id in self._rows:
            return False
        item = InboxItem(dedupe_id, kind, key, _json(payload), now, attempts=1)
        self._rows[dedupe_id] = _InboxRow(item, worker, lease_until)
        return True

    async def take(
        self, dedupe_id: str, *, worker: str, now: datetime, lease_until: datetime
    ) -> bool:
        row = self._due(dedupe_id, now)
        if row is None:
            return False
        self._lease(row, worker, lease_until)
        return True

    async def claim_due(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> tuple[InboxItem, ...]:
        due = [row for row in self._rows.values() if self._due(row.item.dedupe_id, now)]
        due.sort(key=lambda row: row.item.received_at)
        return tuple(self._lease(row, worker, lease_until) for row in due[: max(limit, 0)])

    async def release(self, dedupe_id: str, *, worker: str, now: datetime) -> bool:
        row = self._rows.get(dedupe_id)
        if row is None or row.done or row.claimed_by != worker or row.claimed_until <= now:
            return False
        row.claimed_until = now
        return True

    async def finish(self, dedupe_id: str) -> bool:
        row = self._rows.get(dedupe_id)
        if row is None or row.done:
            return False
        row.done = True
        row.item = replace(row.item, payload=None)
        return True

    async def prune(self, before: datetime) -> int:
        old = [i for i, row in self._rows.items() if row.item.received_at < before]
        for dedupe_id in old:
            del self._rows[dedupe_id]
        return len(old)


class _Installations:
    def __init__(self, tables: _Tables) -> None:
        self._tables = tables

    async def save(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        is_enterprise_install: bool,
        data: JSONObject,
    ) -> None:
        self._tables.installations.append(
            _Installation(
                kind,
                enterprise_id or "",
                "" if is_enterprise_install else (team_id or ""),
                user_id or "",
                is_enterprise_install,
                _json(data),
            )
        )

    async def find(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool = False,
    ) -> JSONObject | None:
        team = "" if is_enterprise_install else (team_id or "")
        for row in reversed(self._tables.installations):
            if (
                row.kind == kind
                and row.enterprise_id == (enterprise_id or "")
                and row.team_id == team
                and (user_id is None or row.user_id == user_id)
            ):
                data: JSONObject = _json(row.data)
                return data
        return None

    async def delete(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> int:
        def doomed(row: _Installation) -> bool:
            return (
                row.kind == kind
                and row.enterprise_id == (enterprise_id or "")
                and row.team_id == (team_id or "")
                and (user_id is None or row.user_id == user_id)
            )

        before = len(self._tables.installations)
        self._tables.installations[:] = [r for r in self._tables.installations if not doomed(r)]
        return before - len(self._tables.installations)


class MemoryUnitOfWork:
    """Works on a copy of the tables while holding the store's lock."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._staged: _Tables | None = None

    def _tables(self) -> _Tables:
        if self._staged is None:
            raise RuntimeError("unit of work used outside 'async with' or after commit")
        return self._staged

    @property
    def conversations(self) -> _Conversations:
        return _Conversations(self._tables())

    @property
    def updates(self) -> _Updates:
        return _Updates(self._tables())

    @property
    def estimates(self) -> _Estimates:
        return _Estimates(self._tables())

    @property
    def installations(self) -> _Installations:
        return _Installations(self._tables())

    @property
    def drafts(self) -> _Drafts:
        return _Drafts(self._tables())

    @property
    def inbox(self) -> _Inbox:
        return _Inbox(self._tables())

    @property
    def handoff(self) -> HandoffRepository:
        return MemoryHandoff(self._tables().handoff)

    async def __aenter__(self) -> Self:
        self._store._check_open()
        await self._store._lock.acquire()
        self._staged = copy.deepcopy(self._store._tables)
        return self

    async def commit(self) -> None:
        self._store._tables = self._tables()
        self._staged = None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._staged = None
        self._store._lock.release()


class MemoryStore:
    """Everything in one process's memory; gone when it exits."""

    def __init__(self) -> None:
        self._tables = _Tables()
        self._lock = asyncio.Lock()
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StoreUnavailable("the memory store is closed")

    def unit_of_work(self, *, read_only: bool = False) -> MemoryUnitOfWork:
        del read_only  # one lock for readers and writers: units of work here last microseconds
        return MemoryUnitOfWork(self)

    async def ping(self) -> None:
        self._check_open()

    async def aclose(self) -> None:
        self._closed = True
