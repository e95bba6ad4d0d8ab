"""Slack events saved before the acknowledgement and finished from the database, over real
HTTP: signed requests into the real slack-bolt app, replies read back from the fake Web API.

A "crash" is the lazy turn never finishing after Slack got its 200: its task cancelled
mid-turn, the service raising, or the process gone (a second app on the same database
finishes it). The recovery loop must then deliver the turn's replies exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text

from bot.adapters.slack.app import SlackBot, build_slack_app
from bot.config import Settings
from bot.core.events import Event
from bot.core.ports import ConversationKey, Turn
from bot.service import ConversationService
from bot.store import Store
from bot.store.sqla import SqlStore
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import SlackHarness
from tests.fakes.slack_server import FakeSlackServer

#: Short enough for a test to wait out; the sweep runs every 50 ms.
FAST = {"slack_inbox_lease_seconds": 0.3, "slack_inbox_interval_seconds": 0.05}
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


class ScriptedService(ConversationService):
    """The real service, except that its first ``failures`` turns raise (a replica that
    stalls after saving the event), each turn can be held at a gate, and turns are counted."""

    def __init__(self, store: Store, *, failures: int = 0) -> None:
        super().__init__(store)
        self.failures = failures
        self.gate: asyncio.Event | None = None
        self.calls: list[str | None] = []

    async def handle(
        self,
        key: ConversationKey,
        event: Event,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        self.calls.append(dedupe_id)
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the replica stalled")
        if self.gate is not None:
            await self.gate.wait()
        return await super().handle(key, event, dedupe_id=dedupe_id, locale=locale)


Serve = Callable[[ConversationService], Awaitable[SlackHarness]]


@pytest.fixture
async def serve(settings: Settings, store: Store) -> AsyncIterator[Serve]:
    """``await serve(service)``: one more app (a replica) on the test's database."""
    started: list[SlackHarness] = []

    async def start(service: ConversationService) -> SlackHarness:
        bot = build_slack_app(settings.model_copy(update=FAST), service, store=store)
        harness = await SlackHarness(bot).start()
        started.append(harness)
        return harness

    yield start
    for harness in started:
        await harness.stop()


def _dm(api: FakeSlackServer, channel: str) -> list[str]:
    return [
        str(c.params.get("text", ""))
        for c in api.calls_of("chat.postMessage")
        if c.params.get("channel") == channel
    ]


async def _greeting(harness: SlackHarness, api: FakeSlackServer) -> list[str]:
    """What a user who says "hello" normally gets (a reference conversation)."""
    await harness.event(payloads.message_event("hello", user="U9", channel="D9"))
    await harness.bot.drain()
    texts = _dm(api, "D9")
    assert any("kind of support" in t for t in texts)
    return texts


async def _inbox_rows(store: Store) -> list[tuple[str, bool, int]]:
    assert isinstance(store, SqlStore)
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT dedupe_id, done, attempts FROM slack_inbox ORDER BY dedupe_id")
        )
        return [(r.dedupe_id, bool(r.done), int(r.attempts)) for r in rows]


@contextlib.asynccontextmanager
async def _recovering(bot: SlackBot) -> Any:
    assert bot.recovery is not None
    stop = asyncio.Event()
    task = asyncio.create_task(bot.recovery.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


async def _until(condition: Any, within: float = 10.0) -> None:
    """Poll ``condition`` (it reads what the fake server recorded) until true."""
    for _ in range(int(within / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def test_a_turn_cancelled_after_the_ack_is_finished_by_another_replica_once(
    serve: Serve, store: Store, api: FakeSlackServer
) -> None:
    first = await serve(ScriptedService(store))
    expected = await _greeting(first, api)
    api.hold("users.info")  # the first replica stalls right after Slack got its answer
    event = payloads.message_event("hello", event_id="EvCrash", user="U1", channel="DU1")
    posted = await first.event(event)
    assert posted.status == 200
    await api.wait_until_held("users.info")
    # Saved before the acknowledgement, still leased to the first replica.
    assert ("ev:EvCrash", False, 1) in await _inbox_rows(store)
    for task in list(first.bot.lazy._tasks):
        task.cancel()  # the replica dies: its turn never happens
    await first.bot.drain()
    api.release("users.info")
    assert _dm(api, "DU1") == []

    second = await serve(ScriptedService(store))
    async with _recovering(second.bot):
        await _until(lambda: len(_dm(api, "DU1")) >= len(expected))
        await asyncio.sleep(1.0)  # several more sweeps, past another lease: nothing more
    await second.bot.drain()
    assert _dm(api, "DU1") == expected
    assert ("ev:EvCrash", True, 2) in await _inbox_rows(store)


async def test_a_turn_that_raised_after_the_ack_is_redone_and_answered_once(
    serve: Serve, store: Store, api: FakeSlackServer
) -> None:
    service = ScriptedService(store)
    harness = await serve(service)
    expected = await _greeting(harness, api)
    service.failures = 1
    event = payloads.message_event("hello", event_id="EvRaises", user="U1", channel="DU1")
    assert (await harness.event(event)).status == 200
    await harness.bot.drain()
    sorry = "Sorry, something went wrong on our side. Please try again."
    assert _dm(api, "DU1") == [sorry]
    async with _recovering(harness.bot):
        await _until(lambda: len(_dm(api, "DU1")) >= 1 + len(expected))
        await asyncio.sleep(1.0)
    await harness.bot.drain()
    assert _dm(api, "DU1") == [sorry, *expected]
    assert ("ev:EvRaises", True, 2) in await _inbox_rows(store)


async def test_a_redelivery_while_the_turn_runs_on_another_replica_is_not_worked_twice(
    serve: Serve, store: Store, api: FakeSlackServer
) -> None:
    one, two = ScriptedService(store), ScriptedService(store)
    a, b = await serve(one), await serve(two)
    expected = await _greeting(a, api)
    one.gate = asyncio.Event()  # A's turn is slow
    event = payloads.message_event("hello", event_id="EvSlow", user="U1", channel="DU1")
    assert (await a.event(event)).status == 200
    await _until(lambda: "ev:EvSlow" in one.calls)
    assert (await b.event(event, headers=RETRY)).status == 200  # Slack retried, to B
    await b.bot.drain()
    assert "ev:EvSlow" not in two.calls  # B saw A holds it
    one.gate.set()
    await a.bot.drain()
    async with _recovering(a.bot), _recovering(b.bot):
        await asyncio.sleep(1.0)  # past the lease: the done item is never redone
    assert _dm(api, "DU1") == expected
    assert ("ev:EvSlow", True, 1) in await _inbox_rows(store)


async def test_an_item_that_keeps_failing_is_given_up_and_logged_without_its_text(
    serve: Serve,
    store: Store,
    api: FakeSlackServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    service = ScriptedService(store, failures=100)
    harness = await serve(service)
    secret_words = "my salary is 12345"
    event = payloads.message_event(secret_words, event_id="EvDoomed", user="U1", channel="DU1")
    assert (await harness.event(event)).status == 200
    await harness.bot.drain()
    async with _recovering(harness.bot):
        await _until(lambda: "gave up" in caplog.text)
    # the first handling and four redos (five attempts), then no more
    assert service.calls.count("ev:EvDoomed") == 5
    assert ("ev:EvDoomed", True, 6) in await _inbox_rows(store)
    assert "ev:EvDoomed" in caplog.text
    assert secret_words not in caplog.text
    assert len(_dm(api, "DU1")) == 1  # the one "sorry"; redos do not repeat it


async def test_a_slash_command_whose_replica_died_is_answered_from_the_inbox(
    serve: Serve, store: Store, api: FakeSlackServer
) -> None:
    first = await serve(ScriptedService(store))
    api.hold("users.info")
    fields = payloads.slash_command("", user="U3", channel="C1")
    fields["response_url"] = api.response_url("r-3")
    assert (await first.command(fields)).status == 200
    await api.wait_until_held("users.info")
    for task in list(first.bot.lazy._tasks):
        task.cancel()
    await first.bot.drain()
    api.release("users.info")
    second = await serve(ScriptedService(store))
    async with _recovering(second.bot):
        await _until(lambda: len(_dm(api, "DU3")) >= 1)
        await asyncio.sleep(1.0)
    await second.bot.drain()
    texts = _dm(api, "DU3")
    assert any("kind of support" in t for t in texts)
    assert len(texts) == len(set(texts))
