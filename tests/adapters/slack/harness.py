"""End-to-end harness: our aiohttp server with the Slack routes, on 127.0.0.1 port 0,
fed signed requests over real HTTP, talking to the fake Slack Web API.

Requests are signed the way Slack signs them (v0 HMAC-SHA256 of ``v0:{timestamp}:{body}``
with the signing secret); the app verifies them with bolt's own middleware.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bot.adapters.slack.app import SlackBot, install_slack_routes

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1111-2222-testbottoken"


#: ``await make_harness(**settings_overrides)``: a new app (a "new process") on the same store.
HarnessFactory = Callable[..., Awaitable["SlackHarness"]]


def signature(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Posted:
    status: int
    text: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


class SlackHarness:
    """Serves one :class:`SlackBot` over HTTP and posts signed Slack requests to it."""

    def __init__(self, bot: SlackBot, *, secret: str = SIGNING_SECRET) -> None:
        self.bot = bot
        self.secret = secret
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> SlackHarness:
        web_app = web.Application()
        install_slack_routes(web_app, self.bot.bolt)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        await self.bot.drain()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None
        return self._session

    async def post_raw(
        self,
        body: str,
        *,
        content_type: str,
        timestamp: int | None = None,
        signed: bool = True,
        secret: str | None = None,
        headers: Mapping[str, str] | None = None,
        path: str = "/slack/events",
    ) -> Posted:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sent = {"Content-Type": content_type, **(headers or {})}
        if signed:
            sent["X-Slack-Request-Timestamp"] = ts
            sent["X-Slack-Signature"] = signature(secret or self.secret, ts, body)
        async with self.session.post(f"{self.url}{path}", data=body, headers=sent) as response:
            return Posted(response.status, await response.text(), dict(response.headers))

    async def event(self, payload: Mapping[str, Any], **kwargs: Any) -> Posted:
        return await self.post_raw(json.dumps(payload), content_type="application/json", **kwargs)

    async def interaction(self, payload: Mapping[str, Any], **kwargs: Any) -> Posted:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post_raw(body, content_type="application/x-www-form-urlencoded", **kwargs)

    async def command(self, fields: Mapping[str, str], **kwargs: Any) -> Posted:
        return await self.post_raw(
            urlencode(fields), content_type="application/x-www-form-urlencoded", **kwargs
        )
