"""A turn in three steps: heavy work off the loop, fairness, busy replies, estimates reused.

The gate estimator blocks a worker until the test opens it (a file appears), which turns
"the event loop is not blocked" into a plain fact rather than a timing: while a calculate
sits in the worker, other users' question turns are answered on the loop. Were the estimate
on the loop, these tests would hang (pytest-timeout fails them).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.compute import WORKER_NICENESS, PoolKind, RateCardEstimator, Reusing, TurnRunner
from bot.core.events import Command, Reply, ReplyKind, Start
from bot.core.ports import ConversationKey, Turn
from bot.service import ConversationService, busy_reply, decode_estimate
from bot.store import MemoryStore, Store
from costengine import Estimate, Scenario
from tests.service.scripted import next_event

ALICE = ConversationKey("telegram", "chat-1", "alice")
BOB = ConversationKey("telegram", "chat-2", "bob")
CAROL = ConversationKey("telegram", "chat-3", "carol")


async def _to_summary(service: ConversationService, key: ConversationKey) -> None:
    """Answer every question with its first choice, up to the summary."""
    turn = await service.handle(key, Start())
    for _ in range(40):
        event = next_event(turn.replies, at_summary=None)
        if event is None:
            break
        turn = await service.handle(key, event)
    assert any(r.kind is ReplyKind.SUMMARY for r in turn.replies), [r.text for r in turn.replies]


def _result(turn: Turn) -> Reply:
    return next(r for r in turn.replies if r.kind is ReplyKind.RESULT)


class Gate(RateCardEstimator):
    """Prices with the built-in cards once ``path`` exists; until then it waits (in the
    worker process it was sent to)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def __call__(self, scenario: Scenario) -> Estimate:
        while not self.path.exists():
            time.sleep(0.01)
        return super().__call__(scenario)


class Counting(RateCardEstimator):
    """Counts how often a scenario is priced (on the loop: INLINE runners only)."""

    def __init__(self) -> None:
        super().__init__()
        self.priced = 0

    def __call__(self, scenario: Scenario) -> Estimate:
        self.priced += 1
        return super().__call__(scenario)


async def _in_flight(runner: TurnRunner) -> None:
    """Until the runner has a heavy computation in flight."""
    for _ in range(6000):
        if runner.stats().in_flight:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("nothing reached the worker")


def _nice_of(pid: int) -> int:
    """A process's nice value: field 19 of ``/proc/<pid>/stat`` (after the command name)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


async def _version(store: Store, key: ConversationKey) -> int:
    async with store.unit_of_work(read_only=True) as uow:
        return (await uow.conversations.load(key)).version


@pytest.fixture
async def gated(tmp_path: Path) -> AsyncIterator[tuple[TurnRunner, Path]]:
    gate = tmp_path / "open"
    runner = TurnRunner(kind=PoolKind.PROCESS, workers=1, queue=0, estimator=Gate(gate))
    try:
        yield runner, gate
    finally:
        gate.touch()
        await asyncio.to_thread(runner.close)


async def test_a_calculate_runs_in_a_worker_while_the_loop_answers_others(
    gated: tuple[TurnRunner, Path],
) -> None:
    runner, gate = gated
    store = MemoryStore()
    service = ConversationService(store, runner=runner)
    await _to_summary(service, ALICE)
    calculating = asyncio.create_task(service.handle(ALICE, Command("compute")))
    await _in_flight(runner)
    # Alice's estimate is held in the worker; Bob's question turns go on meanwhile.
    started = await service.handle(BOB, Start())
    assert any(r.kind is ReplyKind.QUESTION for r in started.replies)
    assert not calculating.done()
    gate.touch()
    turn = await calculating
    assert _result(turn).image is not None
    (pid,) = runner.stats().worker_pids
    assert pid != os.getpid()
    # The worker runs at a lower priority, so the loop's short turns and /healthz get the
    # CPU first when the machine is saturated (field 19 of /proc/<pid>/stat is the nice value).
    assert _nice_of(pid) == min(19, os.nice(0) + WORKER_NICENESS)


async def test_no_capacity_is_a_busy_reply_that_changes_nothing(
    gated: tuple[TurnRunner, Path],
) -> None:
    runner, gate = gated
    store = MemoryStore()
    service = ConversationService(store, runner=runner)
    await _to_summary(service, ALICE)
    await _to_summary(service, BOB)
    before = await _version(store, BOB)
    calculating = asyncio.create_task(service.handle(ALICE, Command("compute"), dedupe_id="a"))
    await _in_flight(runner)
    # One worker, no queue: Bob's estimate (and Alice's double tap) find no room.
    busy = await service.handle(BOB, Command("compute"), dedupe_id="b1")
    again = await service.handle(ALICE, Command("compute"), dedupe_id="a2")
    quick = await service.quick_estimate("8 agents phone US", key=CAROL, dedupe_id="c1")
    for turn in (busy, again):
        assert turn.busy and not turn.duplicate
        assert turn.replies == (busy_reply("en"),)
    assert quick == (busy_reply("en"),)
    assert await _version(store, BOB) == before
    async with store.unit_of_work(read_only=True) as uow:
        assert await uow.updates.status(BOB, "b1") is None  # not claimed: may be sent again
        assert await uow.updates.status(CAROL, "c1") is None
    gate.touch()
    assert not (await calculating).busy
    # Capacity is back: the same request now goes through.
    assert _result(await service.handle(BOB, Command("compute"), dedupe_id="b2"))


async def test_why_and_details_explain_the_estimate_shown_without_pricing_again() -> None:
    counting = Counting()
    store = MemoryStore()
    service = ConversationService(store, runner=TurnRunner(estimator=counting))
    await _to_summary(service, ALICE)
    _result(await service.handle(ALICE, Command("compute")))
    assert counting.priced == 1
    why = await service.handle(ALICE, Command("why"))
    details = await service.handle(ALICE, Command("details"))
    assert why.replies and details.replies
    assert not any(r.kind is ReplyKind.ERROR for r in (*why.replies, *details.replies))
    assert counting.priced == 1
    # Another replica (a new service and runner on the same database) reuses it too.
    other = Counting()
    replica = ConversationService(store, runner=TurnRunner(estimator=other))
    assert (await replica.handle(ALICE, Command("why"))).replies == why.replies
    assert other.priced == 0
    # A what-if is a new scenario: priced once, and then it is the one explained.
    await replica.handle(ALICE, Command("whatif", "24/7"))
    assert other.priced == 1
    await replica.handle(ALICE, Command("why"))
    assert other.priced == 1


async def test_the_kept_estimate_is_the_one_shown(store: Store) -> None:
    service = ConversationService(store)
    await _to_summary(service, ALICE)
    _result(await service.handle(ALICE, Command("compute")))
    async with store.unit_of_work(read_only=True) as uow:
        kept = decode_estimate(await uow.conversations.estimate(ALICE))
    (summary,) = await service.recent_estimates(ALICE)
    assert kept is not None
    assert kept.recommendation.model.value == summary["recommended"]
    # "restart" only asks: until the user says yes, the result is still there to explain.
    await service.handle(ALICE, Command("restart"))
    async with store.unit_of_work(read_only=True) as uow:
        assert await uow.conversations.estimate(ALICE) is not None
    # Starting over once confirmed forgets it: nothing is left to explain.
    await service.handle(ALICE, Command("restart", "yes"))
    async with store.unit_of_work(read_only=True) as uow:
        assert await uow.conversations.estimate(ALICE) is None


def test_reusing_prices_only_what_it_does_not_know() -> None:
    counting = Counting()
    from bot.turn import answer_quick

    _, known = answer_quick("8 agents phone US", "en", estimator=counting)
    assert known is not None and counting.priced == 1
    reusing = Reusing(counting, known)
    assert reusing(known.scenario) is known
    assert counting.priced == 1
    other = known.scenario.model_copy(update={"region": "UK"})
    assert reusing(other).scenario.region == "UK"
    assert counting.priced == 2


def test_a_bad_ratecard_file_stops_the_start_with_one_line(tmp_path: Path) -> None:
    """``SOURCEWISE_RATECARD`` is read once, at start (issue 14, finding 3): a bad file is
    one line naming the field, never the server's path, and never reaches a chat user."""
    from bot.app import ConfigError, load_ratecards

    bad = tmp_path / "secret-folder" / "card.toml"
    bad.parent.mkdir()
    bad.write_text("[in_house]\nagent_salary = nan\n")
    with pytest.raises(ConfigError) as caught:
        load_ratecards(bad)
    message = str(caught.value)
    assert message.startswith("SOURCEWISE_RATECARD: ")
    assert "\n" not in message and str(tmp_path) not in message
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError):  # refused, not read forever
        load_ratecards(fifo)
    assert load_ratecards(None).cards is None
