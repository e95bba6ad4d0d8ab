"""What is specific to the SQL store: engine set-up, locking, and error translation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.core.ports import ConversationKey
from bot.store import MemoryStore, Store, StoreError, StoreUnavailable, migrate, open_store
from bot.store.sqla import BUSY_TIMEOUT_SECONDS, SqlStore, normalize_url
from tests.store.conftest import SQL_BACKENDS
from tests.store.databases import create_pg_database, drop_pg_database, require_postgres

KEY = ConversationKey("console", "local", "me")
UNREACHABLE = "postgresql+asyncpg://nobody@127.0.0.1:1/none"


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite"),
        ("postgres://u@h/db", "postgresql+asyncpg"),
        ("postgresql://u@h/db", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg"),
    ],
)
def test_bare_urls_get_the_async_driver(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


def test_other_databases_are_refused() -> None:
    with pytest.raises(StoreError, match="unsupported"):
        normalize_url("mysql://u@h/db")


def test_open_store_picks_the_implementation(tmp_path: Path) -> None:
    assert isinstance(open_store("memory://"), MemoryStore)
    assert isinstance(open_store(f"sqlite:///{tmp_path / 'a.db'}"), SqlStore)


async def test_unreachable_postgres_is_unavailable_not_a_driver_error() -> None:
    store = SqlStore.from_url(UNREACHABLE)
    try:
        with pytest.raises(StoreUnavailable):
            await store.ping()
        with pytest.raises(StoreUnavailable):
            async with store.unit_of_work():
                pass
    finally:
        await store.aclose()


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'w.db'}"  # missing folders are created
    store = SqlStore.from_url(url)
    try:
        async with store.engine.connect() as connection:
            mode = await connection.scalar(text("PRAGMA journal_mode"))
            timeout = await connection.scalar(text("PRAGMA busy_timeout"))
    finally:
        await store.aclose()
    assert mode == "wal"
    assert timeout == int(BUSY_TIMEOUT_SECONDS * 1000)


async def test_sqlite_writers_of_two_engines_serialize_from_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: the second unit of work waits at its start, not at its first write,
    so it reads the state the first one committed (no stale read, no 'database is locked')."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    await migrate(url)
    first, second = SqlStore.from_url(url), SqlStore.from_url(url)
    order: list[str] = []
    try:
        async with first.unit_of_work() as uow:
            await uow.conversations.save(KEY, {"n": 1}, expected_version=0)

            async def reader() -> int:
                async with second.unit_of_work() as other:
                    order.append("second began")
                    return (await other.conversations.load(KEY)).version

            waiting = asyncio.create_task(reader())
            await asyncio.sleep(0.2)
            order.append("first commits")
            await uow.commit()
        assert await waiting == 1
    finally:
        await first.aclose()
        await second.aclose()
    assert order == ["first commits", "second began"]


@pytest.mark.postgres
async def test_postgres_load_locks_the_row_until_the_turn_ends(pg_url: str) -> None:
    """FOR UPDATE: a second replica's load of the same conversation waits for the first
    turn to commit and then sees its result, so consecutive turns never conflict."""
    first, second = SqlStore.from_url(pg_url), SqlStore.from_url(pg_url)
    key = ConversationKey("telegram", "lock-test", "u1")
    order: list[str] = []
    try:
        async with first.unit_of_work() as uow:
            await uow.conversations.save(key, {"n": 1}, expected_version=0)
            await uow.commit()
        async with first.unit_of_work() as uow:
            loaded = await uow.conversations.load(key)

            async def other_turn() -> int:
                async with second.unit_of_work() as other:
                    snapshot = await other.conversations.load(key)
                    order.append("second loaded")
                    return snapshot.version

            waiting = asyncio.create_task(other_turn())
            await asyncio.sleep(0.2)
            await uow.conversations.save(key, {"n": 2}, expected_version=loaded.version)
            order.append("first commits")
            await uow.commit()
        assert await waiting == 2
    finally:
        await first.aclose()
        await second.aclose()
    assert order == ["first commits", "second loaded"]


async def test_the_health_check_does_not_wait_for_a_sqlite_writer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    await migrate(url)
    writer, checker = SqlStore.from_url(url), SqlStore.from_url(url)
    try:
        async with writer.unit_of_work() as uow:
            await uow.conversations.save(KEY, {"n": 1}, expected_version=0)
            # The write lock is held; a BEGIN IMMEDIATE would wait here for 30 s.
            await asyncio.wait_for(checker.ping(), timeout=BUSY_TIMEOUT_SECONDS / 3)
            await uow.commit()
    finally:
        await writer.aclose()
        await checker.aclose()


@pytest.mark.postgres
async def test_a_database_refusing_connections_is_unavailable_not_a_driver_error() -> None:
    """PostgreSQL answers "not currently accepting connections" (SQLSTATE 55000) with a
    server error, not a network one; it must still read as unavailable (503, apology)."""
    admin = require_postgres()
    url = await create_pg_database(admin)
    name = make_url(url).database
    connection = await asyncpg.connect(
        make_url(admin).set(drivername="postgresql").render_as_string(False)
    )
    try:
        await connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        store = SqlStore.from_url(url)
        try:
            with pytest.raises(StoreUnavailable):
                await store.ping()
        finally:
            await store.aclose()
    finally:
        await connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await connection.close()
        await drop_pg_database(admin, url)


def test_a_sqlite_database_is_private_to_its_owner(tmp_path: Path) -> None:
    """Files 0600 in a 0700 folder (issue 14, finding 7), the WAL and shared memory too."""
    import stat

    folder = tmp_path / "fresh" / "data"
    url = f"sqlite+aiosqlite:///{folder / 'private.db'}"

    async def use() -> None:
        store = SqlStore.from_url(url)
        try:
            async with store.unit_of_work() as uow:
                await uow.estimates.recent(ConversationKey("t", "w", "u"), 1)
        finally:
            await store.aclose()

    asyncio.run(migrate(url))
    asyncio.run(use())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = list(folder.iterdir())
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_the_health_check_answers_while_every_pooled_connection_is_busy(
    store: Store,
) -> None:
    """Under load every connection of the turns' pool can be taken; a health check queued
    behind them made a load balancer see a healthy database as down (HTTP 503 under CPU
    load, issue 14). It has a connection of its own."""
    assert isinstance(store, SqlStore)
    pool = store.engine.pool
    held = [await store.engine.connect() for _ in range(pool.size() + pool._max_overflow)]  # type: ignore[attr-defined]
    try:
        async with asyncio.timeout(3):  # the turns' pool would make it wait pool_timeout (30 s)
            await store.ping()
            await store.ping()
        with pytest.raises(TimeoutError):  # and the turns' pool really was exhausted
            async with asyncio.timeout(0.5):
                await store.engine.connect()
    finally:
        for connection in held:
            await connection.close()


async def test_sqlite_writers_of_one_process_queue_on_a_lock_not_in_the_busy_handler(
    tmp_path: Path,
) -> None:
    """SQLite's busy handler makes a waiting writer sleep and poll (up to 100 ms a nap), so a
    question turn behind an estimate's save waited longer than the lock was held (1 replica
    on SQLite: question p99 220 ms at 26% CPU). A second writer now waits on an asyncio lock
    without a connection, and starts when the first ends; readers never wait."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    await migrate(url)
    store = open_store(url)
    assert isinstance(store, SqlStore)
    entered = asyncio.Event()
    try:
        async with store.unit_of_work() as first:
            await first.conversations.save(KEY, {"n": 1}, expected_version=0)

            async def second() -> None:
                async with store.unit_of_work() as uow:
                    entered.set()
                    await uow.conversations.save(KEY, {"n": 2}, expected_version=1)
                    await uow.commit()

            waiting = asyncio.create_task(second())
            await asyncio.sleep(0.3)
            assert not entered.is_set()
            assert store.engine.pool.checkedout() == 1  # queued without a connection
            async with store.unit_of_work(read_only=True) as reader:  # readers go on
                assert (await reader.conversations.load(KEY)).version == 0
            await first.commit()
        await asyncio.wait_for(waiting, 5)
        async with store.unit_of_work(read_only=True) as uow:
            assert (await uow.conversations.load(KEY)).state == {"n": 2}
    finally:
        await store.aclose()
