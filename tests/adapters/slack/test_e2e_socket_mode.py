"""Socket Mode: with SLACK_APP_TOKEN the app connects out over a WebSocket and needs no
public URL; events arrive as envelopes, are acknowledged, and answered through the Web API."""

from __future__ import annotations

import asyncio

from pydantic import SecretStr

from bot.adapters.slack.app import build_slack_app, run_socket_mode
from bot.config import Settings
from bot.core.ports import Conversations
from bot.store import Store
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import BOT_TOKEN
from tests.fakes.slack_server import FakeSlackServer

APP_TOKEN = "xapp-1-A0SOURCEWISE-1234-socketsecret"


async def test_events_over_socket_mode_are_acked_and_answered(
    api: FakeSlackServer, conversations: Conversations, store: Store
) -> None:
    api.add_app_token(APP_TOKEN)
    settings = Settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_app_token=SecretStr(APP_TOKEN),
        slack_api_url=api.api_url,
        database_url="memory://",
    )
    bot = build_slack_app(settings, conversations, store=store)
    assert bot.secrets.socket_mode
    stop = asyncio.Event()
    runner = asyncio.create_task(run_socket_mode(bot, stop=stop))
    try:
        await api.wait_for_socket()
        (opened,) = api.calls_of("apps.connections.open")
        assert opened.token == APP_TOKEN
        envelope = await api.push("events_api", payloads.message_event("hi", channel="D5"))
        (ack,) = await api.wait_for("socket_ack")
        assert ack.params["envelope_id"] == envelope
        (posted,) = await api.wait_for("chat.postMessage")
        assert posted.params["channel"] == "D5"
        assert posted.token == BOT_TOKEN
    finally:
        stop.set()
        await runner
