"""Running modes and reliability over real HTTP: webhook secret, command menu, flood limits,
group behaviour, inline mode, redelivered updates, and the token kept out of the logs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, web
from telegram.error import InvalidToken

from bot.adapters.telegram.app import (
    WEBHOOK_PATH,
    TelegramApplication,
    build_application,
    install_telegram_webhook,
    set_webhook,
)
from bot.redaction import REDACTED
from tests.adapters.telegram.conftest import polling, settings_for
from tests.adapters.telegram.port_fake import FakeConversations
from tests.fakes.telegram_server import FakeBotApi

USER = 42
GROUP = -1009876
SECRET = "webhook-secret_0123"


@pytest.fixture
def fake() -> FakeConversations:
    return FakeConversations()


class Webhook:
    def __init__(self, application: TelegramApplication, url: str) -> None:
        self.application = application
        self.url = url


@pytest.fixture
async def webhook(api: FakeBotApi, fake: FakeConversations) -> AsyncIterator[Webhook]:
    application = build_application(settings_for(api), fake, webhook=True)
    web_app = web.Application()
    install_telegram_webhook(web_app, application, secret=SECRET, path=WEBHOOK_PATH)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        url = f"http://{host}:{port}{WEBHOOK_PATH}"
        await set_webhook(application, url=url, secret=SECRET)
        yield Webhook(application, url)
    finally:
        await runner.cleanup()


async def test_webhook_refuses_a_wrong_or_missing_secret_and_serves_the_right_one(
    api: FakeBotApi, fake: FakeConversations, webhook: Webhook
) -> None:
    assert api.webhook_url == webhook.url and api.webhook_secret == SECRET
    assert await api.deliver_webhook(api.user_message("/start", user_id=USER), secret="nope") == 403
    assert await api.deliver_webhook(api.user_message("/start", user_id=USER), secret="") == 403
    assert fake.events == []

    assert await api.deliver_webhook(api.user_message("/start", user_id=USER)) == 200
    (sent,) = await api.wait_for("sendMessage")
    assert sent.params["chat_id"] == USER
    assert api.calls_of("getUpdates", ok_only=False) == []  # webhook mode never polls


async def test_webhook_rejects_a_body_that_is_no_update(api: FakeBotApi, webhook: Webhook) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with ClientSession() as session:
        async with session.post(webhook.url, data=b"{not json", headers=headers) as response:
            assert response.status == 400
        async with session.post(webhook.url, json=[1, 2], headers=headers) as response:
            assert response.status == 400


async def test_a_webhook_retry_of_the_same_update_is_answered_once(
    api: FakeBotApi, fake: FakeConversations, webhook: Webhook
) -> None:
    update = {"update_id": 5001, **api.user_message("/start", user_id=USER)}
    assert await api.deliver_webhook(update) == 200
    await api.wait_for("sendMessage")
    assert await api.deliver_webhook(update) == 200  # Telegram retried: no answer seen
    await api.settle(0.2)
    assert len(api.sent(USER)) == 1


async def test_a_polled_update_delivered_twice_is_answered_once(
    api: FakeBotApi, fake: FakeConversations
) -> None:
    async with polling(api, fake):
        update = {"update_id": 7001, **api.user_message("/start", user_id=USER)}
        api.feed_update(update)
        await api.wait_for("sendMessage")
        api.feed_update(update)  # redelivered, e.g. after a crash before confirming
        one_liner = {"update_id": 7002, **api.user_message("/estimate 8 agents", user_id=USER)}
        api.feed_update(one_liner)
        await api.wait_for("sendPhoto")
        api.feed_update(one_liner)
        await api.settle(0.2)
    assert len(api.calls_of("sendMessage")) == 1
    assert len(api.calls_of("sendPhoto")) == 1
    assert fake.quick_texts == ["8 agents"]


async def test_a_429_is_waited_out_and_the_message_arrives_once(
    api: FakeBotApi, fake: FakeConversations
) -> None:
    api.rate_limit("sendMessage", times=1, retry_after=1)
    async with polling(api, fake):
        api.feed_update(api.user_message("/start", user_id=USER))
        (sent,) = await api.wait_for("sendMessage")
        await api.settle(0.2)
    attempts = api.calls_of("sendMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # retry_after respected
    assert api.sent(USER) == [sent]


async def test_the_command_menu_is_registered_in_each_language(
    api: FakeBotApi, fake: FakeConversations
) -> None:
    async with polling(api, fake):
        pass
    private = api.commands[("default", "")]
    assert [c["command"] for c in private] == [
        "start",
        "estimate",
        "back",
        "cancel",
        "language",
        "help",
    ]
    assert api.commands[("default", "en")] == private
    assert api.commands[("default", "pl")][2] == {
        "command": "back",
        "description": "Wróć o jedno pytanie",
    }
    assert api.commands[("default", "zh")][0]["description"] == "开始引导式估算"
    group = api.commands[("all_group_chats", "pl")]
    assert [c["command"] for c in group] == ["estimate", "help"]


async def test_in_a_group_the_bot_answers_only_when_addressed(
    api: FakeBotApi, fake: FakeConversations
) -> None:
    def group(text: str) -> dict[str, object]:
        return api.user_message(text, user_id=USER, chat_id=GROUP, chat_type="supergroup")

    async with polling(api, fake):
        api.feed_update(group("anyone up for lunch?"))
        asked = group(f"/estimate@{api.username} 8 agents phone 24/7 US")
        api.feed_update(asked)
        (photo,) = await api.wait_for("sendPhoto")
        start = group("/start")
        api.feed_update(start)
        (pointer,) = await api.wait_for("sendMessage")
        api.feed_update(group(f"@{api.username} 12 agents chat"))
        await api.wait_for("sendPhoto", 2)
        await api.settle(0.2)

    assert fake.quick_texts == ["8 agents phone 24/7 US", "12 agents chat"]
    assert fake.events == []  # no conversation runs in the group
    assert photo.params["chat_id"] == GROUP
    assert photo.params["reply_parameters"]["message_id"] == asked["message"]["message_id"]
    assert "reply_markup" not in photo.params  # follow-ups belong in the private chat
    assert pointer.params["chat_id"] == GROUP
    (button,) = pointer.params["reply_markup"]["inline_keyboard"][0]
    assert button["url"] == f"https://t.me/{api.username}?start=group"
    assert len(api.sent()) == 3


async def test_inline_mode_offers_the_summary_as_a_result_card(
    api: FakeBotApi, fake: FakeConversations
) -> None:
    async with polling(api, fake):
        api.feed_update(api.inline_query("8 agents phone 24/7", user_id=USER))
        (answer,) = await api.wait_for("answerInlineQuery")
        api.feed_update(api.inline_query("   ", user_id=USER))
        await api.wait_for("answerInlineQuery", 2)
    (card,) = answer.params["results"]
    assert card["type"] == "article"
    assert card["title"] == "Quick estimate for: 8 agents phone 24/7"
    assert card["input_message_content"]["message_text"] == (
        "Quick estimate for: 8 agents phone 24/7\nOutsourced is cheapest."
    )
    assert answer.params["is_personal"] is True
    empty = api.calls_of("answerInlineQuery")[1]
    assert empty.params["results"] == []
    assert empty.params["button"]["start_parameter"] == "inline"
    assert fake.quick_texts == ["8 agents phone 24/7"]


async def test_the_token_never_appears_in_the_logs(
    api: FakeBotApi, fake: FakeConversations, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.rate_limit("sendMessage", times=1, retry_after=1)
    application = build_application(settings_for(api), fake)
    # What PTB would log if Telegram refused the token: its message and the Bot's repr
    # both quote the token.
    try:
        raise InvalidToken(f"The token `{api.token}` was rejected by the server.")
    except InvalidToken:
        logging.getLogger("telegram.ext.Updater").exception("bot %r failed", application.bot)

    async with polling(api, fake):
        api.feed_update(api.user_message("/start", user_id=USER))
        await api.wait_for("sendMessage")
        message = api.last_message(USER)
        api.feed_update(api.button_press(message, text="Phone", user_id=USER))
        await api.wait_for("editMessageText")

    assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # httpx did log URLs
    assert REDACTED in caplog.text
    assert api.token not in caplog.text
    for record in caplog.records:
        assert api.token not in record.getMessage()
        assert api.token not in (record.exc_text or "")
