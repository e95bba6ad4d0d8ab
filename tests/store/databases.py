"""Throw-away databases for tests: a migrated SQLite template, PostgreSQL databases per run.

PostgreSQL is found at ``$SOURCEWISE_TEST_POSTGRES_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``; that database is only used to create
and drop ``sourcewise_test_<random>`` databases). Unreachable: the PostgreSQL tests skip with
the reason, except in CI (``CI=true``), where they fail, so CI can never pass without them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.store import migrate

T = TypeVar("T")

__all__ = [
    "PG_URL_ENV",
    "admin_postgres_url",
    "create_pg_database",
    "drop_pg_database",
    "in_ci",
    "migrated_sqlite_template",
    "pg_database",
    "require_postgres",
    "sqlite_copy",
]

PG_URL_ENV = "SOURCEWISE_TEST_POSTGRES_URL"
_DEFAULT_PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from sync code, even when called from inside a running
    event loop (a sync fixture requested by an async one): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def admin_postgres_url() -> str:
    return os.environ.get(PG_URL_ENV) or _DEFAULT_PG_URL


def _dsn(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(False)


async def _probe(url: str) -> str | None:
    try:
        connection = await asyncpg.connect(_dsn(url), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await connection.close()
    return None


def require_postgres() -> str:
    """The admin URL, or skip (fail in CI) with the reason PostgreSQL is unusable."""
    url = admin_postgres_url()
    problem = _run(lambda: _probe(url))
    if problem is not None:
        where = make_url(url).render_as_string(hide_password=True)
        message = f"PostgreSQL not reachable at {where} (set {PG_URL_ENV}): {problem}"
        if in_ci():
            pytest.fail(message + " — required in CI", pytrace=False)
        pytest.skip(message)
    return url


async def create_pg_database(admin_url: str) -> str:
    """Create an empty database; return its SQLAlchemy URL."""
    name = f"sourcewise_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(_dsn(admin_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(_dsn(admin_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def pg_database(migrated: bool) -> Iterator[str]:
    """A generator for fixtures: a fresh PostgreSQL database (at head if ``migrated``),
    dropped afterwards."""
    admin = require_postgres()
    url = _run(lambda: create_pg_database(admin))
    try:
        if migrated:
            _run(lambda: migrate(url))
        yield url
    finally:
        _run(lambda: drop_pg_database(admin, url))


def migrated_sqlite_template(folder: Path) -> Path:
    path = folder / "template.db"
    _run(lambda: migrate(f"sqlite+aiosqlite:///{path}"))
    return path


def sqlite_copy(template: Path, folder: Path) -> str:
    """A migrated SQLite database in ``folder`` (a copy of the template): its URL."""
    target = folder / "store.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"
