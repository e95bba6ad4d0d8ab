"""Fixtures for the handoff tests: a fake clock, a fake notifier, migrated databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.events import Reply
from bot.handoff.access import Caller
from bot.handoff.errors import DeliveryError, DirectoryUnavailable
from bot.handoff.roster import TeamKey
from bot.handoff.transactions import Handoffs
from bot.store.sqla import SqlStore
from tests.store.databases import migrated_sqlite_template, pg_database, sqlite_copy


class FakeClock:
    """Time stands still until a test moves it; ``sleep`` moves it (the runner's loop)."""

    def __init__(self, now: datetime) -> None:
        self._now = now
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self._now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


@dataclass(frozen=True, slots=True)
class Post:
    channel: TeamKey
    reply: Reply
    thread: str | None
    message_id: str
    at: datetime


class FakeNotifier:
    """The Notifier port's fake: records posts and edits; can fail or hang on demand."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.posts: list[Post] = []
        self.updates: list[tuple[TeamKey, str, Reply]] = []
        self._clock = clock
        self._failures: list[DeliveryError] = []
        self.hang = False
        self.entered = asyncio.Event()

    def fail_next(self, *, permanent: bool, times: int = 1) -> None:
        self._failures.extend(DeliveryError("boom", permanent=permanent) for _ in range(times))

    async def post(self, channel: TeamKey, reply: Reply, *, thread: str | None = None) -> str:
        self.entered.set()
        if self.hang:
            await asyncio.Event().wait()  # until cancelled: the process "dies" mid-send
        if self._failures:
            raise self._failures.pop(0)
        message_id = f"m{len(self.posts) + 1}"
        when = self._clock.now() if self._clock else datetime.now(UTC)
        self.posts.append(Post(channel, reply, thread, message_id, when))
        return message_id

    async def update(self, channel: TeamKey, message_id: str, reply: Reply) -> None:
        self.updates.append((channel, message_id, reply))


@pytest.fixture(scope="session")
def handoff_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("handoff-template"))


@pytest.fixture
def sqlite_url(handoff_sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite file of this test's own."""
    return sqlite_copy(handoff_sqlite_template, tmp_path)


@pytest.fixture
async def store(sqlite_url: str) -> AsyncIterator[Handoffs]:
    opened = Handoffs.from_url(sqlite_url)
    try:
        yield opened
    finally:
        await opened.aclose()


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """One migrated PostgreSQL database for the run (skips, or fails in CI, when down)."""
    yield from pg_database(migrated=True)


async def empty_handoff_tables(database_url: str) -> None:
    """Empty the handoff tables of a migrated PostgreSQL database."""
    cleaner = SqlStore.from_url(database_url)
    try:
        async with cleaner.engine.begin() as connection:
            await connection.execute(
                text(
                    "TRUNCATE handoff_acks, handoff_fires, handoff_regions, handoff_rosters "
                    "RESTART IDENTITY"
                )
            )
    finally:
        await cleaner.aclose()


@pytest.fixture
async def pg_url(pg_database_url: str) -> str:
    """The PostgreSQL database with the handoff tables emptied."""
    await empty_handoff_tables(pg_database_url)
    return pg_database_url


def caller(mention: str) -> Caller:
    """A caller named the way the tests name leads: "<@U2>" is Slack user U2; "@ben" is a
    Telegram user with username "ben" (and id "@ben", so it can also be a roster's creator)."""
    if mention.startswith("<@"):
        return Caller(mention[2:].split("|")[0].rstrip(">"), mention)
    return Caller(mention, mention, mention.removeprefix("@") or None)


class FakeDirectory:
    """The Directory port's fake: ``admins`` are admins everywhere; ``broken`` fails every
    question, as a platform that does not answer would. ``asked`` records each question."""

    def __init__(self, admins: Iterable[str] = (), *, broken: bool = False) -> None:
        self.admins = set(admins)
        self.broken = broken
        self.asked: list[tuple[str, str, str]] = []

    async def is_admin(self, workspace: str, channel: str, user: str) -> bool:
        self.asked.append((workspace, channel, user))
        if self.broken:
            raise DirectoryUnavailable("the platform did not answer")
        return user in self.admins
