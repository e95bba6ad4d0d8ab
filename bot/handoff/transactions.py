"""Each handoff step in its own short unit of work: what the runner and the service call.

The scheduler must never hold a transaction open while it posts a message (a slow platform
would hold a database lock, and SQLite serializes writers), so every repository call it
makes is one unit of work that commits at once. :class:`Handoffs` is that rule written once,
over any store (``memory://``, SQLite, PostgreSQL): it mirrors
:class:`~bot.handoff.ports.HandoffRepository` method for method. Code that needs several
calls to commit together opens ``store.unit_of_work()`` itself and uses ``uow.handoff``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from bot.handoff.ports import Guard, HandoffDatabase, HandoffRepository
from bot.handoff.records import ClaimKey, DeliveryKind, Fire, FireStatus, PlannedFire, StoredRoster
from bot.handoff.roster import Region, TeamKey
from bot.store import Store, open_store

__all__ = ["Handoffs"]

T = TypeVar("T")


class Handoffs:
    """The handoff repository, one committed unit of work per call."""

    def __init__(self, database: HandoffDatabase) -> None:
        self._database = database
        self._owned: Store | None = None

    @classmethod
    def from_url(cls, database_url: str) -> Handoffs:
        """Over a store of its own (a migrated database); :meth:`aclose` closes it."""
        store = open_store(database_url)
        handoffs = cls(store)
        handoffs._owned = store
        return handoffs

    async def aclose(self) -> None:
        """Close the store :meth:`from_url` opened (a shared store is its owner's to close)."""
        if self._owned is not None:
            await self._owned.aclose()

    @property
    def database(self) -> HandoffDatabase:
        return self._database

    async def _run(self, work: Callable[[HandoffRepository], Awaitable[T]]) -> T:
        async with self._database.unit_of_work() as uow:
            result = await work(uow.handoff)
            await uow.commit()
        return result

    async def roster(self, team: TeamKey) -> StoredRoster | None:
        return await self._run(lambda repo: repo.roster(team))

    async def rosters(self, *, include_paused: bool = False) -> list[StoredRoster]:
        return await self._run(lambda repo: repo.rosters(include_paused=include_paused))

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
        return await self._run(
            lambda repo: repo.add_region(
                team, region, locale=locale, actor=actor, now=now, guard=guard
            )
        )

    async def remove_region(
        self, team: TeamKey, name: str, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster:
        return await self._run(lambda repo: repo.remove_region(team, name, now=now, guard=guard))

    async def set_paused(
        self, team: TeamKey, paused: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        return await self._run(lambda repo: repo.set_paused(team, paused, now=now, guard=guard))

    async def set_ack_anyone(
        self, team: TeamKey, anyone: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        return await self._run(lambda repo: repo.set_ack_anyone(team, anyone, now=now, guard=guard))

    async def known_keys(self, since: datetime) -> set[ClaimKey]:
        return await self._run(lambda repo: repo.known_keys(since))

    async def claim(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        return await self._run(lambda repo: repo.claim(plan, worker=worker, now=now))

    async def skip(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        return await self._run(lambda repo: repo.skip(plan, worker=worker, now=now))

    async def reclaim_abandoned(
        self,
        *,
        worker: str,
        now: datetime,
        lease: timedelta,
        grace: timedelta,
        limit: int = 100,
    ) -> tuple[list[Fire], list[Fire]]:
        return await self._run(
            lambda repo: repo.reclaim_abandoned(
                worker=worker, now=now, lease=lease, grace=grace, limit=limit
            )
        )

    async def mark_posted(
        self,
        fire: Fire,
        *,
        message_id: str,
        late: bool,
        now: datetime,
        escalate_at: datetime | None,
    ) -> bool:
        return await self._run(
            lambda repo: repo.mark_posted(
                fire, message_id=message_id, late=late, now=now, escalate_at=escalate_at
            )
        )

    async def mark_attempt_failed(
        self, fire: Fire, *, error: str, permanent: bool, max_attempts: int
    ) -> FireStatus:
        return await self._run(
            lambda repo: repo.mark_attempt_failed(
                fire, error=error, permanent=permanent, max_attempts=max_attempts
            )
        )

    async def fire(self, fire_id: int) -> Fire:
        return await self._run(lambda repo: repo.fire(fire_id))

    async def fires(
        self, roster_id: int, *, limit: int = 20, kind: DeliveryKind | None = None
    ) -> list[Fire]:
        return await self._run(lambda repo: repo.fires(roster_id, limit=limit, kind=kind))

    async def escalation_candidates(self, now: datetime) -> list[Fire]:
        return await self._run(lambda repo: repo.escalation_candidates(now))

    async def next_wakeups(self, now: datetime, lease: timedelta) -> list[datetime]:
        return await self._run(lambda repo: repo.next_wakeups(now, lease))

    async def acknowledge(self, fire_id: int, user: str, *, now: datetime) -> tuple[Fire, bool]:
        return await self._run(lambda repo: repo.acknowledge(fire_id, user, now=now))
