"""The handoff repository's in-memory fake: ``uow.handoff`` of :class:`bot.store.MemoryStore`.

Same contract as :mod:`bot.store.sqla_handoff` (``tests/handoff/test_store.py`` runs over
both), so ``memory://`` runs and fast tests get reminders too. The tables are plain
dataclasses inside the memory store's tables, so they share its unit of work: staged on a
copy, kept on commit, dropped on rollback.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.handoff.errors import DuplicateRegion, UnknownFire, UnknownRegion
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
from bot.store.models import HANDOFF_ERROR_LENGTH, KEY_LENGTH

__all__ = ["HandoffTables", "MemoryHandoff"]

_POSTED = (FireStatus.SENT, FireStatus.LATE)


@dataclass(slots=True)
class _Roster:
    id: int
    team: TeamKey
    locale: str
    paused: bool
    active_since: datetime
    regions: list[StoredRegion] = field(default_factory=list)
    created_by: str = ""
    ack_anyone: bool = False


@dataclass(slots=True)
class HandoffTables:
    """Rosters (with their regions), deliveries by id, acknowledgements by delivery id."""

    rosters: dict[int, _Roster] = field(default_factory=dict)
    fires: dict[int, Fire] = field(default_factory=dict)
    acks: dict[int, Ack] = field(default_factory=dict)
    next_roster: int = 1
    next_fire: int = 1


class MemoryHandoff:
    """:class:`bot.handoff.ports.HandoffRepository` on one memory unit of work's tables."""

    def __init__(self, tables: HandoffTables) -> None:
        self._t = tables

    # --- rosters ---------------------------------------------------------------------------

    def _stored(self, row: _Roster) -> StoredRoster:
        return StoredRoster(
            row.id,
            row.team,
            row.locale,
            row.paused,
            row.active_since,
            tuple(row.regions),
            created_by=row.created_by,
            ack_anyone=row.ack_anyone,
        )

    def _guarded(self, row: _Roster, guard: Guard | None) -> None:
        if guard is not None:
            guard(self._stored(row))

    def _find(self, team: TeamKey) -> _Roster | None:
        return next((r for r in self._t.rosters.values() if r.team == team), None)

    async def roster(self, team: TeamKey) -> StoredRoster | None:
        row = self._find(team)
        return None if row is None else self._stored(row)

    async def rosters(self, *, include_paused: bool = False) -> list[StoredRoster]:
        rows = sorted(self._t.rosters.values(), key=lambda r: r.id)
        return [self._stored(r) for r in rows if include_paused or not r.paused]

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
        row = self._find(team)
        if row is None:
            row = _Roster(
                self._t.next_roster, team, locale, False, now, created_by=actor[:KEY_LENGTH]
            )
            self._t.rosters[row.id] = row
            self._t.next_roster += 1
        self._guarded(row, guard)
        self._stored(row).roster.add(region)  # the pure checks: duplicate name, size cap
        if any(r.region.key == region.key for r in row.regions):  # pragma: no cover - add()
            raise DuplicateRegion(name=region.name, existing=region.command())
        row.regions.append(StoredRegion(region, now))
        row.locale = locale
        return self._stored(row)

    async def remove_region(
        self, team: TeamKey, name: str, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster:
        row = self._find(team)
        if row is None:
            raise UnknownRegion(name=name, known="")
        self._guarded(row, guard)
        self._stored(row).roster.remove(name)  # raises UnknownRegion with the known names
        row.regions = [r for r in row.regions if r.region.key != name.casefold()]
        return self._stored(row)

    async def set_paused(
        self, team: TeamKey, paused: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        row = self._find(team)
        if row is None:
            return None
        self._guarded(row, guard)
        if not paused and row.paused:
            row.active_since = now
        row.paused = paused
        return self._stored(row)

    async def set_ack_anyone(
        self, team: TeamKey, anyone: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        row = self._find(team)
        if row is None:
            return None
        self._guarded(row, guard)
        row.ack_anyone = anyone
        return self._stored(row)

    # --- deliveries ------------------------------------------------------------------------

    def _current(self, fire: Fire) -> Fire:
        """The stored row with its roster's current team/locale and its acknowledgement."""
        roster = self._t.rosters[fire.roster_id]
        return replace(
            fire,
            team=roster.team,
            locale=roster.locale,
            ack=self._t.acks.get(fire.id),
            payload=copy.deepcopy(fire.payload),
        )

    async def known_keys(self, since: datetime) -> set[ClaimKey]:
        return {
            (f.roster_id, f.region_key, f.change_at, f.kind.value)
            for f in self._t.fires.values()
            if f.due_at >= since
        }

    def _insert(
        self, plan: PlannedFire, *, status: FireStatus, worker: str, now: datetime
    ) -> Fire | None:
        key = (plan.roster_id, plan.region_key, plan.change_at, plan.kind.value)
        if key in _claim_keys(self._t):
            return None
        roster = self._t.rosters[plan.roster_id]
        fire = Fire(
            id=self._t.next_fire,
            roster_id=plan.roster_id,
            team=roster.team,
            locale=roster.locale,
            kind=plan.kind,
            region_key=plan.region_key,
            change_at=plan.change_at,
            due_at=plan.due_at,
            status=status,
            claimed_by=worker,
            claimed_at=now,
            attempts=1 if status is FireStatus.CLAIMED else 0,
            sent_at=None,
            message_id=None,
            escalate_at=None,
            parent_id=plan.parent_id,
            last_error=None,
            payload=copy.deepcopy(plan.payload),
            ack=None,
        )
        self._t.fires[fire.id] = fire
        self._t.next_fire += 1
        return self._current(fire)

    async def claim(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        return self._insert(plan, status=FireStatus.CLAIMED, worker=worker, now=now)

    async def skip(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        return self._insert(plan, status=FireStatus.SKIPPED, worker=worker, now=now)

    async def reclaim_abandoned(
        self,
        *,
        worker: str,
        now: datetime,
        lease: timedelta,
        grace: timedelta,
        limit: int = 100,
    ) -> tuple[list[Fire], list[Fire]]:
        stale = sorted(
            (
                f
                for f in self._t.fires.values()
                if f.status is FireStatus.CLAIMED and f.claimed_at <= now - lease
            ),
            key=lambda f: f.due_at,
        )[:limit]
        retry: list[Fire] = []
        dead: list[Fire] = []
        for fire in stale:
            if now <= fire.due_at + grace:
                changed = replace(
                    fire, claimed_by=worker, claimed_at=now, attempts=fire.attempts + 1
                )
                retry.append(changed)
            else:
                changed = replace(fire, status=FireStatus.FAILED, last_error="grace expired")
                dead.append(changed)
            self._t.fires[fire.id] = changed
        return [self._current(f) for f in retry], [self._current(f) for f in dead]

    def _update_claim(self, fire: Fire, **values: Any) -> bool:
        stored = self._t.fires.get(fire.id)
        if (
            stored is None
            or stored.status is not FireStatus.CLAIMED
            or stored.attempts != fire.attempts
        ):
            return False
        self._t.fires[fire.id] = replace(stored, **values)
        return True

    async def mark_posted(
        self,
        fire: Fire,
        *,
        message_id: str,
        late: bool,
        now: datetime,
        escalate_at: datetime | None,
    ) -> bool:
        return self._update_claim(
            fire,
            status=FireStatus.LATE if late else FireStatus.SENT,
            sent_at=now,
            message_id=message_id,
            escalate_at=escalate_at,
            last_error=None,
        )

    async def mark_attempt_failed(
        self, fire: Fire, *, error: str, permanent: bool, max_attempts: int
    ) -> FireStatus:
        give_up = permanent or fire.attempts >= max_attempts
        values: dict[str, Any] = {"last_error": error[:HANDOFF_ERROR_LENGTH]}
        if give_up:
            values["status"] = FireStatus.FAILED
        self._update_claim(fire, **values)
        return FireStatus.FAILED if give_up else FireStatus.CLAIMED

    async def fire(self, fire_id: int) -> Fire:
        found = self._t.fires.get(fire_id)
        if found is None:
            raise UnknownFire(fire_id)
        return self._current(found)

    async def fires(
        self, roster_id: int, *, limit: int = 20, kind: DeliveryKind | None = None
    ) -> list[Fire]:
        mine = [
            f
            for f in self._t.fires.values()
            if f.roster_id == roster_id and (kind is None or f.kind is kind)
        ]
        mine.sort(key=lambda f: (f.change_at, f.id), reverse=True)
        return [self._current(f) for f in mine[:limit]]

    def _escalated(self, parent_id: int) -> bool:
        return any(
            f.parent_id == parent_id and f.kind is DeliveryKind.ESCALATION
            for f in self._t.fires.values()
        )

    def _awaiting_ack(self, fire: Fire) -> bool:
        return (
            fire.kind is DeliveryKind.REMINDER
            and fire.status in _POSTED
            and fire.escalate_at is not None
            and fire.id not in self._t.acks
        )

    async def escalation_candidates(self, now: datetime) -> list[Fire]:
        found = [
            f
            for f in self._t.fires.values()
            if self._awaiting_ack(f)
            and f.escalate_at is not None
            and f.escalate_at <= now
            and not self._t.rosters[f.roster_id].paused
            and not self._escalated(f.id)
        ]
        found.sort(key=lambda f: f.escalate_at or now)
        return [self._current(f) for f in found[:100]]

    async def next_wakeups(self, now: datetime, lease: timedelta) -> list[datetime]:
        escalations = [
            f.escalate_at
            for f in self._t.fires.values()
            if self._awaiting_ack(f) and f.escalate_at is not None and f.escalate_at > now
        ]
        claims = [f.claimed_at for f in self._t.fires.values() if f.status is FireStatus.CLAIMED]
        found = []
        if escalations:
            found.append(min(escalations))
        if claims:
            found.append(max(min(claims) + lease, now))
        return found

    # --- acknowledgements ------------------------------------------------------------------

    async def acknowledge(self, fire_id: int, user: str, *, now: datetime) -> tuple[Fire, bool]:
        found = self._t.fires.get(fire_id)
        if found is None or found.kind is not DeliveryKind.REMINDER:
            raise UnknownFire(fire_id)
        first = fire_id not in self._t.acks
        if first:
            self._t.acks[fire_id] = Ack(user[:KEY_LENGTH], now)
        return self._current(found), first


def _claim_keys(tables: HandoffTables) -> set[ClaimKey]:
    """Every claim key taken so far (the SQL store's unique constraint)."""
    return {(f.roster_id, f.region_key, f.change_at, f.kind.value) for f in tables.fires.values()}
