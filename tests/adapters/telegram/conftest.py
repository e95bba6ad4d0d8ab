"""Fixtures: the fake Bot API on 127.0.0.1, and the real PTB Application running against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.telegram.app import TelegramApplication, build_application, run_polling
from bot.config import Settings
from bot.core.ports import Conversations
from tests.fakes.telegram_server import FakeBotApi


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB warns when it builds RetryAfter (a 429) unless opted in to timedeltas; tests run
    with warnings as errors, and production opts in too (the entrypoint sets it)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


def settings_for(api: FakeBotApi, tmp_path: Path | None = None, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": api.token,
        "telegram_api_url": api.url,
        **extra,
    }
    if tmp_path is not None:
        values["database_url"] = f"sqlite+aiosqlite:///{tmp_path / 'sourcewise.db'}"
    return Settings(**values)


@contextlib.asynccontextmanager
async def polling(
    api: FakeBotApi, conversations: Conversations, **build: Any
) -> AsyncIterator[TelegramApplication]:
    """Run the real Application with long polling against ``api`` until the block ends."""
    application = build_application(settings_for(api), conversations, **build)
    stop = asyncio.Event()
    polls_before = len(api.calls_of("getUpdates", ok_only=False))
    task = asyncio.create_task(run_polling(application, stop, poll_timeout=2.0))
    try:
        async with asyncio.timeout(10):
            while len(api.calls_of("getUpdates", ok_only=False)) <= polls_before:
                if task.done():
                    task.result()  # start-up failed: raise it here
                await asyncio.sleep(0.01)
        yield application
    finally:
        stop.set()
        await task
