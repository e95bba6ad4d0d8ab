"""slack_sdk's installation store port on our database (memory fake and SQLite)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.adapters.slack.installations import (
    ENCRYPTED_PREFIX,
    MemoryStateStore,
    StoreInstallations,
    TokenCipher,
)
from bot.store import MemoryStore, Store, open_store
from tests.store.databases import sqlite_copy


@pytest.fixture(params=["memory", "sqlite"])
async def any_store(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> AsyncIterator[Store]:
    store: Store = (
        MemoryStore()
        if request.param == "memory"
        else open_store(sqlite_copy(sqlite_template, tmp_path))
    )
    yield store
    await store.aclose()


def _installation(team: str, *, user: str = "U1", token: str | None = None) -> Installation:
    return Installation(
        app_id="A1",
        team_id=team,
        team_name=f"Team {team}",
        bot_token=token or f"xoxb-{team}",
        bot_id=f"B{team}",
        bot_user_id=f"U{team}BOT",
        bot_scopes=["chat:write", "commands"],
        user_id=user,
        installed_at=time.time(),
    )


async def test_saved_installations_are_found_per_workspace(any_store: Store) -> None:
    store = StoreInstallations(any_store)
    await store.async_save(_installation("T1"))
    await store.async_save(_installation("T2"))
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert (
        bot is not None
        and bot.bot_token == "xoxb-T1"
        and bot.bot_scopes
        == [
            "chat:write",
            "commands",
        ]
    )
    found = await store.async_find_installation(enterprise_id=None, team_id="T2")
    assert found is not None and found.bot_token == "xoxb-T2" and found.user_id == "U1"
    assert await store.async_find_bot(enterprise_id=None, team_id="T3") is None


async def test_a_reinstall_replaces_the_token(any_store: Store) -> None:
    store = StoreInstallations(any_store)
    await store.async_save(_installation("T1", token="xoxb-old"))
    await store.async_save(_installation("T1", token="xoxb-new"))
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-new"


async def test_uninstalling_one_workspace_leaves_the_other(any_store: Store) -> None:
    store = StoreInstallations(any_store)
    await store.async_save(_installation("T1"))
    await store.async_save(_installation("T2"))
    await store.async_delete_all(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T2") is not None


async def test_oauth_states_are_single_use_and_expire() -> None:
    states = MemoryStateStore(expiration_seconds=60)
    state = await states.async_issue()
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
    assert not await states.async_consume("never-issued")
    expired = MemoryStateStore(expiration_seconds=0)
    assert not await expired.async_consume(await expired.async_issue())


async def test_tokens_are_encrypted_at_rest_and_keys_rotate(any_store: Store) -> None:
    """With ``SOURCEWISE_SECRET_KEY`` the stored record holds no token in clear (issue 14,
    finding 7); a new key put first still reads what the old one wrote."""
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    await StoreInstallations(any_store, cipher=TokenCipher(old)).async_save(
        _installation("T1", token="xoxb-secret-1")
    )
    async with any_store.unit_of_work() as uow:
        raw = await uow.installations.find(kind="bot", enterprise_id=None, team_id="T1")
    assert raw is not None
    assert "xoxb-secret-1" not in repr(raw)
    assert str(raw["bot_token"]).startswith(ENCRYPTED_PREFIX)
    rotated = StoreInstallations(any_store, cipher=TokenCipher(f"{new},{old}"))
    bot = await rotated.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-secret-1"
    found = await rotated.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxb-secret-1"
    with pytest.raises(ValueError):
        TokenCipher("not a key")
