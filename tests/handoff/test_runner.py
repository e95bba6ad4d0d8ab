"""The scheduler against a real SQLite file: on time, once, late, skipped, recovered, escalated."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.core.events import Reply
from bot.handoff.messages import parse_ack_value
from bot.handoff.records import DeliveryKind, Fire, FireStatus
from bot.handoff.roster import Region, TeamKey
from bot.handoff.runner import HandoffRunner, Timing
from bot.handoff.schedule import changes_between
from bot.handoff.transactions import Handoffs
from tests.handoff.conftest import FakeClock, FakeNotifier

TEAM = TeamKey("slack", "T1", "C1")
MON_FRI = frozenset(range(5))
EVERY_DAY = frozenset(range(7))
EMEA = Region("EMEA", "Europe/Warsaw", 480, 1020, MON_FRI, "@anna")
AMER = Region("AMER", "America/New_York", 480, 1020, MON_FRI, "@ben")
TIMING = Timing(
    lead=timedelta(minutes=15),
    grace=timedelta(minutes=30),
    ack=timedelta(minutes=20),
    lease=timedelta(seconds=60),
    send_timeout=timedelta(seconds=5),
)

# Monday 30 March 2026: EMEA (17:00 Warsaw, CEST) hands over to AMER at 15:00 UTC.
CHANGE = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)
DUE = CHANGE - timedelta(minutes=15)
SETUP = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)


class StoppingClock(FakeClock):
    """A fake clock that stops the runner's loop once time passes ``end``."""

    def __init__(self, now: datetime, end: datetime, stop: asyncio.Event) -> None:
        super().__init__(now)
        self._end, self._stop = end, stop

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        if self.now() >= self._end:
            self._stop.set()


async def seed(store: Handoffs, *regions: Region, team: TeamKey = TEAM) -> None:
    for region in regions or (EMEA, AMER):
        await store.add_region(team, region, locale="en", actor="@admin", now=SETUP)


def runner(
    store: Handoffs,
    notifier: FakeNotifier,
    clock: FakeClock,
    worker: str = "w1",
    timing: Timing = TIMING,
) -> HandoffRunner:
    return HandoffRunner(store, notifier, clock=clock, timing=timing, worker=worker)


async def reminders(store: Handoffs) -> list[Fire]:
    stored = await store.roster(TEAM)
    assert stored is not None
    return await store.fires(stored.id, limit=100, kind=DeliveryKind.REMINDER)


async def test_reminder_is_posted_once_at_its_due_time(store: Handoffs) -> None:
    await seed(store)
    clock = FakeClock(DUE - timedelta(minutes=5))
    notifier = FakeNotifier(clock)
    sched = runner(store, notifier, clock, timing=replace(TIMING, poll=timedelta(hours=1)))

    early = await sched.tick()
    assert notifier.posts == [] and early.sent == []
    assert early.next_wakeup == DUE  # sleeps exactly until the reminder is due

    clock.set(DUE)
    report = await sched.tick()
    assert len(report.sent) == 1 and report.late == []
    post = notifier.posts[0]
    assert post.channel == TEAM and post.thread is None
    assert "@anna" in post.reply.text and "@ben" in post.reply.text
    assert "EMEA → AMER" in post.reply.text and "sent late" not in post.reply.text
    assert [parse_ack_value(a.value) for a in post.reply.actions] == [report.sent[0]]

    clock.advance(seconds=30)
    again = await sched.tick()
    assert again.sent == [] and len(notifier.posts) == 1
    fire = (await reminders(store))[0]
    assert fire.status is FireStatus.SENT and fire.message_id == "m1" and fire.attempts == 1
    assert fire.escalate_at == DUE + timedelta(minutes=20)


async def test_two_runners_on_one_sqlite_file_post_each_reminder_once(sqlite_url: str) -> None:
    first, second = Handoffs.from_url(sqlite_url), Handoffs.from_url(sqlite_url)
    try:
        await seed(
            first, EMEA, AMER, Region("APAC", "Australia/Sydney", 480, 1020, MON_FRI, "@chen")
        )
        clock = FakeClock(SETUP)
        notifier = FakeNotifier(clock)  # one channel both replicas post to
        a = runner(first, notifier, clock, "replica-a")
        b = runner(second, notifier, clock, "replica-b")
        # Every due time of the week, both replicas tick at the same moment, three times.
        stored = await first.roster(TEAM)
        assert stored is not None
        changes = changes_between(
            stored.roster.regions, SETUP + timedelta(minutes=15), SETUP + timedelta(days=5)
        )
        assert len(changes) == 14  # 3 a day Monday-Thursday, 2 on Friday (AMER has the weekend gap)
        for change in changes:
            clock.set(change.at - timedelta(minutes=15))
            for _ in range(3):
                await asyncio.gather(a.tick(), b.tick())
        reminder_posts = [p for p in notifier.posts if p.thread is None]
        assert len(reminder_posts) == len(changes)
        assert len({p.reply.text.splitlines()[0] for p in reminder_posts}) == len(changes)
        fires = await first.fires(stored.id, limit=100, kind=DeliveryKind.REMINDER)
        assert len(fires) == len(changes)
        assert {f.status for f in fires} == {FireStatus.SENT}
        assert {f.claimed_by for f in fires} <= {"replica-a", "replica-b"}
        # nobody acknowledged, so each reminder got its escalation: one each, never two
        threads = [p.thread for p in notifier.posts if p.thread is not None]
        assert len(threads) == len(set(threads))
    finally:
        await first.aclose()
        await second.aclose()


async def test_restart_between_claim_and_send_posts_once_after_the_lease(sqlite_url: str) -> None:
    crashed_store = Handoffs.from_url(sqlite_url)
    await seed(crashed_store)
    clock = FakeClock(DUE)
    dying = FakeNotifier(clock)
    dying.hang = True
    tick = asyncio.create_task(runner(crashed_store, dying, clock, "old-process").tick())
    await asyncio.wait_for(dying.entered.wait(), timeout=5)
    tick.cancel()  # the process dies after claiming, before the post went out
    with pytest.raises(asyncio.CancelledError):
        await tick
    await crashed_store.aclose()
    assert dying.posts == []

    restarted_store = Handoffs.from_url(sqlite_url)
    try:
        notifier = FakeNotifier(clock)
        fresh = runner(restarted_store, notifier, clock, "new-process")
        clock.advance(seconds=30)  # the old claim's lease has not run out: hands off
        assert (await fresh.tick()).sent == [] and notifier.posts == []
        claimed = (await reminders(restarted_store))[0]
        assert claimed.status is FireStatus.CLAIMED and claimed.claimed_by == "old-process"

        clock.advance(seconds=31)
        report = await fresh.tick()
        # posted 61 s after its due time: on the record (and in the text) as late
        assert report.late == [claimed.id] and len(notifier.posts) == 1
        clock.advance(minutes=1)
        await fresh.tick()
        assert len(notifier.posts) == 1
        fire = (await reminders(restarted_store))[0]
        assert (fire.status, fire.claimed_by, fire.attempts) == (FireStatus.LATE, "new-process", 2)
    finally:
        await restarted_store.aclose()


async def test_abandoned_claim_past_grace_fails_without_posting(store: Handoffs) -> None:
    await seed(store)
    clock = FakeClock(DUE)
    dying = FakeNotifier(clock)
    dying.hang = True
    tick = asyncio.create_task(runner(store, dying, clock, "old").tick())
    await asyncio.wait_for(dying.entered.wait(), timeout=5)
    tick.cancel()
    with pytest.raises(asyncio.CancelledError):
        await tick

    clock.set(DUE + timedelta(minutes=31))  # down for longer than the grace window
    notifier = FakeNotifier(clock)
    report = await runner(store, notifier, clock, "new").tick()
    assert notifier.posts == [] and len(report.failed) == 1
    assert (await reminders(store))[0].status is FireStatus.FAILED


async def test_missed_within_grace_is_posted_once_marked_late(store: Handoffs) -> None:
    await seed(store)
    clock = FakeClock(DUE + timedelta(minutes=12))  # the bot was down at the due time
    notifier = FakeNotifier(clock)
    sched = runner(store, notifier, clock)
    report = await sched.tick()
    assert len(report.late) == 1 and report.sent == []
    assert "sent late" in notifier.posts[0].reply.text
    clock.advance(minutes=5)
    await sched.tick()
    assert len(notifier.posts) == 1
    assert (await reminders(store))[0].status is FireStatus.LATE


async def test_missed_beyond_grace_is_skipped_and_logged_once(
    store: Handoffs, caplog: pytest.LogCaptureFixture
) -> None:
    await seed(store)
    clock = FakeClock(DUE + timedelta(minutes=31))
    notifier = FakeNotifier(clock)
    sched = runner(store, notifier, clock)
    with caplog.at_level(logging.WARNING, logger="bot.handoff.runner"):
        report = await sched.tick()
        clock.advance(minutes=1)
        again = await sched.tick()
    assert notifier.posts == []
    assert len(report.skipped) == 1 and again.skipped == []
    skipped_logs = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped_logs) == 1 and "EMEA→AMER" in skipped_logs[0].getMessage()
    assert (await reminders(store))[0].status is FireStatus.SKIPPED


async def test_unacknowledged_reminder_escalates_exactly_once(store: Handoffs) -> None:
    await seed(store)
    clock = FakeClock(DUE)
    notifier = FakeNotifier(clock)
    a, b = runner(store, notifier, clock, "a"), runner(store, notifier, clock, "b")
    await a.tick()
    reminder = notifier.posts[0]

    clock.advance(minutes=19)
    assert (await a.tick()).escalated == []
    clock.advance(minutes=1)
    first, second = await asyncio.gather(a.tick(), b.tick())
    assert len(first.escalated) + len(second.escalated) == 1
    escalation = notifier.posts[1]
    assert escalation.thread == reminder.message_id  # in the reminder's thread
    assert "20 minutes" in escalation.reply.text and escalation.reply.actions == ()
    for _ in range(3):
        clock.advance(minutes=10)
        await a.tick()
    assert len(notifier.posts) == 2
    stored = await store.roster(TEAM)
    assert stored is not None
    escalations = await store.fires(stored.id, kind=DeliveryKind.ESCALATION)
    reminder_id = (await reminders(store))[0].id
    assert [(e.status, e.parent_id) for e in escalations] == [(FireStatus.SENT, reminder_id)]


async def test_acknowledged_reminder_does_not_escalate(store: Handoffs) -> None:
    await seed(store)
    clock = FakeClock(DUE)
    notifier = FakeNotifier(clock)
    sched = runner(store, notifier, clock)
    fire_id = (await sched.tick()).sent[0]
    clock.advance(minutes=3)
    _, first = await store.acknowledge(fire_id, "@ben", now=clock.now())
    assert first
    clock.advance(minutes=30)
    assert (await sched.tick()).escalated == []
    assert len(notifier.posts) == 1


async def test_transient_failure_retries_after_the_lease_permanent_gives_up(
    store: Handoffs,
) -> None:
    await seed(store)
    clock = FakeClock(DUE)
    notifier = FakeNotifier(clock)
    sched = runner(store, notifier, clock)
    notifier.fail_next(permanent=False)
    report = await sched.tick()
    assert report.retrying and notifier.posts == []
    clock.advance(seconds=61)
    retried = await sched.tick()
    assert retried.late == report.retrying and len(notifier.posts) == 1

    # The next change (AMER -> EMEA, Tuesday) meets a permanent error: no retry.
    fires_before = len(await reminders(store))
    notifier.fail_next(permanent=True)
    clock.set(datetime(2026, 3, 30, 20, 45, tzinfo=UTC))  # AMER ends 17:00 New York
    failed = await sched.tick()
    assert len(failed.failed) == 1
    clock.advance(minutes=5)
    await sched.tick()
    assert len(notifier.posts) == 1 and len(await reminders(store)) == fires_before + 1


async def test_paused_rosters_are_silent_and_resume_does_not_replay(store: Handoffs) -> None:
    await seed(store)
    await store.set_paused(TEAM, True, now=SETUP)
    clock = FakeClock(DUE)
    notifier = FakeNotifier(clock)
    sched = runner(store, notifier, clock)
    await sched.tick()
    clock.set(CHANGE + timedelta(minutes=10))
    await sched.tick()
    await store.set_paused(TEAM, False, now=clock.now())
    await sched.tick()
    assert notifier.posts == []  # the 15:00 change happened while paused: never posted
    clock.set(datetime(2026, 3, 30, 20, 45, tzinfo=UTC))  # AMER ends 17:00 New York
    await sched.tick()
    assert ["AMER → EMEA" in p.reply.text for p in notifier.posts] == [True]


async def test_resume_between_due_and_change_reminds_at_once_not_late(
    store: Handoffs,
) -> None:
    await seed(store)
    await store.set_paused(TEAM, True, now=SETUP)
    clock = FakeClock(DUE + timedelta(minutes=10))
    await store.set_paused(TEAM, False, now=clock.now())  # 14:55, the change is at 15:00
    notifier = FakeNotifier(clock)
    report = await runner(store, notifier, clock).tick()
    assert len(report.sent) == 1 and report.late == []
    assert "sent late" not in notifier.posts[0].reply.text


async def test_frozen_payload_survives_roster_edits(store: Handoffs) -> None:
    await seed(store)
    clock = FakeClock(DUE)
    notifier = FakeNotifier(clock)
    fire_id = (await runner(store, notifier, clock).tick()).sent[0]
    await store.remove_region(TEAM, "AMER", now=clock.now())
    fire = await store.fire(fire_id)
    assert fire.payload["incoming"] == {"name": "AMER", "tz": "America/New_York", "lead": "@ben"}


@pytest.mark.parametrize(
    ("zone", "start", "days"),
    [
        ("Europe/Warsaw", date(2026, 3, 25), 7),  # 29 March: CET -> CEST
        ("Europe/Warsaw", date(2026, 10, 21), 7),  # 25 October: CEST -> CET
        ("America/New_York", date(2026, 3, 4), 7),  # 8 March
        ("America/New_York", date(2026, 10, 28), 7),  # 1 November
        ("Australia/Sydney", date(2026, 4, 1), 7),  # 5 April: AEDT -> AEST
        ("Australia/Sydney", date(2026, 9, 30), 7),  # 4 October: AEST -> AEDT
    ],
)
async def test_run_loop_fires_at_the_same_local_time_across_dst(
    store: Handoffs, zone: str, start: date, days: int
) -> None:
    local = Region("LOCAL", zone, 480, 1020, EVERY_DAY, "@local")
    desk = Region("DESK", "UTC", 0, 1440, EVERY_DAY, "@desk")  # always someone to take over
    begin = datetime(start.year, start.month, start.day, tzinfo=UTC)
    await store.add_region(TEAM, local, locale="en", actor="@admin", now=begin)
    await store.add_region(TEAM, desk, locale="en", actor="@admin", now=begin)
    end = begin + timedelta(days=days)
    stop = asyncio.Event()
    clock = StoppingClock(begin, end, stop)
    notifier = FakeNotifier(clock)
    timing = replace(TIMING, poll=timedelta(hours=12))
    sched = runner(store, notifier, clock, timing=timing)
    await asyncio.wait_for(sched.run(stop), timeout=60)
    posted = [p for p in notifier.posts if p.thread is None]  # escalations are threaded
    times = [p.at.astimezone(ZoneInfo(zone)).strftime("%H:%M") for p in posted]
    assert len(times) == days
    assert set(times) == {"16:45"}  # 15 minutes before 17:00 local, every day, DST or not
    offsets = {p.at.astimezone(ZoneInfo(zone)).utcoffset() for p in posted}
    assert len(offsets) == 2  # the week really crossed a DST change


class SlowNotifier(FakeNotifier):
    """Each post takes 40 s of (fake) time; the second one waits until released."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.clock = clock
        self.second_started = asyncio.Event()
        self.release = asyncio.Event()

    async def post(self, channel: TeamKey, reply: Reply, *, thread: str | None = None) -> str:
        self.clock.advance(seconds=40)
        if len(self.posts) == 1:
            self.second_started.set()
            await self.release.wait()
        return await super().post(channel, reply, thread=thread)


async def test_each_claim_gets_its_own_lease_during_a_slow_tick(store: Handoffs) -> None:
    other = TeamKey("telegram", "-5", "-5")
    await seed(store)
    await seed(store, EMEA, AMER, team=other)
    clock = FakeClock(DUE)
    slow = SlowNotifier(clock)
    busy = asyncio.create_task(runner(store, slow, clock, "slow").tick())
    await asyncio.wait_for(slow.second_started.wait(), timeout=5)
    # 80 s after the tick began, the second claim is 40 s old: another replica keeps off it
    assert clock.now() == DUE + timedelta(seconds=80)
    bystander = FakeNotifier(clock)
    report = await runner(store, bystander, clock, "other").tick()
    assert bystander.posts == [] and report.late == report.sent == []
    slow.release.set()
    await busy
    assert len(slow.posts) == 2


def test_timing_comes_from_settings_and_is_checked() -> None:
    timing = Timing.from_settings(
        Settings(handoff_lead_minutes=10, handoff_grace_minutes=45, handoff_ack_minutes=5)
    )
    assert (timing.lead, timing.grace, timing.ack) == (
        timedelta(minutes=10),
        timedelta(minutes=45),
        timedelta(minutes=5),
    )
    with pytest.raises(ValueError, match="lease"):
        Timing(lease=timedelta(seconds=10), send_timeout=timedelta(seconds=10))
    with pytest.raises(ValueError, match="negative"):
        Timing(lead=timedelta(minutes=-1))
