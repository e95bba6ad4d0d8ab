"""Two replicas of ``serve`` on one database: a conversation's turns may land on either.

Each replica is the real wiring (PTB webhook, slack-bolt, the service, its own engine) in
this process; the database is SQLite (one host) or PostgreSQL (the multi-replica
deployment). What must hold: every turn is applied exactly once (the conversation's version
counts the turns), every turn is answered exactly once, a platform's redelivery to the other
replica changes nothing, and turns racing on both replicas are all kept.
"""

from __future__ import annotations

import asyncio

from bot.core.state import Phase
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.replicas.harness import (
    EXPECTED_ANSWERS,
    SCRIPT,
    SlackUser,
    TelegramUser,
    load,
    replica_settings,
    replicas,
)


def _question_count(texts: list[str]) -> int:
    return sum(1 for text in texts if text.strip())


async def test_telegram_turns_alternating_between_replicas_are_each_applied_once(
    database_url: str, telegram_api: FakeBotApi
) -> None:
    user = TelegramUser(telegram_api, 7001)
    async with replicas(replica_settings(database_url, telegram_api)) as (a, b):
        greeting = await user.say(a.url, "/start")
        assert len(greeting) == 2  # welcome + the first question
        for turn, text in enumerate(SCRIPT):
            replica = (b, a)[turn % 2]
            answer = await user.say(replica.url, text)
            assert len(answer) == 1, (text, answer)  # the next question (or the summary)
        snapshot = await load(database_url, user.key)
        state = snapshot.state or {}
        assert snapshot.version == 1 + len(SCRIPT)  # each turn saved exactly once
        assert state["phase"] == Phase.SUMMARY.value
        assert {k: state["answers"][k] for k in EXPECTED_ANSWERS} == EXPECTED_ANSWERS
        # Both replicas did their share of the work.
        turns = [
            r.metrics.value("sourcewise_turns_total", {"platform": "telegram"}) for r in (a, b)
        ]
        assert turns == [6.0, 6.0]


async def test_a_telegram_retry_reaching_the_other_replica_changes_nothing(
    database_url: str, telegram_api: FakeBotApi
) -> None:
    user = TelegramUser(telegram_api, 7002)
    async with replicas(replica_settings(database_url, telegram_api)) as (a, b):
        await user.say(a.url, "/start")
        update = user.update("customer service")
        await user.send(a.url, update)
        before = await load(database_url, user.key)
        sent = len(user.texts())
        assert await user.deliver(b.url, update) == 200  # Telegram retried, to replica B
        await telegram_api.settle(0.4)
        assert len(user.texts()) == sent
        assert await load(database_url, user.key) == before
        assert b.metrics.value("sourcewise_duplicates_total", {"platform": "telegram"}) == 1
        # And the conversation goes on from B at the next question.
        (question,) = await user.say(b.url, "US")
        assert "channels" in question.lower()


async def test_slack_turns_alternating_between_replicas_are_each_applied_once(
    database_url: str, slack_api: FakeSlackServer
) -> None:
    user = SlackUser(slack_api, user="U7003")
    try:
        async with replicas(replica_settings(database_url, slack=slack_api)) as (a, b):
            greeting = await user.say(a.url, "hi")
            assert len(greeting) == 2
            for turn, text in enumerate(SCRIPT):
                answer = await user.say((b, a)[turn % 2].url, text)
                assert len(answer) == 1, (text, answer)
            snapshot = await load(database_url, user.key)
            state = snapshot.state or {}
            assert snapshot.version == 1 + len(SCRIPT)
            assert state["phase"] == Phase.SUMMARY.value
            assert {k: state["answers"][k] for k in EXPECTED_ANSWERS} == EXPECTED_ANSWERS
    finally:
        await user.aclose()


async def test_a_slack_retry_reaching_the_other_replica_changes_nothing(
    database_url: str, slack_api: FakeSlackServer
) -> None:
    user = SlackUser(slack_api, user="U7004")
    try:
        async with replicas(replica_settings(database_url, slack=slack_api)) as (a, b):
            await user.say(a.url, "hi")
            event = user.event("customer service")
            await user.send(a.url, event)
            before = await load(database_url, user.key)
            sent = len(user.texts())
            retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            assert await user.deliver(b.url, event, headers=retry) == 200
            assert b.slack is not None
            await b.slack.drain()
            await slack_api.settle(0.4)
            assert len(user.texts()) == sent
            assert await load(database_url, user.key) == before
            (question,) = await user.say(b.url, "US")
            assert "channels" in question.lower()
    finally:
        await user.aclose()


async def test_turns_racing_on_both_replicas_are_all_kept(
    database_url: str, telegram_api: FakeBotApi, slack_api: FakeSlackServer
) -> None:
    """Ten messages of one conversation at once, half to each replica: ten turns saved,
    ten answers sent (optimistic concurrency redoes the losers; nothing is dropped)."""
    tg = TelegramUser(telegram_api, 7005)
    sl = SlackUser(slack_api, user="U7005")
    settings = replica_settings(database_url, telegram_api, slack_api)
    try:
        async with replicas(settings) as (a, b):
            await tg.say(a.url, "/start")
            await sl.say(a.url, "hi")
            tg_before, sl_before = len(tg.texts()), len(sl.texts())
            updates = [tg.update("/help") for _ in range(10)]
            events = [sl.event("help") for _ in range(10)]
            statuses = await asyncio.gather(
                *(tg.deliver((a, b)[i % 2].url, u) for i, u in enumerate(updates)),
                *(sl.deliver((a, b)[i % 2].url, e) for i, e in enumerate(events)),
            )
            assert set(statuses) == {200}
            # "help" answers with the help text and asks the open question again: 2 messages.
            await telegram_api.wait_for(
                "sendMessage", 20, within=30, where=lambda c: c.params.get("chat_id") == 7005
            )
            for replica in (a, b):
                assert replica.slack is not None
                await replica.slack.drain()
            await telegram_api.settle(0.4)
            await slack_api.settle(0.4)
            assert len(tg.texts()) - tg_before == 20
            assert len(sl.texts()) - sl_before == 20
            assert (await load(database_url, tg.key)).version == 11
            assert (await load(database_url, sl.key)).version == 11
    finally:
        await sl.aclose()
