"""Fixtures for the Slack end-to-end tests: fake Web API, the conversation service on a
real store, the bolt app served over HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.slack.app import SlackBot, build_slack_app
from bot.config import Settings
from bot.core.ports import Conversations
from bot.service import ConversationService
from bot.store import Store, open_store
from tests.adapters.slack.harness import BOT_TOKEN, SIGNING_SECRET, HarnessFactory, SlackHarness
from tests.fakes.slack_server import FakeSlackServer
from tests.store.databases import migrated_sqlite_template, sqlite_copy


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer() as server:
        server.add_workspace("T1", bot_token=BOT_TOKEN)
        yield server


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("slack-template"))


@pytest.fixture
async def store(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Store]:
    """A migrated SQLite database of its own: the store production runs on."""
    sql = open_store(sqlite_copy(sqlite_template, tmp_path))
    yield sql
    await sql.aclose()


@pytest.fixture
def conversations(store: Store) -> Conversations:
    """The real conversation service and core, on the test's own SQLite database."""
    return ConversationService(store)


@pytest.fixture
def settings(api: FakeSlackServer) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.api_url,
        database_url="memory://",
    )


@pytest.fixture
async def make_harness(
    settings: Settings, conversations: Conversations, store: Store
) -> AsyncIterator[HarnessFactory]:
    started: list[SlackHarness] = []

    async def make(**overrides: object) -> SlackHarness:
        own = settings.model_copy(update=overrides) if overrides else settings
        bot: SlackBot = build_slack_app(own, conversations, store=store)
        harness = await SlackHarness(bot).start()
        started.append(harness)
        return harness

    yield make
    for harness in started:
        await harness.stop()


@pytest.fixture
async def harness(make_harness: HarnessFactory) -> SlackHarness:
    return await make_harness()
