"""The database briefly unreachable: no message is lost, nothing is corrupted, and the
conversation goes on from where it was once the database is back.

``serve`` reaches PostgreSQL through a TCP proxy the test cuts (open connections reset, new
ones refused) and restores. While cut: the turn fails as a whole (the update claim, the state
and the replies roll back together); the Telegram webhook answers 503 and no apology, so
Telegram delivers the update again (issue 14: a 200 with "Sorry…" lost the message); the
Slack user, acknowledged before the work, is told in their language; ``/healthz`` says 503.
After: Telegram's redelivery of the very update that failed is applied once, as is a Slack
message typed again.
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
            sent_before = len(tg.texts())
            assert await tg.deliver(s.url, failing) == 503  # not acknowledged: redelivered
            assert await sl.say(s.url, "US") == [slack_strings("en-US").failed]
            assert await _health(s.url) == 503
            labels = {"platform": "slack"}
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
            # welcome, 2 questions, the next question: no apology, nothing twice
            assert len(tg.texts()) == 4 == sent_before + 1
            assert telegram_strings("pl").failed not in tg.texts()
    finally:
        await sl.aclose()


async def test_a_silent_database_times_out_and_telegram_redelivers(
    proxied_url: tuple[str, TcpProxy], postgres_url: str, telegram_api: FakeBotApi
) -> None:
    """The database stops answering (no reset, no refusal): statements time out after
    ``SOURCEWISE_DB_TIMEOUT``, the webhook answers 503 without an apology (issue 14: users
    got "Sorry…" with 200 after 32 s, and the message was lost), and the redelivery is
    applied once when the database answers again."""
    url, proxy = proxied_url
    tg = TelegramUser(telegram_api, 9202)
    settings = replica_settings(url, telegram_api, db_timeout_seconds=1.0)
    async with serving(settings, host="127.0.0.1", port=0, scheduler=False) as s:
        await tg.say(s.url, "/start")
        before = await load(postgres_url, tg.key)
        sent_before = len(tg.texts())
        proxy.blackhole()
        failing = tg.update("customer service")
        assert await tg.deliver(s.url, failing) == 503
        assert await _health(s.url) == 503
        proxy.unblock()
        await proxy.cut()  # the stalled connections are dropped; new ones work
        await proxy.restore()
        for _ in range(20):  # the pool notices the dead connections on its own schedule
            if await _health(s.url) == 200:
                break
        assert await load(postgres_url, tg.key) == before
        (question,) = await tg.send(s.url, failing)
        assert "region" in question.lower() or "based" in question.lower()
        assert len(tg.texts()) == sent_before + 1
