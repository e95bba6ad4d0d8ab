"""Wiring: ``open_app`` migrates, opens, serves and closes; nothing survives the block."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import open_app, prune_updates
from bot.config import Settings
from bot.core.events import Start
from bot.core.ports import ConversationKey
from bot.store import StoreUnavailable, current_revision, head_revision

KEY = ConversationKey("console", "local", "me")


async def test_open_app_migrates_a_new_sqlite_file_and_resumes_after_reopen(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'sourcewise.db'}"
    settings = Settings(database_url=url)
    async with open_app(settings) as app:
        assert app.settings is settings
        first = await app.conversations.handle(KEY, Start())
        assert first.replies
        await app.store.ping()
    assert await current_revision(url) == head_revision()
    async with open_app(settings) as app, app.store.unit_of_work() as uow:
        assert (await uow.conversations.load(KEY)).version == 1


async def test_memory_url_needs_no_migration() -> None:
    async with open_app(Settings(database_url="memory://")) as app:
        assert (await app.conversations.handle(KEY, Start())).replies


async def test_background_task_stops_with_the_app() -> None:
    before = set(asyncio.all_tasks())
    async with open_app(Settings(database_url="memory://"), housekeeping_interval=0.01):
        await asyncio.sleep(0.05)
        assert {t.get_name() for t in asyncio.all_tasks() - before} == {"sourcewise-housekeeping"}
    assert asyncio.all_tasks() - before == set()


async def test_prune_updates_keeps_recent_claims(store_url: str) -> None:
    async with open_app(Settings(database_url=store_url), housekeeping_interval=None) as app:
        async with app.store.unit_of_work() as uow:
            await uow.updates.claim(KEY, "1")
            await uow.commit()
        assert await prune_updates(app.store) == 0


async def test_unreachable_database_fails_to_open() -> None:
    settings = Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable):
        async with open_app(settings):
            pass
