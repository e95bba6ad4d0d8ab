"""A workspace or chat can never read or change another's conversations, estimates or rosters.

Everything is keyed by (platform, workspace or chat, user) or (platform, workspace,
channel); these tests try to cross those lines through the real service APIs (and, for
Telegram, through the webhook) on SQLite and PostgreSQL: the same user id in two Slack
workspaces, the same event id in two workspaces, the same channel id in two workspaces, a
reminder acknowledged from another channel, a button pressed by someone else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App, open_app, serving
from bot.config import Settings
from bot.core.events import ReplyKind, Start, Text
from bot.core.ports import ConversationKey
from bot.handoff.roster import Region, TeamKey
from bot.handoff.runner import HandoffRunner
from bot.handoff.service import HandoffService
from bot.handoff.transactions import Handoffs
from bot.service import ConversationService
from tests.fakes.telegram_server import FakeBotApi
from tests.handoff.conftest import FakeClock, FakeNotifier, caller
from tests.replicas.harness import TelegramUser, load, replica_settings

ALICE_T1 = ConversationKey("slack", "T1", "U1")
ALICE_T2 = ConversationKey("slack", "T2", "U1")  # same user id, another workspace
PRIVATE = ConversationKey("telegram", "100", "100")
IN_GROUP = ConversationKey("telegram", "-200", "100")  # same user, another chat


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[App]:
    async with open_app(Settings(database_url=database_url), housekeeping_interval=None) as opened:
        yield opened


async def test_the_same_user_id_in_two_workspaces_has_two_conversations(app: App) -> None:
    service = app.conversations
    await service.handle(ALICE_T1, Start("en"), dedupe_id="Ev1")
    await service.handle(ALICE_T1, Text("customer service"), dedupe_id="Ev2")
    await service.handle(ALICE_T2, Start("en"), dedupe_id="Ev3")
    await service.handle(ALICE_T2, Text("IT helpdesk"), dedupe_id="Ev4")
    for key in (PRIVATE, IN_GROUP):
        await service.handle(key, Start("en"), dedupe_id=f"u-{key.workspace}")
    await service.handle(PRIVATE, Text("customer service"), dedupe_id="u2")

    url = app.settings.database_url
    t1, t2 = await load(url, ALICE_T1), await load(url, ALICE_T2)
    assert (t1.state or {})["answers"]["kind"] == "customer_service"
    assert (t2.state or {})["answers"]["kind"] != "customer_service"
    assert t1.version == t2.version == 2
    group = await load(url, IN_GROUP)
    assert group.version == 1 and "kind" not in (group.state or {}).get("answers", {})


async def test_another_workspaces_event_id_never_hands_out_its_replies(app: App) -> None:
    """Update ids are unique per platform, as Slack and Telegram issue them; an event id
    seen again from another workspace is dropped, and never answered with the first
    workspace's replies, even those still waiting to be resent."""
    eager = ConversationService(app.store, resend_after=timedelta(0))  # resend at once
    first = await eager.handle(ALICE_T1, Start("en"), dedupe_id="EvSame")
    assert first.replies  # saved, and never marked delivered: a resend candidate
    before = await load(app.settings.database_url, ALICE_T1)
    stolen = await eager.handle(ALICE_T2, Start("en"), dedupe_id="EvSame")
    assert stolen.duplicate and stolen.replies == ()
    assert await load(app.settings.database_url, ALICE_T1) == before
    assert (await load(app.settings.database_url, ALICE_T2)).version == 0
    again = await eager.handle(ALICE_T1, Start("en"), dedupe_id="EvSame")
    assert again.duplicate and again.replies == first.replies  # the owner still gets them


async def test_estimates_are_listed_only_to_their_owner(app: App) -> None:
    service = app.conversations
    replies = await service.quick_estimate("8 agents phone 24/7 US", locale="en", key=ALICE_T1)
    assert any(r.kind is ReplyKind.RESULT for r in replies)
    assert len(await service.recent_estimates(ALICE_T1)) == 1
    assert await service.recent_estimates(ALICE_T2) == ()
    assert await service.recent_estimates(ConversationKey("telegram", "T1", "U1")) == ()


def _region(name: str) -> Region:
    return Region(name, "Europe/Warsaw", 480, 1020, frozenset(range(5)), "@anna")


async def test_rosters_of_the_same_channel_id_in_two_workspaces_stay_apart(
    database_url: str,
) -> None:
    store = Handoffs.from_url(database_url)
    clock = FakeClock(datetime(2026, 3, 30, 6, 0, tzinfo=UTC))
    service = HandoffService(store, clock=clock)
    ours, theirs = TeamKey("slack", "T1", "C1"), TeamKey("slack", "T2", "C1")
    group = TeamKey("telegram", "-300", "-300")
    try:
        await service.handle_command(
            ours, "add Krakow9 Europe/Warsaw 08:00-17:00 Mon-Fri @anna", "en", caller("@a")
        )
        # The other workspace cannot see, remove or pause our region.
        (listed,) = await service.handle_command(theirs, "list", "en", caller("@b"))
        assert "Krakow9" not in listed.text
        (removed,) = await service.handle_command(theirs, "remove Krakow9", "en", caller("@b"))
        assert removed.kind is ReplyKind.ERROR
        await service.handle_command(theirs, "pause", "en", caller("@b"))
        await service.handle_command(
            group, "add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @x", "en", caller("@c")
        )
        await service.handle_command(group, "remove EMEA", "en", caller("@c"))

        roster = await store.roster(ours)
        assert roster is not None and not roster.paused
        assert [r.name for r in roster.roster.regions] == ["Krakow9"]
        other = await store.roster(theirs)
        assert other is None or not other.roster.regions
    finally:
        await store.aclose()


async def test_a_reminder_cannot_be_acknowledged_from_another_channel(database_url: str) -> None:
    store = Handoffs.from_url(database_url)
    clock = FakeClock(datetime(2026, 3, 30, 14, 45, tzinfo=UTC))  # EMEA→AMER is due
    ours, theirs = TeamKey("slack", "T1", "C1"), TeamKey("slack", "T2", "C1")
    try:
        for region in (
            _region("EMEA"),
            Region("AMER", "America/New_York", 480, 1020, frozenset(range(5)), "<@U1>"),
        ):
            await store.add_region(
                ours, region, locale="en", actor="@a", now=datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
            )
        notifier = FakeNotifier(clock)
        report = await HandoffRunner(store, notifier, clock=clock, worker="w").tick()
        (fire_id,) = report.sent
        service = HandoffService(store, notifier=notifier, clock=clock)
        # Even the incoming lead cannot acknowledge it from another workspace's channel.
        (refused,) = await service.acknowledge(fire_id, caller("<@U1>"), team=theirs)
        assert refused.kind is ReplyKind.ERROR
        assert (await store.fire(fire_id)).ack is None
        (accepted,) = await service.acknowledge(fire_id, caller("<@U1>"), team=ours)
        assert accepted.kind is not ReplyKind.ERROR
        assert (await store.fire(fire_id)).ack is not None
    finally:
        await store.aclose()


async def test_a_button_pressed_by_someone_else_never_touches_the_owners_conversation(
    sqlite_url: str, telegram_api: FakeBotApi
) -> None:
    owner = TelegramUser(telegram_api, 9301)
    async with serving(replica_settings(sqlite_url, telegram_api), host="127.0.0.1", port=0) as s:
        await owner.say(s.url, "/start")
        before = await load(sqlite_url, owner.key)
        question = telegram_api.last_message(owner.user_id)
        forged = telegram_api.button_press(
            question, data=telegram_api.buttons(question)[0]["callback_data"], user_id=9302
        )
        assert await owner.deliver(s.url, {"update_id": 990_001, **forged}) == 200
        await telegram_api.settle(0.4)
        assert await load(sqlite_url, owner.key) == before
        intruder = ConversationKey("telegram", str(owner.user_id), "9302")
        assert (await load(sqlite_url, intruder)).version <= 1  # at most its own, new state
