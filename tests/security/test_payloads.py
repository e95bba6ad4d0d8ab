"""Oversized input is refused: by the HTTP server before anything reads it (413), and by the
conversation core with a rejection in the user's language (a 10 kB message)."""

from __future__ import annotations

import io

import aiohttp

from bot.app import serving
from bot.core.errors import ParseError
from bot.core.parsing import MAX_CHARS
from bot.http import MAX_BODY_BYTES
from bot.render.conversation import error_text
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.replicas.harness import (
    SECRET_HEADER_VALUE,
    SlackUser,
    TelegramUser,
    load,
    replica_settings,
)

HUGE = b"{" + b'"x": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'


async def test_bodies_over_the_limit_are_refused_before_any_work(
    sqlite_url: str, telegram_api: FakeBotApi, slack_api: FakeSlackServer
) -> None:
    settings = replica_settings(sqlite_url, telegram_api, slack_api)
    async with serving(settings, host="127.0.0.1", port=0) as s, aiohttp.ClientSession() as http:
        targets = {
            "/telegram/webhook": {"X-Telegram-Bot-Api-Secret-Token": SECRET_HEADER_VALUE},
            "/slack/events": {},
        }
        for path, headers in targets.items():
            sent = {"Content-Type": "application/json", **headers}
            body = io.BytesIO(HUGE)
            async with http.post(f"{s.url}{path}", data=body, headers=sent) as response:
                assert response.status == 413, path
        assert s.metrics.value("sourcewise_turns_total", {"platform": "telegram"}) == 0
        assert s.metrics.value("sourcewise_turns_total", {"platform": "slack"}) == 0
        assert telegram_api.sent() == [] and slack_api.calls_of("chat.postMessage") == []


async def test_a_10_kb_message_is_rejected_in_the_users_language(
    sqlite_url: str, telegram_api: FakeBotApi, slack_api: FakeSlackServer
) -> None:
    tg = TelegramUser(telegram_api, 9401, language="pl")
    sl = SlackUser(slack_api, user="U9401")
    slack_api.set_locale("U9401", "zh-CN")
    settings = replica_settings(sqlite_url, telegram_api, slack_api)
    try:
        async with serving(settings, host="127.0.0.1", port=0) as s:
            await tg.say(s.url, "/start")
            await sl.say(s.url, "hi")
            tg_before = await load(sqlite_url, tg.key)
            sl_before = await load(sqlite_url, sl.key)
            long_text = "8 agents " * 1200  # 10,800 characters
            tg_reply = await tg.say(s.url, long_text[:4096])  # Telegram's own cap
            sl_reply = await sl.say(s.url, long_text)
            too_long = ParseError("error.too_long", {"max": MAX_CHARS})
            assert error_text(too_long, "pl") in tg_reply[0]
            assert error_text(too_long, "zh") in sl_reply[0]
            for user, before in ((tg, tg_before), (sl, sl_before)):
                after = await load(sqlite_url, user.key)
                assert (after.state or {}).get("answers") == (before.state or {}).get("answers")
                assert (after.state or {}).get("current") == (before.state or {}).get("current")
    finally:
        await sl.aclose()
