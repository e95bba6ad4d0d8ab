"""``kill -9`` mid-conversation: the user resumes at the same question, every answer kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.events import ReplyKind, Start
from bot.core.ports import ConversationKey
from bot.core.state import ConversationState
from bot.service import ConversationService
from bot.store import open_store
from tests.store.conftest import SQL_BACKENDS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(params=SQL_BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def _answer_then_kill(store_url: str, answers: int) -> list[tuple[str, str]]:
    """Run the worker until it has printed ``answers`` committed answers, then SIGKILL it."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.service.crash_worker", store_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    printed: list[tuple[str, str]] = []
    deadline = time.monotonic() + 60
    while len(printed) < answers and time.monotonic() < deadline:
        line = worker.stdout.readline()
        if not line:
            break
        user, question = line.split()
        printed.append((user, question))
    os.kill(worker.pid, signal.SIGKILL)
    _, errors = worker.communicate(timeout=30)
    assert len(printed) == answers, errors
    return printed


@pytest.mark.parametrize("answers_before_kill", [5])
async def test_kill_9_resumes_at_the_same_question_with_answers_kept(
    store_url: str, answers_before_kill: int
) -> None:
    printed = _answer_then_kill(store_url, answers_before_kill)
    user = printed[-1][0]
    answered = {q for u, q in printed if u == user}
    key = ConversationKey("telegram", "crash", user)
    store = open_store(store_url)
    try:
        async with store.unit_of_work() as uow:
            saved = (await uow.conversations.load(key)).state
        assert saved is not None
        state = ConversationState.model_validate(saved)
        # Every printed answer is there; at most the answer in flight was saved unprinted.
        assert answered <= set(state.answers)
        assert len(set(state.answers) - answered) <= 1
        resumed = await ConversationService(store).handle(key, Start())
    finally:
        await store.aclose()
    asked = [r.question for r in resumed.replies if r.kind is ReplyKind.QUESTION]
    assert asked == [state.current]
