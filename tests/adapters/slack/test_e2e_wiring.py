from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.slack.app import build_slack_app
from bot.config import Settings
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import BOT_TOKEN, SIGNING_SECRET, SlackHarness
from tests.adapters.slack.port_fake import EchoConversations
from tests.fakes.slack_server import FakeSlackServer


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer() as server:
        server.add_workspace("T1", bot_token=BOT_TOKEN)
        yield server


@pytest.fixture
async def harness(api: FakeSlackServer) -> AsyncIterator[SlackHarness]:
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.api_url,
        database_url="memory://",
    )
    bot = build_slack_app(settings, EchoConversations())
    h = await SlackHarness(bot).start()
    yield h
    await h.stop()


async def test_dm_reply(harness: SlackHarness, api: FakeSlackServer) -> None:
    posted = await harness.event(payloads.message_event("hello", channel="D1"))
    assert posted.status == 200
    (call,) = await api.wait_for("chat.postMessage")
    print(call.params)
    assert call.params["channel"] == "D1"
    assert call.token == BOT_TOKEN
