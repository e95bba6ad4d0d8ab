"""``kill -9`` of one ``sourcewise serve`` process mid-conversation: the other carries on.

Two real processes share one PostgreSQL database (the multi-replica deployment). A Telegram
and a Slack conversation alternate between them; replica A is then killed without warning,
and replica B continues both conversations from the database at the right question with
every earlier answer kept, each turn applied once. B, stopped with SIGTERM, shuts down
cleanly and its log is JSON lines.

A Slack event is saved before Slack gets its answer: replica A killed right after
acknowledging one leaves it in the database, and replica B's recovery loop answers it, once.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from bot.core.state import Phase
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.replicas.harness import (
    EXPECTED_ANSWERS,
    SCRIPT,
    ReplicaProcess,
    SlackUser,
    TelegramUser,
    load,
    replica_settings,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_after_kill_9_of_one_replica_the_other_continues_the_conversations(
    postgres_url: str, telegram_api: FakeBotApi, slack_api: FakeSlackServer, tmp_path: Path
) -> None:
    settings = replica_settings(postgres_url, telegram_api, slack_api)
    a = ReplicaProcess(settings, tmp_path / "a.log")
    b = ReplicaProcess(settings, tmp_path / "b.log")
    tg = TelegramUser(telegram_api, 8101)
    sl = SlackUser(slack_api, user="U8101")
    try:
        url_a, url_b = await asyncio.gather(a.started(), b.started())
        await tg.say(url_a, "/start")
        await sl.say(url_b, "hi")
        half = 5
        for turn, text in enumerate(SCRIPT[:half]):
            assert len(await tg.say((url_b, url_a)[turn % 2], text)) == 1
            assert len(await sl.say((url_a, url_b)[turn % 2], text)) == 1

        a.kill9()  # no shutdown, no goodbye: whatever A held in memory is gone

        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(f"{url_a}/healthz")  # a load balancer now routes around A
            async with http.get(f"{url_b}/healthz") as health:
                assert health.status == 200
        for text in SCRIPT[half:]:
            assert len(await tg.say(url_b, text)) == 1, a.log()
            assert len(await sl.say(url_b, text)) == 1, b.log()

        for key in (tg.key, sl.key):
            snapshot = await load(postgres_url, key)
            state = snapshot.state or {}
            assert snapshot.version == 1 + len(SCRIPT)  # every turn applied exactly once
            assert state["phase"] == Phase.SUMMARY.value
            assert {k: state["answers"][k] for k in EXPECTED_ANSWERS} == EXPECTED_ANSWERS
    finally:
        await sl.aclose()
        a.stop()
        status = b.stop()
    assert status == 0, b.log()  # SIGTERM: a graceful stop
    lines = [line for line in b.log().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any("stopping" in r["message"] for r in records)
    assert all({"ts", "level", "logger", "message"} <= r.keys() for r in records)


async def test_a_slack_event_acknowledged_by_a_replica_killed_at_once_is_answered_by_the_other(
    postgres_url: str, slack_api: FakeSlackServer, tmp_path: Path
) -> None:
    settings = replica_settings(
        postgres_url,
        slack=slack_api,
        slack_inbox_lease_seconds=2.0,
        slack_inbox_interval_seconds=0.2,
    )
    a = ReplicaProcess(settings, tmp_path / "a.log")
    b = ReplicaProcess(settings, tmp_path / "b.log")
    sl = SlackUser(slack_api, user="U8202")
    other = SlackUser(slack_api, user="U8203")
    try:
        url_a, url_b = await asyncio.gather(a.started(), b.started())
        slack_api.hold("users.info")  # A's turn stalls at its first step after the ack
        assert await sl.deliver(url_a, sl.event("hi")) == 200  # Slack got its answer
        await slack_api.wait_until_held("users.info")
        a.kill9()  # ... and A is gone before the turn was done
        slack_api.release("users.info")
        async with asyncio.timeout(30):
            while not sl.texts():
                seen = len(slack_api.calls_of("chat.postMessage"))
                await slack_api.wait_for("chat.postMessage", seen + 1, within=30)
        await slack_api.settle(3.0, within=30)  # more sweeps, past another lease
        expected = await other.say(url_b, "hi")  # what a greeting is, from B directly
        assert sl.texts() == expected, b.log()  # the whole answer, exactly once
        snapshot = await load(postgres_url, sl.key)
        assert snapshot.version == 1  # the turn applied once
        assert "slack inbox: finished" in b.log()
    finally:
        await sl.aclose()
        await other.aclose()
        a.stop()
        b.stop()
