"""The platform's API failing: 5xx and 429 are retried with backoff and the reply arrives once.

Through ``serve``'s real wiring against the fake platforms. A 429 alone is already covered
by the adapters' own tests (``tests/adapters/telegram/test_e2e_conversation.py``,
``tests/adapters/slack/test_e2e_delivery.py``); here the server errors, alone and mixed with
a rate limit, and what happens when the platform stays down: the user is told once, and the
failure is counted on ``/metrics``.
"""

from __future__ import annotations

from itertools import pairwise

import aiohttp

from bot.adapters.slack.strings import strings as slack_strings
from bot.adapters.telegram.strings import strings as telegram_strings
from bot.app import serving
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.replicas.harness import SlackUser, TelegramUser, replica_settings

#: The smallest wait between two attempts that counts as backing off (first retry: 0.5 s
#: jittered by ±25% for Telegram; slack_sdk waits 0.5 s and more).
MIN_BACKOFF = 0.3


def _gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in pairwise(times)]


async def test_telegram_server_errors_are_retried_with_backoff_and_delivered_once(
    sqlite_url: str, telegram_api: FakeBotApi
) -> None:
    user = TelegramUser(telegram_api, 9101)
    async with serving(replica_settings(sqlite_url, telegram_api), host="127.0.0.1", port=0) as s:
        telegram_api.fail("sendMessage", 500, "Internal Server Error", times=1)
        telegram_api.fail("sendMessage", 502, "Bad Gateway", times=1)
        telegram_api.rate_limit("sendMessage", times=1, retry_after=1)
        texts = await user.say(s.url, "/start", settle=0.3)
        assert len(texts) == 2 and len(set(texts)) == 2  # welcome + first question, once each
        attempts = telegram_api.calls_of("sendMessage", ok_only=False)
        assert [c.status for c in attempts] == [500, 502, 429, 200, 200]
        assert all(gap >= MIN_BACKOFF for gap in _gaps([c.at for c in attempts[:4]]))
        assert s.metrics.value("sourcewise_replies_failed_total", {"platform": "telegram"}) == 0


async def test_telegram_down_for_good_tells_the_user_once_and_counts_the_failure(
    sqlite_url: str, telegram_api: FakeBotApi
) -> None:
    user = TelegramUser(telegram_api, 9102, language="pl")
    settings = replica_settings(sqlite_url, telegram_api, metrics_port=0)
    async with serving(settings, host="127.0.0.1", port=0) as s:
        telegram_api.fail("sendMessage", 500, "Internal Server Error", times=4)  # 1 + 3 retries
        texts = await user.say(s.url, "/start", settle=0.3)
        assert texts == [telegram_strings("pl").failed]
        assert s.metrics.value("sourcewise_replies_failed_total", {"platform": "telegram"}) == 1
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{s.metrics_url}/metrics") as response,
        ):
            body = await response.text()
        assert 'sourcewise_replies_failed_total{platform="telegram"} 1.0' in body


async def test_slack_server_errors_are_retried_with_backoff_and_delivered_once(
    sqlite_url: str, slack_api: FakeSlackServer
) -> None:
    user = SlackUser(slack_api, user="U9103")
    settings = replica_settings(sqlite_url, slack=slack_api)
    try:
        async with serving(settings, host="127.0.0.1", port=0) as s:
            slack_api.server_error("chat.postMessage", status=503, times=1)
            slack_api.rate_limit("chat.postMessage", times=1, retry_after=1)
            texts = await user.say(s.url, "hi", settle=0.3)
            assert len(texts) == 2 and len(set(texts)) == 2
            attempts = slack_api.calls_of("chat.postMessage", ok_only=False)
            assert [c.status for c in attempts] == [503, 429, 200, 200]
            assert all(gap >= MIN_BACKOFF for gap in _gaps([c.at for c in attempts[:3]]))
    finally:
        await user.aclose()


async def test_slack_down_for_good_tells_the_user_once_and_counts_the_failure(
    sqlite_url: str, slack_api: FakeSlackServer
) -> None:
    user = SlackUser(slack_api, user="U9104")
    settings = replica_settings(sqlite_url, slack=slack_api)
    try:
        async with serving(settings, host="127.0.0.1", port=0) as s:
            slack_api.server_error("chat.postMessage", status=500, times=3)  # 1 + 2 retries
            texts = await user.say(s.url, "hi", settle=0.3)
            assert texts == [slack_strings("en-US").failed]
            assert s.metrics.value("sourcewise_replies_failed_total", {"platform": "slack"}) == 1
    finally:
        await user.aclose()
