"""Both replicas run the handoff scheduler that ``serve`` starts: each reminder posts once.

The scheduler's own race tests (``tests/handoff/test_runner_pg.py``) drive runners by hand
with a fake clock; this one checks the wiring ``serve`` does on the system clock: the
runner gets the Slack notifier on the adapter's Web API client, both replicas tick on the
same database, and the channel sees a reminder due now exactly once.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.handoff.records import DeliveryKind, FireStatus
from bot.handoff.roster import Region, TeamKey
from bot.handoff.transactions import Handoffs
from tests.fakes.slack_server import FakeSlackServer
from tests.replicas.harness import replica_settings, replicas

TEAM = TeamKey("slack", "T1", "C0HANDOFF")
EVERY_DAY = frozenset(range(7))


def _regions(now: datetime) -> tuple[Region, Region]:
    """Two UTC shifts that hand over five minutes from now (so the reminder, due at most
    15 minutes before, is due at once: the region was added just now)."""
    change = (now.hour * 60 + now.minute + 5) % 1440
    early = Region("EARLY", "UTC", (change - 480) % 1440, change, EVERY_DAY, "@early")
    late = Region("LATE", "UTC", change, (change + 480) % 1440, EVERY_DAY, "@late")
    return early, late


async def test_two_replicas_post_a_due_reminder_once(
    database_url: str, slack_api: FakeSlackServer
) -> None:
    # Not rounded down to the minute: the reminder counts as late a minute after it is due
    # (the region's adding), and two replicas starting with their workers take seconds.
    now = datetime.now(UTC)
    seeding = Handoffs.from_url(database_url)
    try:
        for region in _regions(now):
            await seeding.add_region(TEAM, region, locale="en", actor="@admin", now=now)
    finally:
        await seeding.aclose()

    async with replicas(replica_settings(database_url, slack=slack_api)) as pair:
        assert all(r.scheduler is not None for r in pair)
        (posted,) = await slack_api.wait_for("chat.postMessage", 1, within=20)
        # Give both schedulers time to have ticked at least once more.
        for replica in pair:
            assert replica.scheduler is not None
            replica.scheduler.wake()
        await asyncio.sleep(1.0)
        await slack_api.settle(0.3)
        sent = [r.metrics.value("sourcewise_reminders_sent_total") for r in pair]

    reminders = [
        c for c in slack_api.calls_of("chat.postMessage") if c.params.get("channel") == TEAM.channel
    ]
    assert len(reminders) == 1
    assert posted.token is not None and posted.token.startswith("xoxb-")
    assert "@early" in str(posted.params.get("text"))
    assert sorted(sent) == [0.0, 1.0]  # one replica posted it, the other saw the claim

    checking = Handoffs.from_url(database_url)
    try:
        roster = await checking.roster(TEAM)
        assert roster is not None
        fires = await checking.fires(roster.id, limit=10, kind=DeliveryKind.REMINDER)
    finally:
        await checking.aclose()
    assert [f.status for f in fires] == [FireStatus.SENT]
