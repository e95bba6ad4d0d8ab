"""Reminders, escalations and acknowledgement edits through the real client libraries,
over real HTTP, to the fake Slack Web API and the fake Telegram Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot

from bot.adapters.slack.notifier import ACK_ACTION_ID, SlackNotifier, slack_team
from bot.adapters.telegram.notifier import TelegramNotifier, telegram_team
from bot.core.events import Reply
from bot.handoff.errors import DeliveryError
from bot.handoff.notifiers import NotifierRouter
from bot.handoff.records import DeliveryKind, FireStatus
from bot.handoff.roster import TeamKey
from bot.handoff.runner import HandoffRunner, Timing
from bot.handoff.service import HandoffService
from bot.handoff.transactions import Handoffs
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.handoff.conftest import FakeClock, caller

SETUP = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 30, 14, 45, tzinfo=UTC)  # EMEA (17:00 Warsaw) -> AMER
TIMING = Timing(send_timeout=timedelta(seconds=10))
GROUP = -1001234


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB warns building RetryAfter otherwise


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer() as server:
        server.add_workspace("T1", bot_token="xoxb-t1")
        yield server


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        # the group exists once someone wrote in it (the fake learns chats from updates)
        server.feed_update(
            server.user_message("/handoff list", chat_id=GROUP, chat_type="supergroup")
        )
        yield server


@pytest.fixture
async def bot(telegram_api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(
        telegram_api.token, base_url=telegram_api.base_url, base_file_url=telegram_api.base_file_url
    ) as opened:
        yield opened


async def roster(service: HandoffService, team: TeamKey, amer_lead: str) -> None:
    for text in (
        "add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @anna",
        f"add AMER America/New_York 08:00-17:00 Mon-Fri {amer_lead}",
    ):
        replies = await service.handle_command(team, text, "en", caller("@admin"))
        assert replies[0].text.startswith("Added")


def slack_client(server: FakeSlackServer) -> AsyncWebClient:
    return AsyncWebClient(
        token="xoxb-t1",
        base_url=server.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )


async def test_slack_reminder_ack_and_escalation(store: Handoffs, slack: FakeSlackServer) -> None:
    team = slack_team("T1", "C42")
    clock = FakeClock(SETUP)
    notifier = SlackNotifier(slack_client(slack))
    service = HandoffService(store, notifier=notifier, clock=clock, timing=TIMING)
    await roster(service, team, "<@U2|ben>")
    runner = HandoffRunner(store, notifier, clock=clock, timing=TIMING, worker="w")

    slack.rate_limit("chat.postMessage", times=1, retry_after=0)  # retried by slack_sdk
    clock.set(DUE)
    fire_id = (await runner.tick()).sent[0]
    attempts = slack.calls_of("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    (post,) = slack.calls_of("chat.postMessage")
    assert post.params["channel"] == "C42" and post.token == "xoxb-t1"
    blocks = post.json_param("blocks")
    section = blocks[0]["text"]["text"]
    assert "<@U2|ben>" in section  # a live mention, not "&lt;@U2|ben&gt;"
    assert "EMEA → AMER" in section
    (button,) = blocks[1]["elements"]
    assert (button["action_id"], button["value"]) == (ACK_ACTION_ID, f"handoff_ack:{fire_id}")
    ts = (await store.fire(fire_id)).message_id
    assert ts == post.answer["ts"]

    # nobody pressed the button: one escalation, in the reminder's thread
    clock.advance(minutes=20)
    await runner.tick()
    await runner.tick()
    posts = slack.calls_of("chat.postMessage")
    assert len(posts) == 2 and posts[1].params["thread_ts"] == ts
    assert "<@U2|ben> @anna" in posts[1].json_param("blocks")[0]["text"]["text"]

    # the late press is still recorded and shown in the reminder itself
    replies = await service.acknowledge_action(
        button["value"], caller("<@U2>"), team=team, locale="en"
    )
    assert replies is not None and replies[0].text.startswith("Thanks <@U2>")
    (edit,) = slack.calls_of("chat.update")
    assert edit.params["ts"] == ts and edit.params["channel"] == "C42"
    edited = edit.json_param("blocks")
    assert len(edited) == 1 and "✅ Acknowledged by <@U2>" in edited[0]["text"]["text"]


async def test_slack_permanent_error_fails_the_delivery(
    store: Handoffs, slack: FakeSlackServer
) -> None:
    team = slack_team("T1", "C404")
    clock = FakeClock(SETUP)
    notifier = SlackNotifier(slack_client(slack))
    await roster(HandoffService(store, clock=clock, timing=TIMING), team, "@ben")
    slack.fail("chat.postMessage", "channel_not_found")
    clock.set(DUE)
    runner = HandoffRunner(store, notifier, clock=clock, timing=TIMING, worker="w")
    report = await runner.tick()
    assert len(report.failed) == 1
    clock.advance(minutes=5)
    await runner.tick()
    assert len(slack.calls_of("chat.postMessage", ok_only=False)) == 1  # not retried
    fire = await store.fire(report.failed[0])
    assert (
        fire.status is FireStatus.FAILED
        and fire.last_error == "slack chat_postMessage: channel_not_found"
    )


async def test_telegram_reminder_button_ack_and_escalation(
    store: Handoffs, telegram_api: FakeBotApi, bot: Bot
) -> None:
    team = telegram_team(GROUP)
    clock = FakeClock(SETUP)
    notifier = NotifierRouter({"telegram": TelegramNotifier(bot)})
    service = HandoffService(store, notifier=notifier, clock=clock, timing=TIMING)
    await roster(service, team, "@ben")
    runner = HandoffRunner(store, notifier, clock=clock, timing=TIMING, worker="w")
    clock.set(DUE)
    fire_id = (await runner.tick()).sent[0]
    (sent,) = telegram_api.sent(GROUP)
    assert "@anna" in sent.params["text"] and "@ben" in sent.params["text"]
    message = telegram_api.last_message(GROUP)
    data = telegram_api.button_data(message, "✅ I've got it")
    assert data == f"handoff_ack:{fire_id}"

    # the press arrives as a callback query; the adapter passes its data and the presser
    press = telegram_api.button_press(message, data=data, user_id=77)
    callback = press["callback_query"]
    replies = await service.acknowledge_action(
        callback["data"],
        caller("@ben"),
        team=telegram_team(callback["message"]["chat"]["id"]),
        locale="en",
    )
    assert (
        replies is not None and replies[0].text == "Thanks @ben: handoff EMEA → AMER acknowledged."
    )
    (edit,) = telegram_api.calls_of("editMessageText")
    assert int(edit.params["message_id"]) == message["message_id"]
    edited = telegram_api.last_message(GROUP)
    assert "✅ Acknowledged by @ben" in edited["text"] and "reply_markup" not in edited

    # acknowledged: no escalation
    clock.advance(minutes=30)
    await runner.tick()
    assert len(telegram_api.sent(GROUP)) == 1


async def test_telegram_escalation_replies_in_the_topic(
    store: Handoffs, telegram_api: FakeBotApi, bot: Bot
) -> None:
    team = telegram_team(GROUP, 9)
    clock = FakeClock(SETUP)
    notifier = TelegramNotifier(bot)
    await roster(HandoffService(store, clock=clock, timing=TIMING), team, "@ben")
    runner = HandoffRunner(store, notifier, clock=clock, timing=TIMING, worker="w")
    clock.set(DUE)
    await runner.tick()
    clock.advance(minutes=21)
    report = await runner.tick()
    assert len(report.escalated) == 1
    reminder, escalation = telegram_api.sent(GROUP)
    assert int(reminder.params["message_thread_id"]) == 9
    assert int(escalation.params["message_thread_id"]) == 9
    reply_to = escalation.params["reply_parameters"]
    assert int(reply_to["message_id"]) == telegram_api.messages(GROUP)[0]["message_id"]
    assert "reply_markup" not in escalation.params or not escalation.params["reply_markup"]


async def test_telegram_bot_removed_from_group_is_permanent(
    store: Handoffs, telegram_api: FakeBotApi, bot: Bot
) -> None:
    team = telegram_team(GROUP)
    clock = FakeClock(SETUP)
    await roster(HandoffService(store, clock=clock, timing=TIMING), team, "@ben")
    telegram_api.fail("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
    clock.set(DUE)
    report = await HandoffRunner(
        store, TelegramNotifier(bot), clock=clock, timing=TIMING, worker="w"
    ).tick()
    assert len(report.failed) == 1
    stored = await store.roster(team)
    assert stored is not None
    (fire,) = await store.fires(stored.id, kind=DeliveryKind.REMINDER)
    assert fire.status is FireStatus.FAILED and "kicked" in (fire.last_error or "")


async def test_two_replicas_deliver_once_to_both_platforms(
    sqlite_url: str, slack: FakeSlackServer, telegram_api: FakeBotApi, bot: Bot
) -> None:
    stores = [Handoffs.from_url(sqlite_url), Handoffs.from_url(sqlite_url)]
    try:
        clock = FakeClock(SETUP)
        service = HandoffService(stores[0], clock=clock, timing=TIMING)
        await roster(service, slack_team("T1", "C1"), "@ben")
        await roster(service, telegram_team(GROUP), "@ben")
        notifier = NotifierRouter(
            {"slack": SlackNotifier(slack_client(slack)), "telegram": TelegramNotifier(bot)}
        )
        runners = [
            HandoffRunner(s, notifier, clock=clock, timing=TIMING, worker=f"r{i}")
            for i, s in enumerate(stores)
        ]
        clock.set(DUE)
        await asyncio.gather(*(r.tick() for r in runners))
        await asyncio.gather(*(r.tick() for r in runners))
        assert len(slack.calls_of("chat.postMessage")) == 1
        assert len(telegram_api.sent(GROUP)) == 1
    finally:
        for s in stores:
            await s.aclose()


async def test_router_refuses_an_unknown_platform_for_good() -> None:
    router = NotifierRouter({})
    with pytest.raises(DeliveryError) as failed:
        await router.post(TeamKey("discord", "g", "c"), Reply(text="hi"))
    assert failed.value.permanent
