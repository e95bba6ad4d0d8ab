"""Rosters and delivery records in the database: the scheduler's only memory.

Tables (Core, on the shared :data:`bot.store.models.metadata`; created by migration 0002):

``handoff_rosters``   one per team channel: locale, paused, ``active_since``
``handoff_regions``   a roster's regions (unique case-insensitive name per roster)
``handoff_fires``     one row per delivery, reminder or escalation. The unique key
                      ``(roster_id, region_key, change_at, kind)`` is the claim: whoever
                      inserts the row owns sending it. ``status`` records what happened:

                      claimed -> sent | late      posted (late: after due + tolerance)
                      claimed -> failed           gave up (permanent error, no grace left)
                      (none)  -> skipped          due while the bot was down, grace passed
``handoff_acks``      who acknowledged a reminder, and when (one per reminder)

Every method is one short transaction on its own connection (SQLite: ``BEGIN IMMEDIATE``,
see :mod:`bot.store.sqla`), so nothing is held open while a message is being posted.
Claims are ``INSERT … ON CONFLICT DO NOTHING RETURNING`` on both back ends; re-claiming an
abandoned claim takes the candidate rows ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) and
compare-and-sets on ``attempts``, so two recovering replicas never both win a row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Self

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Row
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.handoff.errors import DuplicateRegion, InvalidInput, UnknownFire, UnknownRegion
from bot.handoff.roster import Region, Roster, TeamKey
from bot.store import StoreUnavailable
from bot.store.models import KEY_LENGTH, Id, JSONDocument, metadata
from bot.store.sqla import create_engine

__all__ = [
    "Ack",
    "DeliveryKind",
    "Fire",
    "FireStatus",
    "HandoffStore",
    "PlannedFire",
    "StoredRegion",
    "StoredRoster",
    "handoff_acks",
    "handoff_fires",
    "handoff_regions",
    "handoff_rosters",
]

log = logging.getLogger(__name__)

_NAME = 32
_STATUS = 16
_ERROR = 300

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
    Column("name", String(_NAME), nullable=False),
    Column("name_key", String(_NAME), nullable=False),
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
    Column("region_key", String(_NAME), nullable=False),
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
    Column("last_error", String(_ERROR), nullable=True),
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


class FireStatus(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    LATE = "late"
    SKIPPED = "skipped"
    FAILED = "failed"


class DeliveryKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"


_POSTED = (FireStatus.SENT.value, FireStatus.LATE.value)


@contextmanager
def _translated() -> Iterator[None]:
    """A lost or refused connection is the store's :class:`StoreUnavailable`; the runner
    backs off and tries again instead of crashing."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise StoreUnavailable(f"database unavailable: {type(exc.orig).__name__}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreUnavailable("database connection lost") from exc
        raise
    except (OSError, TimeoutError) as exc:
        raise StoreUnavailable(f"database unavailable: {type(exc).__name__}") from exc


def _utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _opt_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else _utc(moment)


def _mask(days: frozenset[int]) -> int:
    return sum(1 << d for d in days)


def _days(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


@dataclass(frozen=True, slots=True)
class StoredRegion:
    region: Region
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredRoster:
    id: int
    team: TeamKey
    locale: str
    paused: bool
    active_since: datetime
    regions: tuple[StoredRegion, ...]

    @property
    def roster(self) -> Roster:
        return Roster(self.team, tuple(r.region for r in self.regions), self.paused)

    def since(self, region_key: str) -> datetime:
        """Changes of that region at or before this instant are not announced."""
        created = next(r.created_at for r in self.regions if r.region.key == region_key)
        return max(created, self.active_since)


@dataclass(frozen=True, slots=True)
class PlannedFire:
    """A delivery the runner wants to make: the claim key plus what the message says."""

    roster_id: int
    kind: DeliveryKind
    region_key: str
    change_at: datetime
    due_at: datetime
    payload: dict[str, Any]
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class Ack:
    user: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Fire:
    """One delivery row, joined with its roster's team and locale and its acknowledgement."""

    id: int
    roster_id: int
    team: TeamKey
    locale: str
    kind: DeliveryKind
    region_key: str
    change_at: datetime
    due_at: datetime
    status: FireStatus
    claimed_by: str
    claimed_at: datetime
    attempts: int
    sent_at: datetime | None
    message_id: str | None
    escalate_at: datetime | None
    parent_id: int | None
    last_error: str | None
    payload: dict[str, Any]
    ack: Ack | None


def _fire_query() -> Any:
    f, r, a = handoff_fires, handoff_rosters, handoff_acks
    return (
        select(
            f,
            r.c.platform,
            r.c.workspace,
            r.c.channel,
            r.c.locale,
            a.c.user_ref,
            a.c.acked_at,
        )
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


class HandoffStore:
    """The handoff repository over an async engine (shared with :class:`bot.store.SqlStore`).

    ``owns_engine``: :meth:`aclose` disposes the engine (true for :meth:`from_url`).
    """

    def __init__(self, engine: AsyncEngine, *, owns_engine: bool = False) -> None:
        self._engine = engine
        self._owns_engine = owns_engine

    @classmethod
    def from_url(cls, database_url: str) -> Self:
        return cls(create_engine(database_url), owns_engine=True)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def aclose(self) -> None:
        if self._owns_engine:
            await self._engine.dispose()

    def _insert(self, connection: AsyncConnection, table: Table) -> Any:
        dialect = connection.dialect.name
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)

    # --- rosters ---------------------------------------------------------------------------

    async def _load_many(
        self, connection: AsyncConnection, roster_rows: Sequence[Row[Any]]
    ) -> list[StoredRoster]:
        """The rosters of ``roster_rows`` with their regions (one query for all regions)."""
        if not roster_rows:
            return []
        g = handoff_regions.c
        ids = [row.id for row in roster_rows]
        region_rows = (
            await connection.execute(
                select(handoff_regions).where(g.roster_id.in_(ids)).order_by(g.id)
            )
        ).all()
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
                log.error(
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
            )
            for row in roster_rows
        ]

    async def _load(self, connection: AsyncConnection, roster_row: Row[Any]) -> StoredRoster:
        return (await self._load_many(connection, [roster_row]))[0]

    async def _roster_row(
        self, connection: AsyncConnection, team: TeamKey, *, lock: bool = False
    ) -> Row[Any] | None:
        c = handoff_rosters.c
        query = select(handoff_rosters).where(
            c.platform == team.platform, c.workspace == team.workspace, c.channel == team.channel
        )
        if lock:
            query = query.with_for_update()
        return (await connection.execute(query)).one_or_none()

    async def roster(self, team: TeamKey) -> StoredRoster | None:
        with _translated():
            async with self._engine.connect() as connection:
                row = await self._roster_row(connection, team)
                return None if row is None else await self._load(connection, row)

    async def rosters(self, *, include_paused: bool = False) -> list[StoredRoster]:
        query = select(handoff_rosters).order_by(handoff_rosters.c.id)
        if not include_paused:
            query = query.where(handoff_rosters.c.paused.is_(False))
        with _translated():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(query)).all()
                return await self._load_many(connection, rows)

    async def add_region(
        self, team: TeamKey, region: Region, *, locale: str, actor: str, now: datetime
    ) -> StoredRoster:
        """Add ``region`` (creating the roster on first use). Raises :class:`DuplicateRegion`
        or :class:`TooManyRegions`; then nothing was written."""
        try:
            return await self._add_region(team, region, locale=locale, actor=actor, now=now)
        except IntegrityError:  # a concurrent add of the same name committed first
            raise DuplicateRegion(name=region.name, existing=region.command()) from None

    async def _add_region(
        self, team: TeamKey, region: Region, *, locale: str, actor: str, now: datetime
    ) -> StoredRoster:
        with _translated():
            async with self._engine.begin() as connection:
                await connection.execute(
                    self._insert(connection, handoff_rosters)
                    .values(
                        platform=team.platform,
                        workspace=team.workspace,
                        channel=team.channel,
                        locale=locale,
                        paused=False,
                        active_since=now,
                        created_at=now,
                        updated_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["platform", "workspace", "channel"])
                )
                row = await self._roster_row(connection, team, lock=True)
                assert row is not None
                current = await self._load(connection, row)
                current.roster.add(region)  # the pure checks: duplicate name, size cap
                await connection.execute(
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
                await connection.execute(
                    update(handoff_rosters)
                    .where(handoff_rosters.c.id == row.id)
                    .values(locale=locale, updated_at=now)
                )
                return await self._load(connection, row)

    async def remove_region(self, team: TeamKey, name: str, *, now: datetime) -> StoredRoster:
        """Remove a region by name (any case). Raises :class:`UnknownRegion`."""
        with _translated():
            async with self._engine.begin() as connection:
                row = await self._roster_row(connection, team, lock=True)
                if row is None:
                    raise UnknownRegion(name=name, known="")
                current = await self._load(connection, row)
                current.roster.remove(name)  # raises UnknownRegion with the known names
                await connection.execute(
                    sql_delete(handoff_regions).where(
                        handoff_regions.c.roster_id == row.id,
                        handoff_regions.c.name_key == name.casefold(),
                    )
                )
                await connection.execute(
                    update(handoff_rosters)
                    .where(handoff_rosters.c.id == row.id)
                    .values(updated_at=now)
                )
                return await self._load(connection, row)

    async def set_paused(
        self, team: TeamKey, paused: bool, *, now: datetime
    ) -> StoredRoster | None:
        """Pause or resume; resuming moves ``active_since`` to ``now`` so changes missed
        while paused are not sent late. None: the team has no roster."""
        values: dict[str, Any] = {"paused": paused, "updated_at": now}
        with _translated():
            async with self._engine.begin() as connection:
                row = await self._roster_row(connection, team, lock=True)
                if row is None:
                    return None
                if not paused and row.paused:
                    values["active_since"] = now
                await connection.execute(
                    update(handoff_rosters).where(handoff_rosters.c.id == row.id).values(**values)
                )
                fresh = await self._roster_row(connection, team)
                assert fresh is not None
                return await self._load(connection, fresh)

    # --- fires -----------------------------------------------------------------------------

    async def known_keys(self, since: datetime) -> set[tuple[int, str, datetime, str]]:
        """Claim keys ``(roster_id, region_key, change_at, kind)`` with ``due_at >= since``."""
        f = handoff_fires.c
        query = select(f.roster_id, f.region_key, f.change_at, f.kind).where(f.due_at >= since)
        with _translated():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(query)).all()
        return {(r.roster_id, r.region_key, _utc(r.change_at), r.kind) for r in rows}

    async def _insert_fire(
        self, plan: PlannedFire, *, status: FireStatus, worker: str, now: datetime
    ) -> Fire | None:
        with _translated():
            async with self._engine.begin() as connection:
                statement = (
                    self._insert(connection, handoff_fires)
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
                    .on_conflict_do_nothing(
                        index_elements=["roster_id", "region_key", "change_at", "kind"]
                    )
                    .returning(handoff_fires.c.id)
                )
                fire_id = (await connection.execute(statement)).scalar_one_or_none()
                if fire_id is None:
                    return None
                row = (
                    await connection.execute(_fire_query().where(handoff_fires.c.id == fire_id))
                ).one()
                return _fire(row)

    async def claim(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        """Take the delivery: the new row, or None if any instance already has it."""
        return await self._insert_fire(plan, status=FireStatus.CLAIMED, worker=worker, now=now)

    async def skip(self, plan: PlannedFire, *, worker: str, now: datetime) -> Fire | None:
        """Record a delivery that will never be made (grace passed); None if already known."""
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
        """Claims older than ``lease`` that were never confirmed sent (a crash, a failed
        attempt): those still inside ``grace`` are re-claimed by ``worker`` (attempts + 1)
        and returned first; the others are marked failed and returned second."""
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
        with _translated():
            async with self._engine.begin() as connection:
                for row in (await connection.execute(candidates)).all():
                    alive = now <= _utc(row.due_at) + grace
                    values: dict[str, Any] = (
                        {"claimed_by": worker, "claimed_at": now, "attempts": row.attempts + 1}
                        if alive
                        else {"status": FireStatus.FAILED.value, "last_error": "grace expired"}
                    )
                    result = await connection.execute(
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
                rows = (
                    (await connection.execute(_fire_query().where(f.id.in_(ids)))).all()
                    if ids
                    else []
                )
        by_id = {row.id: _fire(row) for row in rows}
        return [by_id[i] for i in retry_ids], [by_id[i] for i in dead_ids]

    async def mark_posted(
        self,
        fire: Fire,
        *,
        message_id: str,
        late: bool,
        now: datetime,
        escalate_at: datetime | None,
    ) -> bool:
        """Record the platform's message id. False: the claim was no longer ours (another
        instance re-claimed it after our lease ran out), which the runner logs loudly."""
        f = handoff_fires.c
        with _translated():
            async with self._engine.begin() as connection:
                result = await connection.execute(
                    update(handoff_fires)
                    .where(
                        f.id == fire.id,
                        f.status == FireStatus.CLAIMED.value,
                        f.attempts == fire.attempts,
                    )
                    .values(
                        status=(FireStatus.LATE if late else FireStatus.SENT).value,
                        sent_at=now,
                        message_id=message_id,
                        escalate_at=escalate_at,
                        last_error=None,
                    )
                )
        return bool(result.rowcount == 1)

    async def mark_attempt_failed(
        self, fire: Fire, *, error: str, permanent: bool, max_attempts: int
    ) -> FireStatus:
        """A send failed. Permanent errors (or too many attempts) end the delivery as
        failed; otherwise it stays claimed and is retried once its lease runs out."""
        give_up = permanent or fire.attempts >= max_attempts
        values: dict[str, Any] = {"last_error": error[:_ERROR]}
        if give_up:
            values["status"] = FireStatus.FAILED.value
        f = handoff_fires.c
        with _translated():
            async with self._engine.begin() as connection:
                await connection.execute(
                    update(handoff_fires)
                    .where(
                        f.id == fire.id,
                        f.status == FireStatus.CLAIMED.value,
                        f.attempts == fire.attempts,
                    )
                    .values(**values)
                )
        return FireStatus.FAILED if give_up else FireStatus.CLAIMED

    async def fire(self, fire_id: int) -> Fire:
        with _translated():
            async with self._engine.connect() as connection:
                row = (
                    await connection.execute(_fire_query().where(handoff_fires.c.id == fire_id))
                ).one_or_none()
        if row is None:
            raise UnknownFire(fire_id)
        return _fire(row)

    async def fires(
        self, roster_id: int, *, limit: int = 20, kind: DeliveryKind | None = None
    ) -> list[Fire]:
        """The roster's most recent deliveries, newest change first."""
        f = handoff_fires.c
        query = _fire_query().where(f.roster_id == roster_id)
        if kind is not None:
            query = query.where(f.kind == kind.value)
        query = query.order_by(f.change_at.desc(), f.id.desc()).limit(limit)
        with _translated():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(query)).all()
        return [_fire(row) for row in rows]

    async def escalation_candidates(self, now: datetime) -> list[Fire]:
        """Posted reminders of active rosters whose ack window has closed, with no ack and
        no escalation row yet."""
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
        with _translated():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(query)).all()
        return [_fire(row) for row in rows]

    async def next_wakeups(self, now: datetime, lease: timedelta) -> list[datetime]:
        """Instants after ``now`` when something stored becomes actionable: a pending
        escalation, or an unconfirmed claim whose lease runs out."""
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
            async with self._engine.connect() as connection:
                first_escalation = (await connection.execute(escalate)).scalar_one_or_none()
                oldest_claim = (await connection.execute(lease_end)).scalar_one_or_none()
        found = []
        if first_escalation is not None:
            found.append(_utc(first_escalation))
        if oldest_claim is not None:
            found.append(max(_utc(oldest_claim) + lease, now))
        return found

    # --- acknowledgements ------------------------------------------------------------------

    async def acknowledge(self, fire_id: int, user: str, *, now: datetime) -> tuple[Fire, bool]:
        """Record ``user``'s acknowledgement; the second and later presses change nothing.
        Returns the fire (with the ack that counts) and whether this press was the first."""
        with _translated():
            async with self._engine.begin() as connection:
                exists = (
                    await connection.execute(
                        select(handoff_fires.c.id).where(
                            handoff_fires.c.id == fire_id,
                            handoff_fires.c.kind == DeliveryKind.REMINDER.value,
                        )
                    )
                ).scalar_one_or_none()
                if exists is None:
                    raise UnknownFire(fire_id)
                inserted = (
                    await connection.execute(
                        self._insert(connection, handoff_acks)
                        .values(fire_id=fire_id, user_ref=user[:KEY_LENGTH], acked_at=now)
                        .on_conflict_do_nothing(index_elements=["fire_id"])
                        .returning(handoff_acks.c.fire_id)
                    )
                ).scalar_one_or_none()
                row = (
                    await connection.execute(_fire_query().where(handoff_fires.c.id == fire_id))
                ).one()
        return _fire(row), inserted is not None

    async def statuses(self, roster_id: int) -> dict[str, int]:
        """Count of deliveries per status for a roster (for ``list`` and for tests)."""
        f = handoff_fires.c
        query = select(f.status, func.count()).where(f.roster_id == roster_id).group_by(f.status)
        with _translated():
            async with self._engine.connect() as connection:
                rows = (await connection.execute(query)).all()
        return {row[0]: int(row[1]) for row in rows}
