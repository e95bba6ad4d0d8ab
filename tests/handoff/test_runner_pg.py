"""Two scheduler instances on one PostgreSQL database: one message per fire time.

Needs PostgreSQL at ``$SOURCEWISE_TEST_POSTGRES_URL`` (default 127.0.0.1:5432, database
``test``); skips with the reason when unreachable, fails instead when ``CI=true``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.handoff.records import DeliveryKind, FireStatus
from bot.handoff.roster import Region, TeamKey
from bot.handoff.runner import HandoffRunner, Timing
from bot.handoff.schedule import changes_between
from bot.handoff.transactions import Handoffs
from tests.handoff.conftest import FakeClock, FakeNotifier

pytestmark = pytest.mark.postgres

MON_FRI = frozenset(range(5))
TEAMS = [TeamKey("slack", "T1", "C1"), TeamKey("telegram", "-1001", "-1001")]
REGIONS = [
    Region("EMEA", "Europe/Warsaw", 480, 1020, MON_FRI, "@anna"),
    Region("AMER", "America/New_York", 480, 1020, MON_FRI, "@ben"),
    Region("APAC", "Australia/Sydney", 480, 1020, MON_FRI, "@chen"),
]
START = datetime(2026, 3, 30, 0, 0, tzinfo=UTC)
TIMING = Timing(send_timeout=timedelta(seconds=5))


async def test_replicas_on_postgres_post_each_reminder_once(pg_url: str) -> None:
    stores = [Handoffs.from_url(pg_url) for _ in range(3)]
    try:
        for team in TEAMS:
            for region in REGIONS:
                await stores[0].add_region(team, region, locale="en", actor="@a", now=START)
        clock = FakeClock(START)
        notifier = FakeNotifier(clock)
        runners = [
            HandoffRunner(s, notifier, clock=clock, timing=TIMING, worker=f"replica-{i}")
            for i, s in enumerate(stores)
        ]
        changes = changes_between(REGIONS, START + TIMING.lead, START + timedelta(days=2))
        assert len(changes) == 6
        for change in changes:
            clock.set(change.at - TIMING.lead)
            for _ in range(2):
                await asyncio.gather(*(r.tick() for r in runners))
        reminders = [p for p in notifier.posts if p.thread is None]
        assert len(reminders) == len(changes) * len(TEAMS)
        assert len({(p.channel, p.reply.text) for p in reminders}) == len(reminders)
        for team in TEAMS:
            roster = await stores[0].roster(team)
            assert roster is not None
            fires = await stores[0].fires(roster.id, limit=50, kind=DeliveryKind.REMINDER)
            assert len(fires) == len(changes)
            assert {f.status for f in fires} == {FireStatus.SENT}
    finally:
        for s in stores:
            await s.aclose()


async def test_crashed_claim_on_postgres_is_recovered_by_one_replica(pg_url: str) -> None:
    stores = [Handoffs.from_url(pg_url) for _ in range(3)]
    try:
        team = TEAMS[0]
        for region in REGIONS[:2]:
            await stores[0].add_region(team, region, locale="en", actor="@a", now=START)
        due = datetime(2026, 3, 30, 14, 45, tzinfo=UTC)
        clock = FakeClock(due)
        dying = FakeNotifier(clock)
        dying.hang = True
        crashed = asyncio.create_task(
            HandoffRunner(stores[0], dying, clock=clock, timing=TIMING, worker="dead").tick()
        )
        await asyncio.wait_for(dying.entered.wait(), timeout=10)
        crashed.cancel()
        with pytest.raises(asyncio.CancelledError):
            await crashed

        clock.advance(seconds=61)
        notifier = FakeNotifier(clock)
        survivors = [
            HandoffRunner(s, notifier, clock=clock, timing=TIMING, worker=f"alive-{i}")
            for i, s in enumerate(stores[1:])
        ]
        await asyncio.gather(*(r.tick() for r in survivors))
        await asyncio.gather(*(r.tick() for r in survivors))
        assert len(notifier.posts) == 1
        roster = await stores[1].roster(team)
        assert roster is not None
        (fire,) = await stores[1].fires(roster.id, kind=DeliveryKind.REMINDER)
        assert fire.attempts == 2 and fire.claimed_by.startswith("alive-")
        assert fire.status is FireStatus.LATE
    finally:
        for s in stores:
            await s.aclose()
