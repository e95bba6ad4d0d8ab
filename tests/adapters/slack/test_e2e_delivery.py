"""Slack's delivery rules, end to end over HTTP: signatures, retries, rate limits, secrets."""

from __future__ import annotations

import logging
import time

import pytest

from tests.adapters.slack import payloads
from tests.adapters.slack.harness import BOT_TOKEN, SIGNING_SECRET, HarnessFactory, SlackHarness
from tests.fakes.slack_server import FakeSlackServer


async def test_a_signed_dm_is_answered_in_the_dm(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    posted = await harness.event(payloads.message_event("hello", channel="D1"))
    assert posted.status == 200
    await api.wait_for("chat.postMessage")
    await harness.bot.drain()
    calls = api.calls_of("chat.postMessage")
    assert {c.params["channel"] for c in calls} == {"D1"}
    assert {c.token for c in calls} == {BOT_TOKEN}
    # the core greets and asks its first question, with buttons
    assert calls[-1].json_param("blocks")[-1]["type"] == "actions"


async def test_unsigned_requests_are_refused(harness: SlackHarness, api: FakeSlackServer) -> None:
    posted = await harness.event(payloads.message_event("hello"), signed=False)
    assert posted.status == 401
    await harness.bot.drain()
    assert api.calls_of("chat.postMessage") == []


async def test_requests_signed_with_another_secret_are_refused(harness: SlackHarness) -> None:
    posted = await harness.event(payloads.message_event("hello"), secret="not-the-secret")
    assert posted.status == 401


async def test_stale_requests_are_refused_even_when_correctly_signed(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    posted = await harness.event(payloads.message_event("hello"), timestamp=six_minutes_ago)
    assert posted.status == 401
    four_minutes_ago = int(time.time()) - 4 * 60
    posted = await harness.event(payloads.message_event("hello"), timestamp=four_minutes_ago)
    assert posted.status == 200
    await api.wait_for("chat.postMessage")


async def test_a_retried_event_is_answered_once(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    event = payloads.message_event("hello", event_id="EvRetried")
    assert (await harness.event(event)).status == 200
    await harness.bot.drain()
    answered = len(api.calls_of("chat.postMessage"))
    assert answered >= 1
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await harness.event(event, headers=retry)).status == 200
    assert (await harness.event(event, headers={**retry, "X-Slack-Retry-Num": "2"})).status == 200
    await harness.bot.drain()
    assert len(api.calls_of("chat.postMessage")) == answered


async def test_a_retry_arriving_while_the_first_is_handled_is_dropped(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    event = payloads.message_event("hello", event_id="EvConcurrent")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    await harness.event(event)
    await harness.event(event, headers=retry)  # before the first one's lazy work finished
    await harness.bot.drain()
    once = len(api.calls_of("chat.postMessage"))
    await harness.event(payloads.message_event("hello", event_id="EvOther", user="U2"))
    await harness.bot.drain()
    assert len(api.calls_of("chat.postMessage")) == 2 * once  # U2 got the same greeting


async def test_a_retry_reaching_a_restarted_process_is_answered_once(
    make_harness: HarnessFactory, api: FakeSlackServer
) -> None:
    first = await make_harness()
    event = payloads.message_event("hello", event_id="EvAcrossRestart")
    await first.event(event)
    await first.bot.drain()
    answered = len(api.calls_of("chat.postMessage"))
    second = await make_harness()  # a new process on the same database: empty caches
    await second.event(event, headers={"X-Slack-Retry-Num": "1"})
    await second.bot.drain()
    assert len(api.calls_of("chat.postMessage")) == answered


async def test_a_rate_limited_reply_is_delivered_once_after_the_wait(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    api.rate_limit("chat.postMessage", times=1, retry_after=1)
    await harness.event(payloads.message_event("hello"))
    await api.wait_for("chat.postMessage", within=10)
    await harness.bot.drain()
    attempts = api.calls_of("chat.postMessage", ok_only=False)
    assert attempts[0].status == 429 and attempts[1].status == 200
    assert attempts[1].params == attempts[0].params  # the same message, sent again
    assert attempts[1].at - attempts[0].at >= 1.0  # Retry-After was honoured
    texts = [a.params["text"] for a in attempts if a.ok]
    assert len(texts) == len(set(texts))  # and delivered once


async def test_secrets_never_reach_the_logs(
    harness: SlackHarness, api: FakeSlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await harness.event(payloads.message_event("hello"))
    await api.wait_for("chat.postMessage")
    await harness.event(payloads.message_event("hello"), secret="wrong")
    await harness.bot.drain()
    text = "\n".join(
        [r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records]
    )
    assert "chat.postMessage" in text  # slack_sdk did log the call at DEBUG
    assert BOT_TOKEN not in text
    assert SIGNING_SECRET not in text


async def test_a_failed_send_is_explained_and_the_retry_delivers_the_saved_answer(
    harness: SlackHarness, api: FakeSlackServer, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail("chat.postMessage", "internal_error")  # the first post of the turn fails
    event = payloads.message_event("hello", event_id="EvFailsOnce")
    await harness.event(event)
    await harness.bot.drain()
    delivered = [c.params["text"] for c in api.calls_of("chat.postMessage")]
    assert delivered == ["Sorry, something went wrong on our side. Please try again."]
    assert "Slack background work failed" in caplog.text

    # Slack retries the event: the turn was saved but never delivered, so it is sent now.
    await harness.event(event, headers={"X-Slack-Retry-Num": "1"})
    await harness.bot.drain()
    resent = [c.params["text"] for c in api.calls_of("chat.postMessage")][1:]
    assert resent and any("kind of support" in text for text in resent)

    # ... and only once.
    await harness.event(event, headers={"X-Slack-Retry-Num": "2"})
    await harness.bot.drain()
    assert [c.params["text"] for c in api.calls_of("chat.postMessage")][1:] == resent


async def test_slack_is_acknowledged_before_the_reply_is_sent(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    # The Web API holds every chat.postMessage: had the app waited for its reply before
    # answering Slack, the event request below could not complete.
    api.hold("chat.postMessage")
    posted = await harness.event(payloads.message_event("hello"))
    assert posted.status == 200
    await api.wait_until_held("chat.postMessage")
    assert api.calls_of("chat.postMessage") == []  # the reply is still on its way
    api.release("chat.postMessage")
    await harness.bot.drain()
    assert api.calls_of("chat.postMessage")


async def test_slash_commands_are_acknowledged_before_the_estimate_is_computed(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    api.hold("users.info")  # the first step of the work: the user's language
    command = payloads.slash_command("8 agents phone Poland", response_url=api.response_url("r"))
    posted = await harness.command(command)
    assert posted.status == 200 and posted.text == ""
    await api.wait_until_held("users.info")
    assert api.calls_of("response_url") == []
    api.release("users.info")
    await harness.bot.drain()
    assert api.calls_of("response_url")
