"""End to end with everything real: PTB Application <-> fake Bot API over HTTP, and the real
conversation service and core on a SQLite file (``open_app``), so a restart is a real one."""

from __future__ import annotations

import contextlib
import copy
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

from bot.adapters.telegram.app import (
    WEBHOOK_PATH,
    build_application,
    install_telegram_webhook,
    set_webhook,
)
from bot.adapters.telegram.translate import ButtonKind, decode_button
from bot.app import App, open_app
from bot.http import build_web_app
from tests.adapters.telegram.conftest import polling, settings_for
from tests.fakes.telegram_server import FakeBotApi, RecordedCall

USER = 4242
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@contextlib.asynccontextmanager
async def real_app(api: FakeBotApi, tmp_path: Path) -> AsyncIterator[App]:
    async with open_app(settings_for(api, tmp_path), housekeeping_interval=None) as app:
        yield app


def _press(
    api: FakeBotApi, message: dict[str, Any], value: str, language: str = "en"
) -> dict[str, Any]:
    """Press the button of ``message`` that carries ``value`` (a choice value, an action, or
    "done" for the Done button): found by what the button means, not by its label."""
    for button in api.buttons(message):
        data = decode_button(button.get("callback_data"))
        if data is None:
            continue
        meaning = "done" if data.kind is ButtonKind.DONE else data.value
        if meaning == value:
            return api.button_press(
                message, data=button["callback_data"], user_id=USER, language_code=language
            )
    raise LookupError(f"no button for {value!r} in {[b['text'] for b in api.buttons(message)]}")


class Chat:
    """The user's side of the private chat: send, then wait for the bot's visible reaction."""

    def __init__(self, api: FakeBotApi, language: str = "en") -> None:
        self.api = api
        self.language = language

    async def _after(self, update: dict[str, Any], method: str) -> RecordedCall:
        before = len(self.api.calls_of(method))
        self.api.feed_update(update)
        calls = await self.api.wait_for(method, before + 1, within=30)
        await self.api.settle(0.15)  # the rest of the turn's messages follow at once
        return calls[before]

    async def say(self, text: str, method: str = "sendMessage") -> RecordedCall:
        update = self.api.user_message(text, user_id=USER, language_code=self.language)
        return await self._after(update, method)

    async def press(self, value: str, method: str = "sendMessage") -> RecordedCall:
        return await self._after(_press(self.api, self.question(), value, self.language), method)

    async def toggle(self, value: str) -> RecordedCall:
        return await self.press(value, "editMessageText")

    def question(self) -> dict[str, Any]:
        """The newest bot message with buttons."""
        with_buttons = [m for m in self.api.messages(USER) if m.get("reply_markup")]
        return with_buttons[-1]

    def actions(self) -> list[str]:
        found = [decode_button(b.get("callback_data")) for b in self.api.buttons(self.question())]
        return [d.value for d in found if d is not None and d.kind is ButtonKind.ACTION]

    def asked(self) -> str | None:
        """The question id the newest keyboard answers (None: no question open)."""
        for button in self.api.buttons(self.question()):
            data = decode_button(button.get("callback_data"))
            if data is not None and data.is_choice:
                return data.question
        return None


async def _answer_up_to_team_size(chat: Chat) -> None:
    await chat.say("/start")
    assert chat.asked() == "kind"
    await chat.press("customer_service")
    assert chat.asked() == "region"
    await chat.press("US")
    assert chat.asked() == "channels"
    await chat.toggle("phone")
    await chat.toggle("chat")
    await chat.press("done")
    assert chat.asked() == "sizing"
    await chat.press("team")


async def test_a_full_conversation_with_button_presses(api: FakeBotApi, tmp_path: Path) -> None:
    chat = Chat(api)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        await _answer_up_to_team_size(chat)
        await chat.say("8")  # team size: typed
        assert chat.asked() == "languages"
        await chat.toggle("en")
        await chat.press("done")
        assert chat.asked() == "hours"
        await chat.press("24x7")
        assert chat.asked() == "currency"  # no time zone to ask for round-the-clock hours
        for _ in range(6):  # currency, service level, ... are optional: skip with the button
            if "skip" not in chat.actions():
                break
            await chat.press("skip")
        summary = chat.question()
        assert chat.asked() is None  # the summary: edit buttons and compute
        photo = await chat._after(_press(api, summary, "compute"), "sendPhoto")
        await api.settle(0.2)

    assert photo.files["photo"].startswith(PNG_MAGIC)
    # the caption says something useful: the recommendation, not the screen-reader text
    assert photo.params["caption"].startswith("Recommended: ")
    assert "Bar chart" not in photo.params["caption"]
    messages = api.messages(USER)
    # A long result goes on below its chart; the buttons come with its last part.
    shown = next(
        i for i, m in enumerate(messages) if m.get("caption", "").startswith("Recommended:")
    )
    result = next(m for m in messages[shown + 1 :] if m.get("reply_markup"))
    values = [decode_button(b["callback_data"]) for b in api.buttons(result)]
    assert {v.value for v in values if v is not None} >= {"why", "details"}
    # Under the result: the outsourced option priced the other ways, one tap each.
    offer = api.last_message(USER)
    offered = [decode_button(b["callback_data"]) for b in api.buttons(offer)]
    assert offer is not result
    assert {v.value for v in offered if v is not None} == {
        "whatif:outsourcing=dedicated",
        "whatif:outsourcing=shared",
    }
    # Toggles edited the question in place; every answered question lost its keyboard and
    # shows the choice, so only the newest message has buttons.
    channels = next(m for m in messages if m.get("text", "").startswith("Which channels"))
    assert "reply_markup" not in channels
    assert re.search(r"\n\n✓ \w+, \w+$", channels["text"])
    keyboards = [m for m in messages if m.get("reply_markup")]
    assert keyboards in ([summary, result, offer], [result, offer])
    assert len(api.calls_of("editMessageText")) >= 3
    assert all(c.ok for c in api.calls if c.method != "getUpdates")
    # The state is in the store: the conversation remembers every answer.
    (estimate,) = await app_history(api, tmp_path)
    assert estimate["scenario"]["team_size"] == 8


async def app_history(api: FakeBotApi, tmp_path: Path) -> tuple[dict[str, Any], ...]:
    from bot.adapters.telegram.translate import conversation_key

    async with real_app(api, tmp_path) as app:
        return await app.conversations.recent_estimates(conversation_key(USER, USER))


async def test_a_restart_mid_conversation_resumes_from_the_store(
    api: FakeBotApi, tmp_path: Path
) -> None:
    chat = Chat(api)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        await _answer_up_to_team_size(chat)
        assert "How many people handle support" in api.last_message(USER)["text"]

    # A new process: new service, new store connection, new Application; same database.
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        await chat.say("8")
        assert chat.asked() == "languages"
        await chat.toggle("pl")
        edited = copy.deepcopy(api.last_message(USER))
        await chat.press("back")
        assert "How many people handle support" in api.last_message(USER)["text"]
    toggled = [b["text"] for b in api.buttons(edited)]
    assert any(label.startswith("✓ ") for label in toggled)


async def test_the_same_update_delivered_twice_is_answered_once(
    api: FakeBotApi, tmp_path: Path
) -> None:
    chat = Chat(api)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        await chat.say("/start")
        update = {"update_id": 9001, **_press(api, chat.question(), "customer_service")}
        api.feed_update(update)
        await api.wait_for("sendMessage", 3)
    sent_before = len(api.sent(USER))

    # A restart before Telegram saw the offset confirmed: the update comes again.
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        api.feed_update(update)
        await api.wait_for("getUpdates", len(api.calls_of("getUpdates")) + 2)
        await api.settle(0.3)
    assert len(api.sent(USER)) == sent_before
    assert chat.asked() == "region"  # the conversation advanced once, not twice


async def test_a_429_from_telegram_still_delivers_each_message_once(
    api: FakeBotApi, tmp_path: Path
) -> None:
    api.rate_limit("sendMessage", times=1, retry_after=1)
    chat = Chat(api)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        await chat.say("/start")
        await api.wait_for("sendMessage", 2)
        await api.settle(0.2)
    assert [c.status for c in api.calls_of("sendMessage", ok_only=False)] == [429, 200, 200]
    texts = [m["text"] for m in api.messages(USER)]
    assert len(texts) == len(set(texts)) == 2
    assert chat.asked() == "kind"


async def test_the_one_liner_is_one_photo_with_the_summary_as_caption(
    api: FakeBotApi, tmp_path: Path
) -> None:
    chat = Chat(api)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        photo = await chat.say("/estimate 8 agents phone,chat en,zh 24/7 US", "sendPhoto")
        expected = await app.conversations.quick_estimate(
            "8 agents phone,chat en,zh 24/7 US", locale="en"
        )
        bad = await chat.say("/estimate banana")
        await api.settle(0.2)
    (reply,) = expected
    assert photo.params["caption"] == reply.text
    assert photo.files["photo"].startswith(PNG_MAGIC)
    assert "8" in reply.text or "agents" in reply.text
    assert len(api.calls_of("sendPhoto")) == 1  # one message per estimate
    # nothing in "banana" is a place or a size: the hint, in Telegram's own syntax, and the
    # guided conversation opens at its first question
    assert "/estimate " in bad.params["text"] and "sourcewise" not in bad.params["text"]
    assert api.last_message(USER)["text"].startswith("What kind of support is it?")
    history = await app_history(api, tmp_path)
    assert len(history) == 1 and history[0]["scenario"]["region"] == "US"


async def test_inline_mode_offers_the_real_summary(api: FakeBotApi, tmp_path: Path) -> None:
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        api.feed_update(api.inline_query("12000 calls/month phone en business UK", user_id=USER))
        (answer,) = await api.wait_for("answerInlineQuery", within=30)
        (reply,) = await app.conversations.quick_estimate(
            "12000 calls/month phone en business UK", locale="en"
        )
    (card,) = answer.params["results"]
    assert card["input_message_content"]["message_text"] == reply.text
    # the title is how the line was read (checked while typing), the description the price
    assert card["title"].startswith("I read: Channels: Phone;")
    assert reply.text.splitlines()[0].startswith(card["title"].rstrip("…"))
    assert card["description"].startswith("Outsourced: about £")
    assert "£" in card["input_message_content"]["message_text"]
    assert await app_history(api, tmp_path) == ()  # keystrokes do not fill the history


async def test_webhook_on_the_shared_server_next_to_healthz(
    api: FakeBotApi, tmp_path: Path
) -> None:
    secret = "s3cret_webhook-token"
    async with real_app(api, tmp_path) as app:
        application = build_application(settings_for(api), app.conversations, webhook=True)
        web_app = build_web_app(app)
        install_telegram_webhook(web_app, application, secret=secret, path=WEBHOOK_PATH)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            host, port = runner.addresses[0][:2]
            await set_webhook(application, url=f"http://{host}:{port}{WEBHOOK_PATH}", secret=secret)
            start = {"update_id": 31, **api.user_message("/start", user_id=USER)}
            assert await api.deliver_webhook(start, secret="wrong") == 403
            assert await api.deliver_webhook(start) == 200
            # 200 only once the update was handled: a replica killed mid-turn never
            # acknowledges it, so Telegram redelivers it and the dedupe answers it once.
            assert len(api.sent(USER)) == 2
            assert await api.deliver_webhook(start) == 200  # Telegram's retry
            async with (
                ClientSession() as session,
                session.get(f"http://{host}:{port}/healthz") as response,
            ):
                assert response.status == 200
                assert json.loads(await response.text())["status"] == "ok"
            await api.settle(0.3)
        finally:
            await runner.cleanup()
    assert len(api.sent(USER)) == 2  # greeting and first question, once
    assert api.calls_of("getUpdates", ok_only=False) == []


@pytest.mark.parametrize("language", ["pl", "zh"])
async def test_the_users_language_reaches_the_core_and_the_buttons(
    api: FakeBotApi, tmp_path: Path, language: str
) -> None:
    chat = Chat(api, language)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        await chat.say("/start")
        await chat.press("customer_service")
        await chat.press("US")
        question = chat.question()
    english = await _english_first_question(api, tmp_path)
    assert question["text"] != english
    (done,) = [
        b
        for b in api.buttons(question)
        if (data := decode_button(b["callback_data"])) and data.kind is ButtonKind.DONE
    ]
    assert done["text"] == {"pl": "✅ Gotowe", "zh": "✅ 完成"}[language]


async def _english_first_question(api: FakeBotApi, tmp_path: Path) -> str:
    from bot.core.events import Pick, Start
    from bot.core.ports import ConversationKey

    async with real_app(api, tmp_path) as app:
        key = ConversationKey("test", "en", "en")
        await app.conversations.handle(key, Start("en"))
        await app.conversations.handle(key, Pick("kind", "customer_service"))
        turn = await app.conversations.handle(key, Pick("region", "US"))
        return turn.replies[-1].text
