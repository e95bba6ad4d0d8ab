"""``/handoff`` end to end: the real PTB Application polling the fake Bot API over HTTP, the
real handoff service, scheduler and Telegram notifier on a migrated SQLite file, a fake
clock for the scheduler's time."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.telegram.notifier import TelegramNotifier, telegram_team
from bot.app import App, open_app
from bot.handoff.notifiers import NotifierRouter
from bot.handoff.runner import HandoffRunner, Timing
from bot.handoff.service import HandoffService
from bot.handoff.transactions import Handoffs
from bot.store.sqla import SqlStore
from tests.adapters.telegram.conftest import polling, settings_for
from tests.fakes.telegram_server import FakeBotApi
from tests.handoff.conftest import FakeClock

GROUP = -1005550001
ADMIN = 501
LEAD = 502
SETUP = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # a Monday, Warsaw on summer time
DUE = datetime(2026, 3, 30, 14, 45, tzinfo=UTC)  # 15 min before EMEA ends (17:00 Warsaw)
TIMING = Timing(send_timeout=timedelta(seconds=10))
ADD_EMEA = "/handoff add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @lead"
ADD_AMER = "/handoff add AMER America/New_York 08:00-17:00 Mon-Fri @amer_lead"


@dataclass
class Wired:
    """What ``sourcewise telegram`` wires for handoff, with a fake clock."""

    app: App
    store: Handoffs
    clock: FakeClock
    router: NotifierRouter
    runner: HandoffRunner
    service: HandoffService


@contextlib.asynccontextmanager
async def wired(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[Wired]:
    settings = settings_for(api, tmp_path)
    async with open_app(settings, housekeeping_interval=None) as app:  # migrates the file
        assert isinstance(app.store, SqlStore)
        store = Handoffs(app.store)
        clock = FakeClock(SETUP)
        router = NotifierRouter()
        runner = HandoffRunner(store, router, clock=clock, timing=TIMING, worker="w")
        service = HandoffService(
            store, notifier=router, clock=clock, timing=runner.timing, on_change=runner.wake
        )
        yield Wired(app, store, clock, router, runner, service)


@contextlib.asynccontextmanager
async def running(api: FakeBotApi, w: Wired) -> AsyncIterator[None]:
    async with polling(api, w.app.conversations, handoff=w.service, drafts=w.app.store) as app:
        w.router.add("telegram", TelegramNotifier(app.bot))
        yield


def in_group(
    api: FakeBotApi, text: str, *, user: int = ADMIN, reply_to: dict[str, Any] | None = None
) -> dict[str, Any]:
    return api.user_message(
        text, user_id=user, chat_id=GROUP, chat_type="supergroup", reply_to=reply_to
    )


async def say(api: FakeBotApi, update: dict[str, Any], replies: int = 1) -> list[str]:
    """Feed ``update`` and return the texts of the ``replies`` messages it caused."""
    before = len(api.sent(GROUP))
    api.feed_update(update)
    await api.wait_for(
        "sendMessage", before + replies, where=lambda c: c.params["chat_id"] == GROUP
    )
    return [str(c.params["text"]) for c in api.sent(GROUP)[before:]]


async def test_roster_commands_reminder_and_acknowledgement_in_a_group(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with wired(api, tmp_path) as w, running(api, w):
        added = in_group(api, ADD_EMEA)
        texts = await say(api, added, 2)
        assert texts[0] == "Added EMEA: 08:00–17:00 Europe/Warsaw, Mon–Fri, lead @lead."
        first = api.sent(GROUP)[0].params
        assert int(first["reply_parameters"]["message_id"]) == added["message"]["message_id"]
        await say(api, in_group(api, ADD_AMER), 2)

        (listing,) = await say(api, in_group(api, "/handoff list"))
        assert "• EMEA: 08:00–17:00 Europe/Warsaw, Mon–Fri, lead @lead" in listing
        assert "• AMER: 08:00–17:00 America/New_York, Mon–Fri, lead @amer_lead" in listing
        assert "EMEA → AMER" in listing

        # a bad time zone: a clear error with an example, and the roster is unchanged
        bad = "/handoff add APAC Mars/Olympus 09:00-18:00 Mon-Fri @kim"
        (error,) = await say(api, in_group(api, bad))
        assert error.startswith("“Mars/Olympus” is not a time zone I know.")
        assert "Example: /handoff add EMEA Europe/Warsaw" in error
        stored = await w.store.roster(telegram_team(GROUP))
        assert stored is not None
        assert [r.name for r in stored.roster.regions] == ["EMEA", "AMER"]

        # the scheduler's tick posts the reminder into the group, with the button
        w.clock.set(DUE)
        report = await w.runner.tick()
        (fire_id,) = report.sent
        reminder = api.last_message(GROUP)
        assert "🔁 Shift handoff EMEA → AMER" in reminder["text"]
        assert "@lead" in reminder["text"] and "@amer_lead" in reminder["text"]
        data = api.button_data(reminder, "I've got it")
        assert data == f"handoff_ack:{fire_id}"

        # the incoming lead presses it: recorded, the toast confirms, the reminder is edited
        press = api.button_press(reminder, data=data, user_id=LEAD)
        press["callback_query"]["from"]["username"] = "amer_lead"
        api.feed_update(press)
        (answer,) = await api.wait_for("answerCallbackQuery")
        await api.wait_for("editMessageText")
        assert answer.params["text"] == "Thanks @amer_lead: handoff EMEA → AMER acknowledged."
        fire = await w.store.fire(fire_id)
        assert fire.ack is not None and fire.ack.user == "@amer_lead"
        assert fire.ack.at == DUE
        edited = api.last_message(GROUP)
        assert edited["message_id"] == reminder["message_id"]
        assert "✅ Acknowledged by @amer_lead at" in edited["text"]
        assert "reply_markup" not in edited  # the button is gone

        # another member may not take the handoff (the roster did not allow "ack anyone")
        other = api.button_press(reminder, data=data, user_id=ADMIN)
        api.feed_update(other)
        await api.wait_for("answerCallbackQuery", 2)
        assert (
            api.calls_of("answerCallbackQuery")[1]
            .params["text"]
            .startswith("Only @amer_lead, the lead of AMER, can acknowledge")
        )
        # a second press by the lead only says who was first
        again = api.button_press(reminder, data=data, user_id=LEAD)
        again["callback_query"]["from"]["username"] = "amer_lead"
        api.feed_update(again)
        await api.wait_for("answerCallbackQuery", 3)
        assert (
            api.calls_of("answerCallbackQuery")[2]
            .params["text"]
            .startswith("Already acknowledged by @amer_lead")
        )

        (listing,) = await say(api, in_group(api, "/handoff list"))
        assert "EMEA → AMER, sent, ✅ @amer_lead at" in listing
        await api.settle(0.1)
    assert len(api.calls_of("editMessageText")) == 1


async def test_the_form_asks_step_by_step_and_survives_a_restart(
    api: FakeBotApi, tmp_path: Path
) -> None:
    async with wired(api, tmp_path) as w:
        async with running(api, w):
            start = in_group(api, "/handoff form")
            (question,) = await say(api, start)
            assert question == "Region name? (e.g. EMEA)"
            asked = api.sent(GROUP)[-1].params
            assert asked["reply_markup"] == {"force_reply": True, "selective": True}
            assert int(asked["reply_parameters"]["message_id"]) == start["message"]["message_id"]

            # chatter in the group that does not reply to the bot is not an answer
            api.feed_update(in_group(api, "lunch anyone?"))
            (question,) = await say(api, in_group(api, "APAC", reply_to=api.last_message(GROUP)))
            assert question == "Time zone? An IANA name, e.g. Europe/Warsaw"
            # a wrong answer is explained and the same field asked again
            texts = await say(
                api, in_group(api, "Mars/Olympus", reply_to=api.last_message(GROUP)), 2
            )
            assert texts == [
                "“Mars/Olympus” is not a time zone I know.",
                "Time zone? An IANA name, e.g. Europe/Warsaw",
            ]
            (question,) = await say(
                api, in_group(api, "asia/manila", reply_to=api.last_message(GROUP))
            )
            assert question == "Shift hours, local time? e.g. 08:00-17:00"
            last_question = api.last_message(GROUP)

        # a new process on the same database: the draft is still there
        async with running(api, w):
            (question,) = await say(api, in_group(api, "22:00 - 06:00", reply_to=last_question))
            assert question == "Start days? e.g. Mon-Fri (send - for Mon-Fri)"
            # another member's reply does not answer somebody else's form (it is the
            # group's usual reply-to-the-bot one-liner)
            days_question = api.last_message(GROUP)
            (other,) = await say(api, in_group(api, "-", user=LEAD, reply_to=days_question))
            assert other.startswith("Tell me about your support in a sentence:")
            assert "/estimate " in other  # the one-liner's hint, not the form's next field
            (question,) = await say(api, in_group(api, "-", reply_to=days_question))
            assert question == "Who leads the shift? Mention them, e.g. @anna"
            texts = await say(api, in_group(api, "@kim", reply_to=api.last_message(GROUP)), 2)
            assert texts[0] == "Added APAC: 22:00–06:00 Asia/Manila, Mon–Fri, lead @kim."
            await api.settle(0.1)
            sent_before = len(api.sent(GROUP))
            # the form is over: replying to the bot again is no answer of it
            api.feed_update(in_group(api, "@kim", reply_to=api.last_message(GROUP)))
            await api.settle(0.2)
        assert all("Added" not in str(c.params["text"]) for c in api.sent(GROUP)[sent_before:])
        stored = await w.store.roster(telegram_team(GROUP))
        assert stored is not None
        (apac,) = stored.roster.regions
        assert (apac.name, apac.tz, apac.window, apac.lead) == (
            "APAC",
            "Asia/Manila",
            "22:00-06:00",
            "@kim",
        )


async def test_cancel_closes_an_open_form_in_a_private_chat(
    api: FakeBotApi, tmp_path: Path
) -> None:
    user = 777
    async with wired(api, tmp_path) as w, running(api, w):
        api.feed_update(api.user_message("/handoff form", user_id=user))
        await api.wait_for("sendMessage")
        assert api.last_message(user)["text"] == "Region name? (e.g. EMEA)"
        assert "reply_markup" not in api.sent(user)[-1].params  # no forced reply in private
        api.feed_update(api.user_message("EMEA", user_id=user))
        await api.wait_for("sendMessage", 2)
        assert api.last_message(user)["text"].startswith("Time zone?")
        api.feed_update(api.user_message("/cancel", user_id=user))
        await api.wait_for("sendMessage", 3)
        assert api.last_message(user)["text"] == "Handoff form cancelled: nothing was added."
        # with the form closed, text goes to the guided estimate again
        api.feed_update(api.user_message("/start", user_id=user))
        await api.wait_for("sendMessage", 4)
        assert not api.last_message(user)["text"].startswith(("Time zone?", "Handoff"))
        await api.settle(0.1)
        assert await w.store.roster(telegram_team(user)) is None


async def test_without_a_handoff_service_the_command_says_it_is_off(api: FakeBotApi) -> None:
    from tests.adapters.telegram.port_fake import FakeConversations

    fake = FakeConversations()
    async with polling(api, fake):
        api.feed_update(in_group(api, "/handoff list"))
        (sent,) = await api.wait_for("sendMessage")
        # a reminder button of an older deployment is answered, not treated as stale
        message = api.last_message(GROUP)
        api.feed_update(api.button_press(message, data="handoff_ack:1", user_id=LEAD))
        (toast,) = await api.wait_for("answerCallbackQuery")
        await api.settle(0.1)
    off = "Shift handoff reminders are not enabled on this bot (they need a SQL database)."
    assert sent.params["text"] == off
    assert toast.params["text"] == off
    assert fake.events == []  # nothing reached the conversation
    assert [c["command"] for c in api.commands[("all_group_chats", "")]] == ["estimate", "help"]


async def test_the_menu_lists_handoff_when_it_is_on(api: FakeBotApi, tmp_path: Path) -> None:
    async with wired(api, tmp_path) as w, running(api, w):
        pass
    group = api.commands[("all_group_chats", "pl")]
    assert [c["command"] for c in group] == ["estimate", "help", "handoff"]
    assert group[2]["description"].startswith("Przypomnienia o przekazaniu zmiany")
    private = api.commands[("default", "zh")]
    assert private[-1] == {
        "command": "handoff",
        "description": "交接班提醒：/handoff 添加、列表、表单、帮助",
    }


async def test_sourcewise_serve_wires_handoff_into_the_webhook_bot(
    api: FakeBotApi, tmp_path: Path
) -> None:
    from bot.app import serving

    public = "https://bot.example.invalid/telegram/webhook"
    settings = settings_for(
        api,
        tmp_path,
        telegram_webhook_url=public,
        telegram_webhook_secret="webhook-secret_0123",
    )
    async with serving(
        settings, host="127.0.0.1", port=0, warm=False, housekeeping_interval=None
    ) as running:
        assert running.scheduler is not None  # the scheduler runs beside the webhook
        update = in_group(api, ADD_EMEA)
        status = await api.deliver_webhook(update, url=f"{running.url}/telegram/webhook")
        assert status == 200
        await api.wait_for("sendMessage", 2)
        await api.settle(0.1)
    texts = [str(c.params["text"]) for c in api.sent(GROUP)]
    assert texts[0] == "Added EMEA: 08:00–17:00 Europe/Warsaw, Mon–Fri, lead @lead."
    assert [c["command"] for c in api.commands[("all_group_chats", "")]][-1] == "handoff"
