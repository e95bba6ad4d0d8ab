"""Slack requests an attacker can send (issue 14, finding 4), against a real ``serve``.

Unsigned or malformed bodies are refused with 401/400 and no traceback (bolt parses before
it verifies, so garbage used to be a 500 with a logged traceback); a signed slash command
replayed within Slack's five-minute window runs once (its trigger id is claimed in the
database), for ``/sourcewise`` and for ``/handoff``.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.app import serving
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import signature
from tests.fakes.slack_server import FakeSlackServer
from tests.replicas.harness import SIGNING_SECRET, replica_settings


async def _post(base: str, body: str, *, content_type: str, signed: bool = True) -> tuple[int, str]:
    headers = {"Content-Type": content_type}
    if signed:
        ts = str(int(time.time()))
        headers |= {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature(SIGNING_SECRET, ts, body),
        }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base}/slack/events", data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


GARBAGE = [
    ("application/json", "{not json"),
    ("application/json", "[]"),
    ("application/x-www-form-urlencoded", "payload=%7Bbroken"),
    ("application/x-www-form-urlencoded", "\x00\xff" * 20),
    ("text/plain", "hello"),
]


async def test_unsigned_and_malformed_requests_get_4xx_without_a_traceback(
    sqlite_url: str, slack_api: FakeSlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    settings = replica_settings(sqlite_url, None, slack_api)
    caplog.set_level(logging.DEBUG)
    async with serving(settings, host="127.0.0.1", port=0, scheduler=False) as s:
        for content_type, body in GARBAGE:
            status, _ = await _post(s.url, body, content_type=content_type, signed=False)
            assert status == 401, body
            status, _ = await _post(s.url, body, content_type=content_type)
            assert status in (400, 401, 404), body  # never a 500
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert not api_calls(slack_api)


def api_calls(api: FakeSlackServer) -> list[object]:
    return list(api.calls_of("chat.postMessage")) + list(api.calls_of("response_url"))


@pytest.mark.parametrize("text", ["8 agents phone US", "handoff list"])
async def test_a_replayed_slash_command_runs_once(
    sqlite_url: str, slack_api: FakeSlackServer, text: str
) -> None:
    settings = replica_settings(sqlite_url, None, slack_api)
    command = payloads.slash_command(text, response_url=slack_api.response_url("r"))
    body = urlencode(command)
    async with serving(settings, host="127.0.0.1", port=0, scheduler=False) as s:
        for _ in range(3):  # the original and two replays, byte for byte
            status, _ = await _post(s.url, body, content_type="application/x-www-form-urlencoded")
            assert status == 200
        assert s.slack is not None
        await s.slack.drain()
        answers = [c for c in slack_api.calls_of("response_url") if c.params.get("_id") == "r"]
        assert len(answers) == 1, [a.params for a in answers]
