"""The handoff tables: migration 0002 matches the models; claims and acks are unique."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, update
from sqlalchemy.engine import Connection

from bot.handoff.errors import DuplicateRegion, UnknownFire, UnknownRegion
from bot.handoff.roster import Region, TeamKey
from bot.handoff.store import (
    DeliveryKind,
    FireStatus,
    HandoffStore,
    PlannedFire,
    handoff_regions,
)
from bot.store import head_revision, migrate
from bot.store.models import metadata
from bot.store.sqla import create_engine

HANDOFF_TABLES = {"handoff_rosters", "handoff_regions", "handoff_fires", "handoff_acks"}
TEAM = TeamKey("telegram", "-100", "-100")
NOW = datetime(2026, 3, 30, 6, tzinfo=UTC)
EMEA = Region("EMEA", "Europe/Warsaw", 480, 1020, frozenset({0, 2, 4}), "@anna")
AMER = Region("AMER", "America/New_York", 1320, 360, frozenset({6}), "@ben")


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    found: list[Any] = compare_metadata(context, metadata)
    return found


async def _check_schema(url: str) -> None:
    assert await migrate(url) == head_revision() == "0002"
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
    assert await migrate(url) == "0002"


async def test_migration_0002_matches_the_tables_on_sqlite(tmp_path: Path) -> None:
    await _check_schema(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.postgres
async def test_migration_0002_matches_the_tables_on_postgres(pg_url: str) -> None:
    await migrate(pg_url, "0001", downgrade=True)
    await _check_schema(pg_url)


async def test_regions_round_trip_and_names_are_unique_per_roster(store: HandoffStore) -> None:
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
    store: HandoffStore, caplog: pytest.LogCaptureFixture
) -> None:
    await store.add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
    await store.add_region(TEAM, AMER, locale="en", actor="@a", now=NOW)
    async with store.engine.begin() as connection:
        await connection.execute(
            update(handoff_regions).where(handoff_regions.c.name == "AMER").values(tz="Mars/Base")
        )
    with caplog.at_level(logging.ERROR, logger="bot.handoff.store"):
        rosters = await store.rosters()
    assert rosters[0].roster.regions == (EMEA,)
    assert "unusable" in caplog.text


def _plan(
    roster_id: int, change_at: datetime, kind: DeliveryKind = DeliveryKind.REMINDER
) -> PlannedFire:
    return PlannedFire(
        roster_id, kind, "emea", change_at, change_at - timedelta(minutes=15), {"k": 1}
    )


async def test_a_claim_is_won_once_even_when_contended(sqlite_url: str) -> None:
    stores = [HandoffStore.from_url(sqlite_url) for _ in range(4)]
    try:
        roster = await stores[0].add_region(TEAM, EMEA, locale="en", actor="@a", now=NOW)
        change = NOW + timedelta(hours=9)
        results = await asyncio.gather(
            *(
                s.claim(_plan(roster.id, change), worker=f"w{i}", now=NOW)
                for i, s in enumerate(stores)
            )
        )
        winners = [r for r in results if r is not None]
        assert len(winners) == 1 and winners[0].status is FireStatus.CLAIMED
        assert await stores[0].skip(_plan(roster.id, change), worker="w9", now=NOW) is None
        # the escalation of the same change is a different delivery
        assert await stores[1].claim(
            _plan(roster.id, change, DeliveryKind.ESCALATION), worker="w", now=NOW
        )
    finally:
        for s in stores:
            await s.aclose()


async def test_reclaim_is_compare_and_set(sqlite_url: str) -> None:
    a, b = HandoffStore.from_url(sqlite_url), HandoffStore.from_url(sqlite_url)
    try:
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
        assert not await a.mark_posted(
            fire, message_id="x", late=False, now=later, escalate_at=None
        )
        assert await a.mark_posted(winner, message_id="y", late=True, now=later, escalate_at=None)
        assert (await a.fire(fire.id)).status is FireStatus.LATE
    finally:
        await a.aclose()
        await b.aclose()


async def test_first_acknowledgement_wins(store: HandoffStore) -> None:
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
