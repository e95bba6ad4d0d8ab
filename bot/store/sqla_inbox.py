"""The inbox repository (:class:`bot.store.base.Inbox`) on SQLite and PostgreSQL.

Why each statement looks the way it does:

* :meth:`SqlInbox.add` is ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: of two
  deliveries of one event (Slack's retry reaching another replica) exactly one inserts.
* Every lease change is a conditional ``UPDATE`` that repeats the lease condition in its
  ``WHERE`` (compare-and-set), so it holds on SQLite, whose ``BEGIN IMMEDIATE`` already
  serializes writers, and on PostgreSQL under READ COMMITTED.
* :meth:`SqlInbox.claim_due` first picks its candidates ``FOR UPDATE SKIP LOCKED`` on
  PostgreSQL: two replicas sweeping at once split the due rows between them instead of the
  second waiting for the first's transaction and then finding nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, null, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.ports import ConversationKey
from bot.store.base import InboxItem, JSONObject
from bot.store.models import slack_inbox
from bot.store.sqla import _translated, _utc

__all__ = ["SqlInbox"]

_c = slack_inbox.c


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(_c.done.is_(False), _c.claimed_until <= now)


def _item(row: Any) -> InboxItem:
    return InboxItem(
        dedupe_id=row.dedupe_id,
        kind=row.kind,
        key=ConversationKey(row.platform, row.workspace, row.user_id),
        payload=row.payload,
        received_at=_utc(row.received_at),
        attempts=int(row.attempts),
    )


class SqlInbox:
    """Runs its statements on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

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
        upsert = pg_insert if self._connection.dialect.name == "postgresql" else sqlite_insert
        statement = (
            upsert(slack_inbox)
            .values(
                dedupe_id=dedupe_id,
                kind=kind,
                platform=key.platform,
                workspace=key.workspace,
                user_id=key.user,
                payload=payload,
                received_at=now,
                claimed_by=worker,
                claimed_until=lease_until,
                attempts=1,
                done=False,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_id"])
            .returning(_c.dedupe_id)
        )
        with _translated(key):
            added = (await self._connection.execute(statement)).scalar_one_or_none()
        return added is not None

    async def take(
        self, dedupe_id: str, *, worker: str, now: datetime, lease_until: datetime
    ) -> bool:
        with _translated():
            result = await self._connection.execute(
                update(slack_inbox)
                .where(_c.dedupe_id == dedupe_id, _due(now))
                .values(claimed_by=worker, claimed_until=lease_until, attempts=_c.attempts + 1)
            )
        return bool(result.rowcount == 1)

    async def claim_due(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> tuple[InboxItem, ...]:
        candidates = (
            select(_c.dedupe_id)
            .where(_due(now))
            .order_by(_c.received_at)
            .limit(max(limit, 0))
            .with_for_update(skip_locked=True)  # rendered on PostgreSQL only
        )
        with _translated():
            ids = list((await self._connection.execute(candidates)).scalars())
            if not ids:
                return ()
            rows = (
                await self._connection.execute(
                    update(slack_inbox)
                    .where(_c.dedupe_id.in_(ids), _due(now))
                    .values(claimed_by=worker, claimed_until=lease_until, attempts=_c.attempts + 1)
                    .returning(*slack_inbox.c)
                )
            ).all()
        return tuple(sorted((_item(row) for row in rows), key=lambda i: i.received_at))

    async def release(self, dedupe_id: str, *, worker: str, now: datetime) -> bool:
        with _translated():
            result = await self._connection.execute(
                update(slack_inbox)
                .where(
                    _c.dedupe_id == dedupe_id,
                    _c.claimed_by == worker,
                    _c.done.is_(False),
                    _c.claimed_until > now,
                )
                .values(claimed_until=now)
            )
        return bool(result.rowcount == 1)

    async def finish(self, dedupe_id: str) -> bool:
        with _translated():
            result = await self._connection.execute(
                update(slack_inbox)
                .where(_c.dedupe_id == dedupe_id, _c.done.is_(False))
                .values(done=True, payload=null())
            )
        return bool(result.rowcount == 1)

    async def prune(self, before: datetime) -> int:
        with _translated():
            result = await self._connection.execute(
                sql_delete(slack_inbox).where(_c.received_at < before)
            )
        return int(result.rowcount)
