"""The adapter's Telegram habits, end to end over real HTTP, against a fake of the service port.

The real PTB Application polls the fake Bot API; the conversation service is the port fake
in ``port_fake.py`` so each test controls exactly what the core answers (the full flows
against the real service and core are in ``test_e2e_conversation.py``).
"""

from __future__ import annotations

import copy
import logging

import pytest

from bot.core.events import Command, Pick, Start, Submit, Toggle
from tests.adapters.telegram.conftest import polling
from tests.adapters.telegram.port_fake import FakeConversations
from tests.fakes.telegram_server import FakeBotApi

USER = 42


async def _press(api: FakeBotApi, message: dict[str, object], label: str) -> None:
    api.feed_update(api.button_press(message, text=label, user_id=USER))
    await api.wait_for("answerCallbackQuery", len(api.calls_of("answerCallbackQuery")) + 1)


async def test_toggles_edit_the_question_in_place_and_done_closes_it(api: FakeBotApi) -> None:
    fake = FakeConversations()
    async with polling(api, fake):
        api.feed_update(api.user_message("/start", user_id=USER))
        await api.wait_for("sendMessage")
        question = api.last_message(USER)
        assert question["text"] == "Which channels?"
        assert [b["text"] for b in api.buttons(question)] == ["Phone", "Chat", "Email", "✅ Done"]

        await _press(api, question, "Phone")
        await api.wait_for("editMessageText")
        question = api.last_message(USER)
        assert [b["text"] for b in api.buttons(question)][:3] == ["✓ Phone", "Chat", "Email"]

        await _press(api, question, "Chat")
        await api.wait_for("editMessageText", 2)
        question = api.last_message(USER)

        await _press(api, question, "Done")
        await api.wait_for("sendMessage", 2)
        await api.settle(0.1)

    closed, hours = api.messages(USER)
    assert closed["text"] == "Which channels?\n\n✓ Phone, Chat"
    assert "reply_markup" not in closed  # answered: no keyboard left to press
    assert hours["text"] == "Opening hours?"
    assert len(api.sent(USER)) == 2  # toggles edited one message instead of piling up
    assert [event for _, event in fake.events] == [
        Start("en"),
        Toggle("channels", "phone"),
        Toggle("channels", "chat"),
        Submit("channels"),
    ]
    assert all(c.params.get("text") is None for c in api.calls_of("answerCallbackQuery"))


async def test_a_button_from_an_older_message_is_stale_and_never_reaches_the_core(
    api: FakeBotApi,
) -> None:
    fake = FakeConversations()
    async with polling(api, fake):
        api.feed_update(api.user_message("/start", user_id=USER))
        await api.wait_for("sendMessage")
        first = copy.deepcopy(api.last_message(USER))
        api.feed_update(api.user_message("/start", user_id=USER))  # asks again, anew
        await api.wait_for("sendMessage", 2)

        await _press(api, first, "Email")  # an old client still shows the first keyboard
        await api.settle(0.1)

    answer = api.calls_of("answerCallbackQuery")[-1]
    assert (
        answer.params["text"]
        == "This button belongs to an earlier message. Please use the latest one."
    )
    assert [event for _, event in fake.events] == [Start("en"), Start("en")]
    old, new = api.messages(USER)
    assert "reply_markup" not in old  # the stale keyboard is removed
    assert "reply_markup" in new


async def test_a_button_of_a_format_we_do_not_know_is_stale(api: FakeBotApi) -> None:
    fake = FakeConversations()
    async with polling(api, fake):
        api.feed_update(api.user_message("/start", user_id=USER))
        await api.wait_for("sendMessage")
        message = api.last_message(USER)
        api.feed_update(api.button_press(message, data="v0:channels:phone", user_id=USER))
        answers = await api.wait_for("answerCallbackQuery")
    assert answers[0].params["text"].startswith("This button belongs to an earlier message")
    assert [event for _, event in fake.events] == [Start("en")]


async def test_pick_then_result_photo_with_actions_even_when_data_is_too_long(
    api: FakeBotApi,
) -> None:
    long_action = "whatif:" + "hours=24x7;" * 8  # > 64 bytes: a token stands in for it
    fake = FakeConversations(long_action=long_action)
    async with polling(api, fake):
        api.feed_update(api.user_message("/start", user_id=USER))
        await api.wait_for("sendMessage")
        await _press(api, api.last_message(USER), "Email")
        await api.wait_for("editMessageText")
        await _press(api, api.last_message(USER), "Done")
        await api.wait_for("sendMessage", 2)
        await _press(api, api.last_message(USER), "24/7")
        (photo,) = await api.wait_for("sendPhoto")
        result = api.last_message(USER)
        await _press(api, result, "What if 24/7")
        await api.wait_for("sendMessage", 3)

    assert photo.params["caption"] == "In-house 41,200 USD/month; outsourced 30,100 USD/month."
    assert photo.files["photo"] == b"\x89PNG\r\n\x1a\nfake-chart"
    assert all(len(b["callback_data"].encode()) <= 64 for b in api.buttons(result))
    assert fake.events[-2:] == [
        (fake.events[-2][0], Pick("hours", "24x7")),
        (fake.events[-1][0], Command("whatif", long_action.removeprefix("whatif:"))),
    ]
    hours = api.messages(USER)[1]
    assert hours["text"] == "Opening hours?\n\n✓ 24/7"


async def test_a_rejected_answer_keeps_the_question_unmarked(api: FakeBotApi) -> None:
    fake = FakeConversations()
    async with polling(api, fake):
        api.feed_update(api.user_message("/start", user_id=USER))
        await api.wait_for("sendMessage")
        await _press(api, api.last_message(USER), "Done")  # nothing selected: rejected
        await api.wait_for("sendMessage", 3)
        await api.settle(0.1)
    first, error, again = api.messages(USER)
    assert first["text"] == "Which channels?" and "reply_markup" not in first
    assert error["text"] == "Pick at least one."
    assert again["text"] == "Which channels?" and "reply_markup" in again


async def test_a_failing_service_is_logged_and_the_user_told(
    api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeConversations(fail_with=RuntimeError("database on fire"))
    with caplog.at_level(logging.ERROR):
        async with polling(api, fake):
            api.feed_update(api.user_message("hello", user_id=USER))
            (sent,) = await api.wait_for("sendMessage")
    assert sent.params["text"] == "Sorry, something went wrong on our side. Please try again."
    assert any("database on fire" in (r.exc_text or "") for r in caplog.records)
