"""The database briefly unreachable: users get a clear apology, nothing is corrupted, and the
conversation goes on from where it was once the database is back.

``serve`` reaches PostgreSQL through a TCP proxy the test cuts (open connections reset, new
ones refused) and restores. While cut: the turn fails as a whole (the update claim, the state
and the replies roll back together), the user is told in their language, ``/healthz`` says
503, ``/metrics`` counts the failure. After: the platform's redelivery of the very update
that failed is applied once, as is a message typed again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from bot.adapters.slack.strings import strings as slack_strings
from bot.adapters.telegram.strings import strings as telegram_strings
from bot.app import serving
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.faults.proxy import TcpProxy
from tests.replicas.harness import SlackUser, TelegramUser, load, replica_settings

pytestmark = pytest.mark.postgres


@pytest.fixture
async def proxied_url(postgres_url: str) -> AsyncIterator[tuple[str, TcpProxy]]:
    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    port = await proxy.start()
    yield url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False), proxy
    await proxy.aclose()


async def _health(base: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as response:
        return response.status


async def test_a_database_outage_is_explained_to_the_user_and_corrupts_nothing(
    proxied_url: tuple[str, TcpProxy],
    postgres_url: str,
    telegram_api: FakeBotApi,
    slack_api: FakeSlackServer,
) -> None:
    url, proxy = proxied_url
    tg = TelegramUser(telegram_api, 9201, language="pl")
    sl = SlackUser(slack_api, user="U9201")
    settings = replica_settings(url, telegram_api, slack_api)
    try:
        async with serving(settings, host="127.0.0.1", port=0, scheduler=False) as s:
            await tg.say(s.url, "/start")
            await tg.say(s.url, "obsługa klienta")
            await sl.say(s.url, "hi")
            await sl.say(s.url, "customer service")
            tg_before = await load(postgres_url, tg.key)
            sl_before = await load(postgres_url, sl.key)

            await proxy.cut()
            failing = tg.update("US")
            assert await tg.send(s.url, failing) == [telegram_strings("pl").failed]
            assert await sl.say(s.url, "US") == [slack_strings("en-US").failed]
            assert await _health(s.url) == 503
            for platform in ("telegram", "slack"):
                labels = {"platform": platform}
                assert s.metrics.value("sourcewise_replies_failed_total", labels) == 1

            await proxy.restore()
            assert await _health(s.url) == 200
            # Nothing of the failed turns was kept: same state, same version.
            assert await load(postgres_url, tg.key) == tg_before
            assert await load(postgres_url, sl.key) == sl_before
            # Telegram delivers the failed update again: applied now, once.
            (question,) = await tg.send(s.url, failing)
            assert "kanał" in question.lower()  # the channels question, in Polish
            assert await tg.deliver(s.url, failing) == 200  # and once more: a duplicate
            await telegram_api.settle(0.3)
            (question,) = await sl.say(s.url, "US")  # the Slack user simply types it again
            assert "channels" in question.lower()
            assert (await load(postgres_url, tg.key)).version == tg_before.version + 1
            assert (await load(postgres_url, sl.key)).version == sl_before.version + 1
            assert len(tg.texts()) == 5  # welcome, 2 questions, the apology, the next question
    finally:
        await sl.aclose()
