"""One contract suite, three back ends: each ``store`` test runs on memory, SQLite, PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store import MEMORY_URL, Store, open_store
from bot.store.sqla import SqlStore
from tests.store.databases import migrated_sqlite_template, pg_database, sqlite_copy

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]
SQL_BACKENDS = [p for p in BACKENDS if p.values[0] != "memory"]

_TABLES = (
    "conversations",
    "handoff_drafts",
    "processed_updates",
    "estimates",
    "slack_installations",
    "slack_inbox",
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the whole run (tables emptied before each test)."""
    yield from pg_database(migrated=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
async def store_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of the current back end."""
    if backend == "memory":
        return MEMORY_URL
    if backend == "sqlite":
        return sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
    url: str = request.getfixturevalue("pg_url")
    cleaner = SqlStore.from_url(url)
    try:
        async with cleaner.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY"))
    finally:
        await cleaner.aclose()
    return url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        await opened.aclose()


@pytest.fixture
async def other_store(store: Store, store_url: str) -> AsyncIterator[Store]:
    """A second store on the same database (another replica or process); the memory fake
    has no second view, so there it is the same object."""
    if store_url == MEMORY_URL:
        yield store
        return
    opened = open_store(store_url)
    try:
        yield opened
    finally:
        await opened.aclose()
