"""Migrations: from an empty database to head on both back ends, and head == the models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.store import StoreError, StoreUnavailable, current_revision, head_revision, migrate
from bot.store.models import metadata
from bot.store.schema import alembic_config
from bot.store.sqla import create_engine
from tests.store.conftest import SQL_BACKENDS
from tests.store.databases import pg_database

MY_TABLES = {
    "conversations",
    "handoff_drafts",
    "processed_updates",
    "estimates",
    "slack_installations",
    "slack_inbox",
}


@pytest.fixture(params=SQL_BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'dir' / 'empty.db'}"
    else:
        yield from pg_database(migrated=False)


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    return set(names)


def _diff(connection: Connection) -> list[Any]:
    def ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        # Tables other packages add in later migrations are theirs to check.
        return not (type_ == "table" and reflected and name not in metadata.tables)

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": ours}
    )
    diff: list[Any] = compare_metadata(context, metadata)
    return diff


async def test_upgrade_from_empty_reaches_head_and_is_idempotent(empty_url: str) -> None:
    assert await current_revision(empty_url) is None
    assert await migrate(empty_url) == head_revision()
    assert await _tables(empty_url) >= MY_TABLES
    assert await migrate(empty_url) == head_revision()


async def test_first_revision_id_is_0001(empty_url: str) -> None:
    assert await migrate(empty_url, "0001") == "0001"
    assert await current_revision(empty_url) == "0001"


async def test_migrated_schema_matches_the_models(empty_url: str) -> None:
    await migrate(empty_url)
    engine = create_engine(empty_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(_diff)
    finally:
        await engine.dispose()
    assert diff == []


async def test_downgrade_to_base_removes_everything(empty_url: str) -> None:
    await migrate(empty_url)
    assert await migrate(empty_url, "base", downgrade=True) is None
    assert not (MY_TABLES & await _tables(empty_url))
    assert await migrate(empty_url) == head_revision()


async def test_replicas_migrating_at_once_both_succeed(empty_url: str) -> None:
    results = await asyncio.gather(migrate(empty_url), migrate(empty_url), migrate(empty_url))
    assert results == [head_revision()] * 3


async def test_unreachable_database_is_reported_as_unavailable() -> None:
    with pytest.raises(StoreUnavailable):
        await migrate("postgresql+asyncpg://nobody@127.0.0.1:1/none")


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(StoreError, match="unsupported"):
        asyncio.run(migrate("mysql+aiomysql://x@127.0.0.1/db"))


def test_config_finds_the_scripts_without_an_ini_file() -> None:
    config = alembic_config()
    assert config.config_file_name is None
    assert Path(config.get_main_option("script_location") or "").joinpath("env.py").is_file()


async def test_0004_moves_open_form_drafts_out_of_conversations_and_back(empty_url: str) -> None:
    """Drafts kept as conversations under the old made-up platform carry over, answers and
    version, to ``handoff_drafts`` (platform ``telegram``); a downgrade puts them back."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from bot.core.ports import ConversationKey
    from bot.store import Draft, open_store

    await migrate(empty_url, "0003")
    engine = create_engine(empty_url)
    insert = text(
        "INSERT INTO conversations (platform, workspace, user_id, state, version, updated_at)"
        " VALUES (:platform, :workspace, :user, :state, :version, :at)"
    )
    rows = [
        ("telegram.handoff_form", "-100:7", "42", '{"answers": {"region": "EU"}}', 3),
        ("telegram.handoff_form", "-100", "43", '{"answers": null}', 2),
        ("telegram", "-100", "42", '{"locale": "en"}', 5),  # a conversation: stays
    ]
    try:
        async with engine.begin() as connection:
            for platform, workspace, user, state, version in rows:
                await connection.execute(
                    insert,
                    {
                        "platform": platform,
                        "workspace": workspace,
                        "user": user,
                        "state": state,
                        "version": version,
                        "at": datetime.now(UTC),
                    },
                )
    finally:
        await engine.dispose()
    await migrate(empty_url, "0004")
    store = open_store(empty_url)
    try:
        async with store.unit_of_work() as uow:
            moved = await uow.drafts.load(ConversationKey("telegram", "-100:7", "42"))
            closed = await uow.drafts.load(ConversationKey("telegram", "-100", "43"))
            old = await uow.conversations.load(
                ConversationKey("telegram.handoff_form", "-100:7", "42")
            )
            kept = await uow.conversations.load(ConversationKey("telegram", "-100", "42"))
    finally:
        await store.aclose()
    assert moved == Draft({"region": "EU"}, 3) and closed == Draft(None, 2)
    assert old.version == 0 and kept.state == {"locale": "en"} and kept.version == 5
    assert await migrate(empty_url, "0002", downgrade=True) == "0002"
    assert "handoff_drafts" not in await _tables(empty_url)
    engine = create_engine(empty_url)
    try:
        async with engine.connect() as connection:
            back = (
                await connection.execute(
                    text(
                        "SELECT state, version FROM conversations WHERE user_id = '42'"
                        " AND platform = 'telegram.handoff_form'"
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    assert back.version == 3 and "EU" in str(back.state)


async def test_0005_gives_existing_rosters_an_unknown_creator_and_leads_only_acks(
    empty_url: str,
) -> None:
    """Rosters made before 0005 get ``created_by = ''`` (unknown: only leads and admins may
    change them) and ``ack_anyone`` false; a downgrade drops both columns and keeps the row."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from bot.handoff.roster import TeamKey
    from bot.store import open_store

    await migrate(empty_url, "0004")
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO handoff_rosters (platform, workspace, channel, locale, paused,"
                    " active_since, created_at, updated_at)"
                    " VALUES ('slack', 'T1', 'C1', 'en', false, :at, :at, :at)"
                ),
                {"at": datetime.now(UTC)},
            )
    finally:
        await engine.dispose()
    assert await migrate(empty_url, "0005") == "0005"
    store = open_store(empty_url)
    try:
        async with store.unit_of_work() as uow:
            old = await uow.handoff.roster(TeamKey("slack", "T1", "C1"))
    finally:
        await store.aclose()
    assert old is not None and (old.created_by, old.ack_anyone) == ("", False)
    assert await migrate(empty_url, "0004", downgrade=True) == "0004"
    engine = create_engine(empty_url)
    try:
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("handoff_rosters")}
            )
            count = (await connection.execute(text("SELECT count(*) FROM handoff_rosters"))).one()
    finally:
        await engine.dispose()
    assert not {"created_by", "ack_anyone"} & columns and count[0] == 1
