"""The handoff feature's persistence port: a repository that lives on the store's unit of work.

cosmicpython puts every repository on the unit of work (``uow.products``); handoff is no
exception: ``uow.handoff`` is a :class:`HandoffRepository`, kept by the SQL store
(:mod:`bot.store.sqla_handoff`) and by the in-memory fake (:mod:`bot.store.memory_handoff`),
and one contract suite (``tests/handoff/test_store.py``) runs over both. Nothing here opens
a transaction: the caller's unit of work decides what commits together, and
:class:`bot.handoff.transactions.Handoffs` is the one place that gives each scheduler step its
own short unit of work.

Every roster write takes an optional :data:`Guard`, the access rules re-checked on the locked
row inside the write's transaction, so a check made earlier cannot be raced.

Errors: the domain ones (:class:`~bot.handoff.errors.DuplicateRegion`,
:class:`~bot.handoff.errors.TooManyRegions`, :class:`~bot.handoff.errors.UnknownRegion`,
:class:`~bot.handoff.errors.UnknownFire`) leave the unit of work uncommittable in spirit:
nothing the call tried is kept once the caller leaves without ``commit``. A lost database is
the store's :class:`bot.store.StoreUnavailable`, translated once, in :mod:`bot.store.sqla`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from bot.handoff.records import ClaimKey, DeliveryKind, Fire, FireStatus, PlannedFire, StoredRoster
from bot.handoff.roster import Region, TeamKey

__all__ = ["Directory", "Guard", "HandoffDatabase", "HandoffRepository", "HandoffUnitOfWork"]

#: Called by a roster write with the roster as it stands inside the write's transaction
#: (locked; after creating it, for ``add_region``); raising refuses the write, and the unit of
#: work, left without ``commit``, keeps nothing of it.
Guard = Callable[[StoredRoster], None]


class Directory(Protocol):
    """What the platform says about a user: the one fact the roster rules cannot store.

    Each adapter ships one over its own client (Slack ``users.info``, Telegram
    ``getChatMember``), built per request; the core tests use an in-memory fake. A directory
    may remember answers for a few seconds, never longer: a demoted admin must lose the right
    quickly. Any failure to ask raises :class:`~bot.handoff.errors.DirectoryUnavailable`
    (never answers False for "don't know"), and the service refuses.
    """

    async def is_admin(self, workspace: str, channel: str, user: str) -> bool:
        """Whether ``user`` (a platform user id) administers the workspace or group
        ``workspace`` (with ``channel`` from the same :class:`~bot.handoff.roster.TeamKey`)."""
        ...


class HandoffRepository(Protocol):
    """Rosters (one per team channel), their regions, deliveries and acknowledgements.

    Every time is timezone-aware UTC. Claims are unique on their :data:`ClaimKey` across
    processes: :meth:`claim` and :meth:`skip` return None when any unit of work recorded that
    delivery first.
    """

    async def roster(self, team: TeamKey) -> StoredRoster | None:
        """The team's roster with its regions (oldest first), or None."""
        ...

    async def rosters(self, *, include_paused: bool = False) -> list[StoredRoster]:
        """Every roster (paused ones only if asked), oldest first."""
        ...

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
        """Add ``region`` (creating the roster on first use, ``active_since`` = ``now``,
        ``created_by`` = ``actor``) and set the roster's locale. Raises
        :class:`~bot.handoff.errors.DuplicateRegion` (same name in any case, also when a
        concurrent add won) or :class:`~bot.handoff.errors.TooManyRegions`."""
        ...

    async def remove_region(
        self, team: TeamKey, name: str, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster:
        """Remove a region by name (any case). Raises :class:`~bot.handoff.errors.UnknownRegion`
        (with the known names)."""
        ...

    async def set_paused(
        self, team: TeamKey, paused: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        """Pause or resume; resuming a paused roster moves ``active_since`` to ``now`` so
        changes missed while paused are not sent late. None: the team has no roster."""
        ...

    async def set_ack_anyone(
        self, team: TeamKey, anyone: bool, *, now: datetime, guard: Guard | None = None
    ) -> StoredRoster | None:
        """Let anyone (True) or only the incoming lead (False) acknowledge reminders.
        None: the team has no roster."""
        ...

    async def known_keys(self, since: datetime) -> set[ClaimKey]:
        """Claim keys of the deliveries due at or after ``since``."""
        ...

    async def claim(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        """Record the delivery as claimed by ``worker`` (attempt 1); None if already known."""
        ...

    async def skip(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        """Record a delivery that will never be made (grace passed); None if already known."""
        ...

    async def reclaim_abandoned(
        self,
        *,
        worker: str,
        now: datetime,
        lease: timedelta,
        grace: timedelta,
        limit: int = 100,
    ) -> tuple[list[Fire], list[Fire]]:
        """Claims older than ``lease`` never confirmed sent: those still inside ``grace`` of
        their due time are re-claimed by ``worker`` (attempts + 1) and returned first; the
        others are marked failed and returned second. A row another worker changed meanwhile
        (compare-and-set on ``attempts``) is in neither list."""
        ...

    async def mark_posted(
        self,
        fire: Fire,
        *,
        message_id: str,
        late: bool,
        now: datetime,
        escalate_at: datetime | None,
    ) -> bool:
        """Record the platform's message id. False: the claim was no longer ``fire``'s (still
        claimed, same attempt), so nothing changed."""
        ...

    async def mark_attempt_failed(
        self, fire: Fire, *, error: str, permanent: bool, max_attempts: int
    ) -> FireStatus:
        """A send failed: permanent errors (or ``max_attempts`` reached) end the delivery as
        failed; otherwise it stays claimed, to be re-claimed once its lease runs out."""
        ...

    async def fire(self, fire_id: int) -> Fire:
        """One delivery. Raises :class:`~bot.handoff.errors.UnknownFire`."""
        ...

    async def fires(
        self, roster_id: int, *, limit: int = 20, kind: DeliveryKind | None = None
    ) -> list[Fire]:
        """The roster's most recent deliveries, newest change first."""
        ...

    async def escalation_candidates(self, now: datetime) -> list[Fire]:
        """Posted reminders of active rosters whose ack window closed at or before ``now``,
        with no acknowledgement and no escalation yet (at most 100, earliest first)."""
        ...

    async def next_wakeups(self, now: datetime, lease: timedelta) -> list[datetime]:
        """Instants after ``now`` when something stored becomes actionable: the first
        pending escalation, and when the oldest unconfirmed claim's lease runs out."""
        ...

    async def acknowledge(self, fire_id: int, user: str, *, now: datetime) -> tuple[Fire, bool]:
        """Record ``user``'s acknowledgement of a reminder; later presses change nothing.
        Returns the fire (with the ack that counts) and whether this press was the first.
        Raises :class:`~bot.handoff.errors.UnknownFire` (also for an escalation's id)."""
        ...


class HandoffUnitOfWork(Protocol):
    """The part of :class:`bot.store.UnitOfWork` handoff uses (any store's unit of work is one)."""

    @property
    def handoff(self) -> HandoffRepository: ...

    async def commit(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class HandoffDatabase(Protocol):
    """Hands out units of work: :class:`bot.store.Store` is one."""

    def unit_of_work(self) -> HandoffUnitOfWork: ...
