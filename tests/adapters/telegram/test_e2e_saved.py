"""Saved estimates, "delete my data" and one-liners that need an answer, in Telegram: the real
PTB application against the fake Bot API, the real service and a SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.telegram.translate import conversation_key, decode_button
from bot.app import App
from tests.adapters.telegram.conftest import polling
from tests.adapters.telegram.test_e2e_conversation import USER, Chat, _press, real_app
from tests.fakes.telegram_server import FakeBotApi


def _values(api: FakeBotApi, message: dict[str, object]) -> list[str]:
    found = [decode_button(b.get("callback_data")) for b in api.buttons(message)]  # type: ignore[arg-type]
    return [d.value for d in found if d is not None]


async def _stored(app: App) -> tuple[int, bool]:
    """How many estimates the user has saved, and whether a conversation is kept."""
    key = conversation_key(USER, USER)
    history = await app.conversations.recent_estimates(key, limit=50)
    async with app.store.unit_of_work() as uow:
        kept = (await uow.conversations.load(key)).state is not None
    return len(history), kept


async def test_list_delete_and_delete_my_data(api: FakeBotApi, tmp_path: Path) -> None:
    chat = Chat(api)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        await chat.say("/estimate 8 agents, phone, UK", "sendPhoto")
        await chat.say("/estimate 12 agents, phone, UK", "sendPhoto")
        assert await _stored(app) == (2, False)  # one-off answers: no conversation yet

        listing = await chat.say("/estimate list")
        text = listing.params["text"]
        assert text.startswith("Your saved estimates (newest first):")
        assert "1. " in text and "12 people" in text and "2. " in text and "8 people" in text
        message = next(m for m in api.messages(USER) if m.get("text") == text)
        # a user with no conversation yet is then at its first question
        assert api.last_message(USER)["text"].startswith("What kind of support is it?")
        assert [b["text"] for b in api.buttons(message)] == [
            "Open 1",
            "Delete 1",
            "Open 2",
            "Delete 2",
        ]

        newest = _values(api, message)[1]  # "delete:@<id>" of the newest
        await chat._after(_press(api, message, newest), "sendMessage")
        texts = [m["text"] for m in api.messages(USER)[-3:]]
        assert texts[0] == "Deleted that estimate."
        assert "8 people" in texts[1] and "12 people" not in texts[1]
        assert texts[2].startswith("What kind of support is it?")  # and on we go
        assert (await _stored(app))[0] == 1

        asked = await chat.say("delete my data")
        assert asked.params["text"].startswith("Delete everything I keep about you here")
        await chat.press("forget:yes")
        assert api.last_message(USER)["text"] == (
            "Done: your conversations and saved estimates are deleted."
        )
        assert await _stored(app) == (0, False)


async def test_a_one_liner_without_a_place_asks_for_it_with_the_rest_filled_in(
    api: FakeBotApi, tmp_path: Path
) -> None:
    chat = Chat(api)
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        reading = await chat.say("/estimate 4 agents, phone and email, 9 to 5")
        assert reading.params["text"].startswith("I read: ")
        assert chat.asked() == "region"  # a question with its buttons, not a refusal
        assert "To price this I need a little more" in api.last_message(USER)["text"]
        assert api.calls_of("sendPhoto") == []
        await chat.press("UK")
        summary = api.last_message(USER)
        assert summary["text"].startswith("Here is what I have.")
        for kept in ("United Kingdom", "4 people", "Phone and email", "Business hours"):
            assert kept in summary["text"]
        await chat._after(_press(api, summary, "compute"), "sendPhoto")
        assert (await _stored(app))[0] == 1


async def test_inline_mode_never_asks_it_shows_what_it_can(api: FakeBotApi, tmp_path: Path) -> None:
    async with real_app(api, tmp_path) as app, polling(api, app.conversations):
        api.feed_update(api.inline_query("4 agents, phone and email, 9 to 5", user_id=USER))
        (answer,) = await api.wait_for("answerInlineQuery", within=30)
        assert await _stored(app) == (0, False)  # nothing asked, nothing kept
    (card,) = answer.params["results"]
    body = card["input_message_content"]["message_text"]
    assert ": about $" in body and "a month, recommended" in body  # priced with the locale's
    # region, and it says so
    assert "Assumed:" in body and "United States" in body
