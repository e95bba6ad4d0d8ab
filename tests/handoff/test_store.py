"""The handoff repository's contract, over the memory fake, SQLite and PostgreSQL.

Migration 0002 matches the models; claims and acks are unique even when contended; each
call through :class:`Handoffs` is its own unit of work, and a unit of work left without
commit keeps nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, update
from sqlalchemy.engine import Connection

from bot.handoff.errors import DuplicateRegion, UnknownFire, UnknownRegion
from bot.handoff.records import DeliveryKind, FireStatus, PlannedFire, StoredRoster
from bot.handoff.roster import Region, TeamKey
from bot.handoff.transactions import Handoffs
from bot.store import MemoryStore, Store, head_revision, migrate, open_store
from bot.store.models import handoff_regions, metadata
from bot.store.sqla import create_engine
from tests.handoff.conftest import empty_handoff_tables

HANDOFF_TABLES = {"handoff_rosters", "handoff_regions", "handoff_fires", "handoff_acks"}
TEAM = TeamKey("telegram", "-100", "-100")
NOW = datetime(2026, 3, 30, 6, tzinfo=UTC)
EMEA = Region("EMEA", "Europe/Warsaw", 480, 1020, frozenset({0, 2, 4}), "@anna")
AMER = Region("AMER", "America/New_York", 1320, 360, frozenset({6}), "@ben")


#: Opens another handle on the same database (another "process" for the SQL stores).
Opener = Callable[[], Handoffs]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Where the parametrized kind of database is (None: the memory fake)."""
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
        return url
    if request.param == "postgres":
        url = request.getfixturevalue("pg_database_url")
        return url
    return None


@pytest.fixture
async def handoffs(database_url: str | None) -> AsyncIterator[Opener]:
    """Handles on one empty handoff database of the parametrized kind."""
    opened: list[Store] = []
    memory = MemoryStore()
    if database_url is not None and database_url.startswith("postgresql"):
        await empty_handoff_tables(database_url)

    def open_one() -> Handoffs:
        if database_url is None:
            return Handoffs(memory)
        store = open_store(database_url)
        opened.append(store)
        return Handoffs(store)

    try:
        yield open_one
    finally:
        for store in opened:
            await store.aclose()


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    found: list[Any] = compare_metadata(context, metadata)
    return found


async def _check_schema(url: str) -> None:
    assert await migrate(url) == head_revision()
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            assert names >= HANDOFF_TABLES
        assert await migrate(url, "0001", downgrade=True) == "0001"
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            assert not names & HANDOFF_TABLES
    finally:
        await engine.dispose()
    assert await migrate(url) == head_revision()


async def test_migration_0002_matches_the_tables_on_sqlite(tmp_path: Path) -> None:
    await _check_schema(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.postgres
async def test_migration_0002_matches_the_tables_on_postgres(pg_url: str) -> None:
    await migrate(pg_url, "0001", downgrade=True)
    await _check_schema(pg_url)


async def test_regions_round_trip_and_names_are_unique_per_roster(handoffs: Opener) -> None:
    store = handoffs()
    await store.add_region(TEAM, EMEA, locale="pl", actor="@a", now=NOW)
    stored = await store.add_region(TEAM, AMER, locale="pl", actor="@a", now=NOW)
    assert stored.roster.regions == (EMEA, AMER) and stored.locale == "pl"
    with pytest.raises(DuplicateRegion):
        await store.add_region(
            TEAM,
            Region("emea", "UTC", 0, 60, frozenset({1}), "@x"),
            locale="en",
            actor="@a",
            now=NOW,
        )
    other = TeamKey("telegram", "-100", "-100/5")  # a forum topic has its own roster
    assert (await store.add_region(other, EMEA, locale="en", actor="@a", now=NOW)).regions
    with pytest.raises(UnknownRegion):
        await store.remove_region(TEAM, "APAC", now=NOW)
    assert (await store.remove_region(TEAM, "eMeA", now=NOW)).roster.regions == (AMER,)


async def test_unusable_stored_region_is_skipped_not_fatal(
    store: Handoffs, caplog: pytest.LogCaptureFixture
) -> None:
    await store.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
    await store.add_region(TEAM, AMER, locale="en", actor="@a", now=NOW)
    async with store.database.engine.begin() as connection:
        await connection.execute(
            update(handoff_regions).where(handoff_regions.c.name == "AMER").values(tz="Mars/Base")
        )
    with caplog.at_level(logging.ERROR, logger="bot.store.sqla_handoff"):
        rosters = await store.rosters()
    assert rosters[0].roster.regions == (EMEA,)
    assert "unusable" in caplog.text


def _plan(
    roster_id: int, change_at: datetime, kind: DeliveryKind = DeliveryKind.REMINDER
) -> PlannedFire:
    return PlannedFire(
        roster_id, kind, "emea", change_at, change_at - timedelta(minutes=15), {"k": 1}
    )


async def test_a_claim_is_won_once_even_when_contended(handoffs: Opener) -> None:
    stores = [handoffs() for _ in range(4)]
    roster = await stores[0].add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
    change = NOW + timedelta(hours=9)
    results = await asyncio.gather(
        *(s.claim(_plan(roster.id, change), worker=f"w{i}", now=NOW) for i, s in enumerate(stores))
    )
    winners = [r for r in results if r is not None]
    assert len(winners) == 1 and winners[0].status is FireStatus.CLAIMED
    assert await stores[0].skip(_plan(roster.id, change), worker="w9", now=NOW) is None
    # the escalation of the same change is a different delivery
    assert await stores[1].claim(
        _plan(roster.id, change, DeliveryKind.ESCALATION), worker="w", now=NOW
    )


async def test_reclaim_is_compare_and_set(handoffs: Opener) -> None:
    a, b = handoffs(), handoffs()
    roster = await a.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
    fire = await a.claim(_plan(roster.id, NOW + timedelta(minutes=15)), worker="dead", now=NOW)
    assert fire is not None
    later = NOW + timedelta(minutes=2)
    kwargs: dict[str, Any] = {
        "now": later,
        "lease": timedelta(minutes=1),
        "grace": timedelta(minutes=30),
    }
    (ra, da), (rb, db) = await asyncio.gather(
        a.reclaim_abandoned(worker="a", **kwargs), b.reclaim_abandoned(worker="b", **kwargs)
    )
    assert len(ra) + len(rb) == 1 and da == db == []
    winner = (ra or rb)[0]
    assert winner.attempts == 2
    # the dead worker's late confirmation is refused: its claim was taken over
    assert not await a.mark_posted(fire, message_id="x", late=False, now=later, escalate_at=None)
    assert await a.mark_posted(winner, message_id="y", late=True, now=later, escalate_at=None)
    assert (await a.fire(fire.id)).status is FireStatus.LATE


async def test_first_acknowledgement_wins(handoffs: Opener) -> None:
    store = handoffs()
    roster = await store.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
    fire = await store.claim(_plan(roster.id, NOW + timedelta(hours=1)), worker="w", now=NOW)
    assert fire is not None
    results = await asyncio.gather(
        store.acknowledge(fire.id, "@ben", now=NOW + timedelta(minutes=1)),
        store.acknowledge(fire.id, "@carol", now=NOW + timedelta(minutes=2)),
    )
    assert sorted(first for _, first in results) == [False, True]
    acks = {f.ack for f, _ in results}
    assert len(acks) == 1  # both callers see the same, first acknowledgement
    with pytest.raises(UnknownFire):
        await store.acknowledge(fire.id + 1000, "@x", now=NOW)


async def test_pausing_escalations_and_wakeups(handoffs: Opener) -> None:
    store = handoffs()
    assert await store.set_paused(TEAM, True, now=NOW) is None  # no roster yet
    roster = await store.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
    change = NOW + timedelta(hours=1)
    fire = await store.claim(_plan(roster.id, change), worker="w", now=NOW)
    assert fire is not None
    lease = timedelta(minutes=5)
    assert await store.next_wakeups(NOW, lease) == [NOW + lease]  # the claim's lease
    escalate_at = NOW + timedelta(minutes=30)
    assert await store.mark_posted(
        fire, message_id="m1", late=False, now=NOW, escalate_at=escalate_at
    )
    assert await store.next_wakeups(NOW, lease) == [escalate_at]
    assert await store.escalation_candidates(escalate_at - timedelta(seconds=1)) == []
    [due] = await store.escalation_candidates(escalate_at)
    assert (due.id, due.message_id, due.status) == (fire.id, "m1", FireStatus.SENT)
    paused = await store.set_paused(TEAM, True, now=NOW)
    assert paused is not None and paused.paused
    assert await store.escalation_candidates(escalate_at) == []
    assert await store.rosters() == [] and len(await store.rosters(include_paused=True)) == 1
    resumed = await store.set_paused(TEAM, False, now=escalate_at)
    assert resumed is not None and resumed.active_since == escalate_at
    escalation = _plan(roster.id, change, DeliveryKind.ESCALATION)
    child = await store.claim(
        dataclasses.replace(escalation, due_at=escalate_at, parent_id=fire.id),
        worker="w",
        now=escalate_at,
    )
    assert child is not None and child.parent_id == fire.id
    assert await store.escalation_candidates(escalate_at) == []  # escalated once
    assert [f.kind for f in await store.fires(roster.id)] == [
        DeliveryKind.ESCALATION,
        DeliveryKind.REMINDER,
    ]
    assert [f.id for f in await store.fires(roster.id, kind=DeliveryKind.REMINDER)] == [fire.id]


async def test_failed_attempts_end_as_failed_and_grace_expires(handoffs: Opener) -> None:
    store = handoffs()
    roster = await store.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
    first = await store.claim(_plan(roster.id, NOW + timedelta(hours=1)), worker="w", now=NOW)
    assert first is not None
    status = await store.mark_attempt_failed(
        first, error="x" * 999, permanent=False, max_attempts=3
    )
    assert status is FireStatus.CLAIMED
    stored = await store.fire(first.id)
    assert stored.status is FireStatus.CLAIMED and stored.last_error == "x" * 300
    status = await store.mark_attempt_failed(first, error="gone", permanent=True, max_attempts=3)
    assert status is FireStatus.FAILED and (await store.fire(first.id)).status is FireStatus.FAILED
    late = await store.claim(_plan(roster.id, NOW + timedelta(minutes=10)), worker="w", now=NOW)
    assert late is not None
    retry, dead = await store.reclaim_abandoned(
        worker="v", now=NOW + timedelta(hours=2), lease=timedelta(minutes=1), grace=timedelta(0)
    )
    assert retry == [] and [f.id for f in dead] == [late.id]
    assert dead[0].status is FireStatus.FAILED and dead[0].last_error == "grace expired"
    skipped = await store.skip(_plan(roster.id, NOW + timedelta(hours=5)), worker="w", now=NOW)
    assert skipped is not None and skipped.status is FireStatus.SKIPPED
    assert skipped.attempts == 0
    keys = await store.known_keys(NOW - timedelta(days=1))
    assert (roster.id, "emea", NOW + timedelta(hours=5), "reminder") in keys
    with pytest.raises(UnknownFire):
        await store.fire(10_000)


async def test_a_unit_of_work_without_commit_keeps_nothing(handoffs: Opener) -> None:
    store = handoffs()
    database = store.database
    async with database.unit_of_work() as uow:
        await uow.handoff.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
        assert await uow.handoff.roster(TEAM) is not None  # visible inside
    assert await store.roster(TEAM) is None
    async with database.unit_of_work() as uow:
        await uow.handoff.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
        await uow.handoff.add_region(TEAM, AMER, locale="pl", actor="@a", now=NOW)
        await uow.commit()
    stored = await store.roster(TEAM)
    assert stored is not None and stored.roster.regions == (EMEA, AMER)
    assert stored.locale == "pl" and stored.since("amer") == NOW


async def test_the_creator_and_the_ack_setting_are_kept(handoffs: Opener) -> None:
    store = handoffs()
    created = await store.add_region(TEAM, EMEA, locale="en", actor="501", now=NOW)
    assert (created.created_by, created.ack_anyone) == ("501", False)
    later = await store.add_region(TEAM, AMER, locale="en", actor="777", now=NOW)
    assert later.created_by == "501"  # a later add does not take the roster over
    changed = await store.set_ack_anyone(TEAM, True, now=NOW)
    assert changed is not None and changed.ack_anyone
    again = await handoffs().roster(TEAM)  # another handle (process) reads it back
    assert again is not None and (again.created_by, again.ack_anyone) == ("501", True)
    assert await store.set_ack_anyone(TeamKey("slack", "T9", "C9"), True, now=NOW) is None


class _Refused(Exception):
    pass


async def test_a_guard_that_refuses_keeps_nothing(handoffs: Opener) -> None:
    store = handoffs()
    seen: list[tuple[str, int]] = []

    def refuse(stored: StoredRoster) -> None:
        seen.append((stored.created_by, len(stored.regions)))
        raise _Refused

    with pytest.raises(_Refused):  # even the roster it was about to create is not kept
        await store.add_region(TEAM, EMEA, locale="en", actor="501", now=NOW, guard=refuse)
    assert await store.roster(TEAM) is None
    await store.add_region(TEAM, EMEA, locale="en", actor="501", now=NOW)
    before = await store.roster(TEAM)
    with pytest.raises(_Refused):
        await store.add_region(TEAM, AMER, locale="en", actor="777", now=NOW, guard=refuse)
    with pytest.raises(_Refused):
        await store.remove_region(TEAM, "EMEA", now=NOW, guard=refuse)
    with pytest.raises(_Refused):
        await store.set_paused(TEAM, True, now=NOW, guard=refuse)
    with pytest.raises(_Refused):
        await store.set_ack_anyone(TEAM, True, now=NOW, guard=refuse)
    assert await store.roster(TEAM) == before
    # the guard saw the roster as the write found it: new (created by the caller), then 501's
    assert seen == [("501", 0), ("501", 1), ("501", 1), ("501", 1), ("501", 1)]
