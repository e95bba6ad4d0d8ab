"""Real processes against one database: concurrent writers, and ``kill -9`` mid-stream."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.store import Store, open_store
from tests.store.conftest import SQL_BACKENDS
from tests.store.worker import KEY, increment

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(params=SQL_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def _worker(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.worker", url, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_two_processes_writing_one_conversation_lose_nothing(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    workers = [_worker(store_url, "increment", "15", str(barrier)) for _ in range(2)]
    deadline = time.monotonic() + 60
    # Polling a folder: the signal comes from other processes, no asyncio.Event can carry it.
    while len(list(barrier.glob("ready-*"))) < 2 and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    (barrier / "go").touch()
    for worker in workers:
        _, errors = worker.communicate(timeout=90)
        assert worker.returncode == 0, errors
    async with store.unit_of_work() as uow:
        snapshot = await uow.conversations.load(KEY)
    assert snapshot.state == {"count": 30}
    assert snapshot.version == 30


async def test_kill_9_keeps_every_committed_turn_whole(store: Store, store_url: str) -> None:
    worker = _worker(store_url, "forever")
    assert worker.stdout is not None
    printed = 0
    deadline = time.monotonic() + 60
    while printed < 8 and time.monotonic() < deadline:
        line = worker.stdout.readline()
        if not line:
            break
        printed = int(line)
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=30)
    assert printed >= 8, "the worker never got going"

    async with store.unit_of_work() as uow:
        snapshot = await uow.conversations.load(KEY)
        history = await uow.estimates.recent(KEY, 1000)
        last = int((snapshot.state or {})["count"])
        # Every committed turn wrote all three tables; no turn is half there.
        assert snapshot.version == last
        assert [r.summary["count"] for r in history] == list(range(last, 0, -1))
        assert await uow.updates.take_undelivered(KEY, f"u{last}") == [{"text": str(last)}]
        assert await uow.updates.claim(KEY, f"u{last + 1}")
    # A printed count was committed; at most the turn in flight was committed unprinted.
    assert printed <= last <= printed + 1

    resumed = open_store(store_url)  # a restarted process carries on from there
    try:
        assert await increment(resumed) == last + 1
    finally:
        await resumed.aclose()
