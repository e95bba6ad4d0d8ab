"""The fake Bot API says no where Telegram says no: checked with the real PTB ``Bot``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, InvalidToken, RetryAfter

from tests.fakes.telegram_server import FakeBotApi


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        yield bot


async def test_get_me_answers_for_the_token_and_a_wrong_token_is_refused(
    api: FakeBotApi, bot: Bot
) -> None:
    assert bot.username == api.username and bot.id == api.bot_id
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=api.base_url):
            pass


async def test_sent_messages_are_kept_and_edits_follow_telegrams_rules(
    api: FakeBotApi, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(5, "hello")
    api.add_chat(5)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(5, "hello", reply_markup=keyboard)
    assert api.last_message(5)["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text(
            "hello", chat_id=5, message_id=sent.message_id, reply_markup=keyboard
        )
    await bot.edit_message_text("hello again", chat_id=5, message_id=sent.message_id)
    assert api.last_message(5)["text"] == "hello again"
    assert "reply_markup" not in api.last_message(5)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_reply_markup(chat_id=5, message_id=999)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(5, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(
            5,
            "hi",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("B", callback_data="b" * 65)]]
            ),
        )


async def test_a_callback_query_can_be_answered_once(api: FakeBotApi, bot: Bot) -> None:
    api.add_chat(5)
    await bot.send_message(
        5, "q", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    )
    press = api.button_press(api.last_message(5), text="A", user_id=5)
    query_id = press["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_canned_errors_hit_the_next_calls_only(api: FakeBotApi, bot: Bot) -> None:
    api.add_chat(5)
    api.rate_limit("sendMessage", times=1, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(5, "first")
    assert caught.value.retry_after.total_seconds() == 3
    await bot.send_message(5, "second")
    assert [c.status for c in api.calls_of("sendMessage", ok_only=False)] == [429, 200]


async def test_updates_stay_pending_until_confirmed_and_can_be_redelivered(
    api: FakeBotApi, bot: Bot
) -> None:
    first = api.feed_update(api.user_message("one", user_id=5))
    second = api.feed_update(api.user_message("two", user_id=5))
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
    assert await bot.get_updates(offset=second + 1, timeout=0) == ()
    api.feed_update({"update_id": first, **api.user_message("one", user_id=5)})
    (again,) = await bot.get_updates(offset=second + 1, timeout=0)
    assert again.update_id == first and again.message is not None


async def test_get_updates_conflicts_with_a_webhook(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_webhook("https://example.invalid/hook", secret_token="abc")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()
