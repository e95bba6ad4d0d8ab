"""The handoff repository on the SQL store: ``uow.handoff`` of :class:`bot.store.SqlStore`.

Runs on its unit of work's connection, inside its transaction, with the store's one error
translator (:func:`bot.store.sqla._translated`). Why the statements look the way they do:

* Claims are ``INSERT … ON CONFLICT DO NOTHING RETURNING`` on both back ends: exactly one
  unit of work, in any process, records a given delivery.
* Re-claiming an abandoned claim takes the candidate rows ``FOR UPDATE SKIP LOCKED``
  (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serializes writers) and
  compare-and-sets on ``attempts``, so two recovering replicas never both win a row.
* A roster row is read ``FOR UPDATE`` before its regions change, so two concurrent adds of
  one name queue up and the second sees the first's region.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.handoff.errors import DuplicateRegion, InvalidInput, UnknownFire, UnknownRegion
from bot.handoff.ports import Guard
from bot.handoff.records import (
    Ack,
    ClaimKey,
    DeliveryKind,
    Fire,
    FireStatus,
    PlannedFire,
    StoredRegion,
    StoredRoster,
)
from bot.handoff.roster import Region, TeamKey
from bot.store.models import (
    HANDOFF_ERROR_LENGTH,
    KEY_LENGTH,
    handoff_acks,
    handoff_fires,
    handoff_regions,
    handoff_rosters,
)
from bot.store.sqla import _translated, _utc

__all__ = ["SqlHandoff"]

_log = logging.getLogger(__name__)

_POSTED = (FireStatus.SENT.value, FireStatus.LATE.value)


def _opt_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else _utc(moment)


def _mask(days: frozenset[int]) -> int:
    return sum(1 << d for d in days)


def _days(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


def _fire_query() -> Any:
    f, r, a = handoff_fires, handoff_rosters, handoff_acks
    return (
        select(f, r.c.platform, r.c.workspace, r.c.channel, r.c.locale, a.c.user_ref, a.c.acked_at)
        .join(r, r.c.id == f.c.roster_id)
        .outerjoin(a, a.c.fire_id == f.c.id)
    )


def _fire(row: Row[Any]) -> Fire:
    return Fire(
        id=row.id,
        roster_id=row.roster_id,
        team=TeamKey(row.platform, row.workspace, row.channel),
        locale=row.locale,
        kind=DeliveryKind(row.kind),
        region_key=row.region_key,
        change_at=_utc(row.change_at),
        due_at=_utc(row.due_at),
        status=FireStatus(row.status),
        claimed_by=row.claimed_by,
        claimed_at=_utc(row.claimed_at),
        attempts=row.attempts,
        sent_at=_opt_utc(row.sent_at),
        message_id=row.message_id,
        escalate_at=_opt_utc(row.escalate_at),
        parent_id=row.parent_id,
        last_error=row.last_error,
        payload=dict(row.payload),
        ack=None if row.user_ref is None else Ack(row.user_ref, _utc(row.acked_at)),
    )


class SqlHandoff:
    """:class:`bot.handoff.ports.HandoffRepository` on one unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    def _upsert(self, table: Table) -> Any:
        dialect = self._connection.dialect.name
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)

    async def _rows(self, query: Any) -> Sequence[Row[Any]]:
        with _translated():
            return (await self._connection.execute(query)).all()

    # --- rosters ---------------------------------------------------------------------------

    async def _load_many(self, roster_rows: Sequence[Row[Any]]) -> list[StoredRoster]:
        """The rosters of ``roster_rows`` with their regions (one query for all regions)."""
        if not roster_rows:
            return []
        g = handoff_regions.c
        ids = [row.id for row in roster_rows]
        region_rows = await self._rows(
            select(handoff_regions).where(g.roster_id.in_(ids)).order_by(g.id)
        )
        regions: dict[int, list[StoredRegion]] = {i: [] for i in ids}
        for row in region_rows:
            try:
                region = Region(
                    name=row.name,
                    tz=row.tz,
                    start=row.start_minute,
                    end=row.end_minute,
                    weekdays=_days(row.weekdays),
                    lead=row.lead,
                )
            except InvalidInput as exc:  # e.g. a zone a newer tzdata dropped: skip, say so
                _log.error(
                    "handoff region %s of roster %s is unusable: %s", row.id, row.roster_id, exc
                )
                continue
            regions[row.roster_id].append(StoredRegion(region, _utc(row.created_at)))
        return [
            StoredRoster(
                id=row.id,
                team=TeamKey(row.platform, row.workspace, row.channel),
                locale=row.locale,
                paused=row.paused,
                active_since=_utc(row.active_since),
                regions=tuple(regions[row.id]),
                created_by=row.created_by,
                ack_anyone=row.ack_anyone,
            )
            for row in roster_rows
        ]

    async def _load(self, roster_row: Row[Any]) -> StoredRoster:
        return (await self._load_many([roster_row]))[0]

    async def _roster_row(self, team: TeamKey, *, lock: bool = False) -> Row[Any] | None:
        c = handoff_rosters.c
        query = select(handoff_rosters).where(
            c.platform == team.platform, c.workspace == team.workspace, c.channel == team.channel
        )
        if lock:
            query = query.with_for_update()
        rows = await self._rows(query)
        return rows[0] if rows else None

    async def roster(self, team: TeamKey) -> StoredRoster | None:
        row = await self._roster_row(team)
        return None if row is None else await self._load(row)

    async def rosters(self, *, include_paused: bool = False) -> list[StoredRoster]:
        query = select(handoff_rosters).order_by(handoff_rosters.c.id)
        if not include_paused:
            query = query.where(handoff_rosters.c.paused.is_(False))
        return await self._load_many(await self._rows(query))

    async def _guarded(self, row: Row[Any], guard: Guard | None) -> StoredRoster:
        current = await self._load(row)
        if guard is not None:
            guard(current)
        return current

    async def add_region(
        self,
        team: TeamKey,
        region: Region,
        *,
        locale: str,
        actor: str,
        now: datetime,
        guard: Guard | None = None,
    ) -> StoredRoster:
        with _translated():
            await self._connection.execute(
                self._upsert(handoff_rosters)
                .values(
                    platform=team.platform,
                    workspace=team.workspace,
                    channel=team.channel,
                    locale=locale,
                    paused=False,
                    active_since=now,
                    created_at=now,
                    updated_at=now,
                    created_by=actor[:KEY_LENGTH],
                    ack_anyone=False,
                )
                .on_conflict_do_nothing(index_elements=["platform", "workspace", "channel"])
            )
        row = await self._roster_row(team, lock=True)
        assert row is not None
        current = await self._guarded(row, guard)
        current.roster.add(region)  # the pure checks: duplicate name, size cap
        try:
            with _translated():
                await self._connection.execute(
                    insert(handoff_regions).values(
                        roster_id=row.id,
                        name=region.name,
                        name_key=region.key,
                        tz=region.tz,
                        start_minute=region.start,
                        end_minute=region.end,
                        weekdays=_mask(region.weekdays),
                        lead=region.lead,
                        created_by=actor[:KEY_LENGTH],
                        created_at=now,
                    )
                )
        except IntegrityError:  # a concurrent add of the same name committed first
            raise DuplicateRegion(name=region.name, existing=region.command()) from None
        with _translated():
            await self._connection.execute(
                update(handoff_rosters)
                .where(handoff_rosters.c.id == row.id)
                .values(locale=locale, updated_at=now)
            )
        return await self._load(row)

    async def remove_region(
        self, team: TeamKey, name: str, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster:
        row = await self._roster_row(team, lock=True)
        if row is None:
            raise UnknownRegion(name=name, known="")
        current = await self._guarded(row, guard)
        current.roster.remove(name)  # raises UnknownRegion with the known names
        with _translated():
            await self._connection.execute(
                sql_delete(handoff_regions).where(
                    handoff_regions.c.roster_id == row.id,
                    handoff_regions.c.name_key == name.casefold(),
                )
            )
            await self._connection.execute(
                update(handoff_rosters).where(handoff_rosters.c.id == row.id).values(updated_at=now)
            )
        return await self._load(row)

    async def set_paused(
        self, team: TeamKey, paused: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        row = await self._roster_row(team, lock=True)
        if row is None:
            return None
        await self._guarded(row, guard)
        values: dict[str, Any] = {"paused": paused, "updated_at": now}
        if not paused and row.paused:
            values["active_since"] = now
        with _translated():
            await self._connection.execute(
                update(handoff_rosters).where(handoff_rosters.c.id == row.id).values(**values)
            )
        fresh = await self._roster_row(team)
        assert fresh is not None
        return await self._load(fresh)

    async def set_ack_anyone(
        self, team: TeamKey, anyone: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        row = await self._roster_row(team, lock=True)
        if row is None:
            return None
        await self._guarded(row, guard)
        with _translated():
            await self._connection.execute(
                update(handoff_rosters)
                .where(handoff_rosters.c.id == row.id)
                .values(ack_anyone=anyone, updated_at=now)
            )
        fresh = await self._roster_row(team)
        assert fresh is not None
        return await self._load(fresh)

    # --- deliveries ------------------------------------------------------------------------

    async def known_keys(self, since: datetime) -> set[ClaimKey]:
        f = handoff_fires.c
        rows = await self._rows(
            select(f.roster_id, f.region_key, f.change_at, f.kind).where(f.due_at >= since)
        )
        return {(r.roster_id, r.region_key, _utc(r.change_at), r.kind) for r in rows}

    async def _insert_fire(
        self, plan: PlannedFire, *, status: FireStatus, worker: str, now: datetime
    ) -> Fire | None:
        statement = (
            self._upsert(handoff_fires)
            .values(
                roster_id=plan.roster_id,
                kind=plan.kind.value,
                region_key=plan.region_key,
                change_at=plan.change_at,
                due_at=plan.due_at,
                status=status.value,
                claimed_by=worker,
                claimed_at=now,
                attempts=1 if status is FireStatus.CLAIMED else 0,
                parent_id=plan.parent_id,
                payload=plan.payload,
            )
            .on_conflict_do_nothing(index_elements=["roster_id", "region_key", "change_at", "kind"])
            .returning(handoff_fires.c.id)
        )
        with _translated():
            fire_id = (await self._connection.execute(statement)).scalar_one_or_none()
        if fire_id is None:
            return None
        return await self.fire(fire_id)

    async def claim(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        return await self._insert_fire(plan, status=FireStatus.CLAIMED, worker=worker, now=now)

    async def skip(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        return await self._insert_fire(plan, status=FireStatus.SKIPPED, worker=worker, now=now)

    async def reclaim_abandoned(
        self,
        *,
        worker: str,
        now: datetime,
        lease: timedelta,
        grace: timedelta,
        limit: int = 100,
    ) -> tuple[list[Fire], list[Fire]]:
        f = handoff_fires.c
        candidates = (
            select(f.id, f.attempts, f.due_at)
            .where(f.status == FireStatus.CLAIMED.value, f.claimed_at <= now - lease)
            .order_by(f.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        retry_ids: list[int] = []
        dead_ids: list[int] = []
        for row in await self._rows(candidates):
            alive = now <= _utc(row.due_at) + grace
            values: dict[str, Any] = (
                {"claimed_by": worker, "claimed_at": now, "attempts": row.attempts + 1}
                if alive
                else {"status": FireStatus.FAILED.value, "last_error": "grace expired"}
            )
            with _translated():
                result = await self._connection.execute(
                    update(handoff_fires)
                    .where(
                        f.id == row.id,
                        f.status == FireStatus.CLAIMED.value,
                        f.attempts == row.attempts,
                    )
                    .values(**values)
                )
            if result.rowcount == 1:
                (retry_ids if alive else dead_ids).append(row.id)
        ids = retry_ids + dead_ids
        rows = await self._rows(_fire_query().where(f.id.in_(ids))) if ids else []
        by_id = {row.id: _fire(row) for row in rows}
        return [by_id[i] for i in retry_ids], [by_id[i] for i in dead_ids]

    async def _update_claim(self, fire: Fire, values: dict[str, Any]) -> bool:
        """Change ``fire``'s row if it is still the same claim (compare-and-set)."""
        f = handoff_fires.c
        with _translated():
            result = await self._connection.execute(
                update(handoff_fires)
                .where(
                    f.id == fire.id,
                    f.status == FireStatus.CLAIMED.value,
                    f.attempts == fire.attempts,
                )
                .values(**values)
            )
        return bool(result.rowcount == 1)

    async def mark_posted(
        self,
        fire: Fire,
        *,
        message_id: str,
        late: bool,
        now: datetime,
        escalate_at: datetime | None,
    ) -> bool:
        return await self._update_claim(
            fire,
            {
                "status": (FireStatus.LATE if late else FireStatus.SENT).value,
                "sent_at": now,
                "message_id": message_id,
                "escalate_at": escalate_at,
                "last_error": None,
            },
        )

    async def mark_attempt_failed(
        self, fire: Fire, *, error: str, permanent: bool, max_attempts: int
    ) -> FireStatus:
        give_up = permanent or fire.attempts >= max_attempts
        values: dict[str, Any] = {"last_error": error[:HANDOFF_ERROR_LENGTH]}
        if give_up:
            values["status"] = FireStatus.FAILED.value
        await self._update_claim(fire, values)
        return FireStatus.FAILED if give_up else FireStatus.CLAIMED

    async def fire(self, fire_id: int) -> Fire:
        rows = await self._rows(_fire_query().where(handoff_fires.c.id == fire_id))
        if not rows:
            raise UnknownFire(fire_id)
        return _fire(rows[0])

    async def fires(
        self, roster_id: int, *, limit: int = 20, kind: DeliveryKind | None = None
    ) -> list[Fire]:
        f = handoff_fires.c
        query = _fire_query().where(f.roster_id == roster_id)
        if kind is not None:
            query = query.where(f.kind == kind.value)
        query = query.order_by(f.change_at.desc(), f.id.desc()).limit(limit)
        return [_fire(row) for row in await self._rows(query)]

    async def escalation_candidates(self, now: datetime) -> list[Fire]:
        f, a, r = handoff_fires.c, handoff_acks.c, handoff_rosters.c
        child = handoff_fires.alias("child")
        query = (
            _fire_query()
            .where(
                f.kind == DeliveryKind.REMINDER.value,
                f.status.in_(_POSTED),
                f.escalate_at <= now,
                a.fire_id.is_(None),
                r.paused.is_(False),
                ~select(child.c.id)
                .where(
                    child.c.parent_id == f.id,
                    child.c.kind == DeliveryKind.ESCALATION.value,
                )
                .exists(),
            )
            .order_by(f.escalate_at)
            .limit(100)
        )
        return [_fire(row) for row in await self._rows(query)]

    async def next_wakeups(self, now: datetime, lease: timedelta) -> list[datetime]:
        f, a = handoff_fires.c, handoff_acks.c
        escalate = (
            select(func.min(f.escalate_at))
            .select_from(handoff_fires.outerjoin(handoff_acks, a.fire_id == f.id))
            .where(
                f.kind == DeliveryKind.REMINDER.value,
                f.status.in_(_POSTED),
                f.escalate_at > now,
                a.fire_id.is_(None),
            )
        )
        lease_end = select(func.min(f.claimed_at)).where(f.status == FireStatus.CLAIMED.value)
        with _translated():
            first_escalation = (await self._connection.execute(escalate)).scalar_one_or_none()
            oldest_claim = (await self._connection.execute(lease_end)).scalar_one_or_none()
        found = []
        if first_escalation is not None:
            found.append(_utc(first_escalation))
        if oldest_claim is not None:
            found.append(max(_utc(oldest_claim) + lease, now))
        return found

    # --- acknowledgements ------------------------------------------------------------------

    async def acknowledge(self, fire_id: int, user: str, *, now: datetime) -> tuple[Fire, bool]:
        f = handoff_fires.c
        exists = await self._rows(
            select(f.id).where(f.id == fire_id, f.kind == DeliveryKind.REMINDER.value)
        )
        if not exists:
            raise UnknownFire(fire_id)
        with _translated():
            inserted = (
                await self._connection.execute(
                    self._upsert(handoff_acks)
                    .values(fire_id=fire_id, user_ref=user[:KEY_LENGTH], acked_at=now)
                    .on_conflict_do_nothing(index_elements=["fire_id"])
                    .returning(handoff_acks.c.fire_id)
                )
            ).scalar_one_or_none()
        return await self.fire(fire_id), inserted is not None
