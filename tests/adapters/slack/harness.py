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
from tests.adapters.slack import payloads

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


class DmUser:
    """A Slack user talking to the bot in its DM, the way the Slack client would: typing
    messages, pressing the buttons and selects of the messages the bot actually posted (read
    back from the fake Web API), each as a signed request to our HTTP endpoint."""

    def __init__(
        self,
        harness: SlackHarness,
        api: Any,
        *,
        team: str = "T1",
        user: str = "U1",
        channel: str = "D1",
    ) -> None:
        self.harness = harness
        self.api = api
        self.team, self.user, self.channel = team, user, channel

    def _mine(self, method: str = "chat.postMessage") -> list[Any]:
        return [c for c in self.api.calls_of(method) if c.params.get("channel") == self.channel]

    def messages(self) -> list[tuple[str, list[dict[str, Any]], str]]:
        """(ts, blocks, text) of every message the bot posted in this DM, oldest first."""
        return [
            (str(c.answer["ts"]), c.json_param("blocks") or [], str(c.params.get("text", "")))
            for c in self._mine()
        ]

    def texts(self) -> list[str]:
        return [text for _, _, text in self.messages()]

    def last_prompt(self) -> str | None:
        """The question the newest question message asks (from its first block's id)."""
        for _, blocks, _ in reversed(self.messages()):
            for block in blocks:
                block_id = str(block.get("block_id", ""))
                if block_id.startswith("sw:prompt:"):
                    return block_id.removeprefix("sw:prompt:")
        return None

    def _holding(self, prefix: str) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
        for ts, blocks, _ in reversed(self.messages()):
            for block in blocks:
                for element in block.get("elements", ()):
                    if str(element.get("action_id", "")).startswith(prefix):
                        return ts, blocks, element
        raise AssertionError(f"no message holds {prefix!r}; got {self.texts()!r}")

    async def _settled(self, posted: Posted) -> None:
        assert posted.status == 200, posted.text
        await self.harness.bot.drain()

    async def say(self, text: str) -> None:
        await self._settled(
            await self.harness.event(
                payloads.message_event(text, team=self.team, user=self.user, channel=self.channel)
            )
        )

    def _where(self, ts: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "team": self.team,
            "user": self.user,
            "channel": self.channel,
            "message": {"ts": ts, "blocks": blocks, "text": ""},
        }

    async def press(self, question: str, value: str) -> None:
        """Press the choice button ``value`` of ``question``."""
        for ts, blocks, _ in reversed(self.messages()):
            for block in blocks:
                if block.get("block_id") != f"sw:q:{question}":
                    continue
                for element in block.get("elements", ()):
                    if element.get("value") == value:
                        payload = payloads.click(element, **self._where(ts, blocks))
                        await self._settled(await self.harness.interaction(payload))
                        return
        raise AssertionError(f"no button {value!r} for {question!r}")

    async def choose(self, question: str, value: str) -> None:
        """Pick ``value`` in the select menu of ``question``."""
        ts, blocks, element = self._holding(f"sw:select:{question}")
        payload = payloads.choose(element, value, **self._where(ts, blocks))
        await self._settled(await self.harness.interaction(payload))

    async def tick(self, question: str, values: list[str]) -> None:
        """Select ``values`` in the multi-select of ``question`` and press Done."""
        ts, blocks, select = self._holding(f"sw:multi:{question}")
        _, _, done = self._holding(f"sw:done:{question}")
        state = payloads.multi_state(f"sw:q:{question}", select, values)
        payload = payloads.click(done, state=state, **self._where(ts, blocks))
        await self._settled(await self.harness.interaction(payload))

    async def act(self, value: str) -> None:
        """Press the newest follow-up button whose value is ``value`` ("skip", "edit:x")."""
        for ts, blocks, _ in reversed(self.messages()):
            for block in blocks:
                for element in block.get("elements", ()):
                    action_id = str(element.get("action_id", ""))
                    if action_id.startswith("sw:act:") and element.get("value") == value:
                        payload = payloads.click(element, **self._where(ts, blocks))
                        await self._settled(await self.harness.interaction(payload))
                        return
        raise AssertionError(f"no action {value!r}; got {self.texts()!r}")
