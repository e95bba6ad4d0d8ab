"""The fake Slack Web API answers slack_sdk's real client the way Slack does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_server import FakeSlackServer


@pytest.fixture
async def server() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer() as fake:
        fake.add_workspace("T1", bot_token="xoxb-one")
        yield fake


async def test_calls_are_recorded_with_params_and_token(server: FakeSlackServer) -> None:
    client = AsyncWebClient(token="xoxb-one", base_url=server.api_url)
    auth = await client.auth_test()
    assert auth["team_id"] == "T1" and auth["user_id"] == "UT1BOT"
    posted = await client.chat_postMessage(channel="D1", text="hi", blocks=[{"type": "divider"}])
    assert posted["channel"] == "D1"
    (call,) = server.calls_of("chat.postMessage")
    assert call.token == "xoxb-one"
    assert call.params["text"] == "hi"
    assert call.json_param("blocks") == [{"type": "divider"}]


async def test_unknown_tokens_are_rejected(server: FakeSlackServer) -> None:
    client = AsyncWebClient(token="xoxb-nobody", base_url=server.api_url)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="D1", text="hi")
    assert raised.value.response["error"] == "invalid_auth"


async def test_a_canned_429_is_retried_by_slack_sdks_handler(server: FakeSlackServer) -> None:
    server.rate_limit("chat.postMessage", times=1, retry_after=0)
    client = AsyncWebClient(
        token="xoxb-one",
        base_url=server.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    await client.chat_postMessage(channel="D1", text="once")
    attempts = server.calls_of("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200]
    assert len(server.calls_of("chat.postMessage")) == 1


async def test_files_upload_v2_goes_through_all_three_steps(server: FakeSlackServer) -> None:
    client = AsyncWebClient(token="xoxb-one", base_url=server.api_url)
    await client.files_upload_v2(
        channel="D1", content=b"\x89PNG-bytes", filename="c.png", title="t"
    )
    (upload,) = server.calls_of("upload")
    assert upload.body == b"\x89PNG-bytes"
    (complete,) = server.calls_of("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D1"
    assert complete.json_param("files")[0]["id"] == upload.params["_id"]


async def test_failures_and_response_urls(server: FakeSlackServer) -> None:
    server.fail("views.open", "expired_trigger_id")
    client = AsyncWebClient(token="xoxb-one", base_url=server.api_url)
    with pytest.raises(SlackApiError):
        await client.views_open(trigger_id="t", view={"type": "modal"})
    await client.views_open(trigger_id="t", view={"type": "modal"})
    assert len(server.calls_of("views.open", ok_only=False)) == 2
    assert len(server.calls_of("views.open")) == 1

    async with aiohttp.ClientSession() as session:
        await session.post(server.response_url("r1"), json={"text": "hello"})
    (posted,) = await server.wait_for("response_url")
    assert posted.params == {"text": "hello", "_id": "r1"}
