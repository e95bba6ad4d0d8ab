"""Slack OAuth installations kept in the project's own database.

:class:`StoreInstallations` is slack_sdk's ``AsyncInstallationStore`` on top of the store's
``slack_installations`` table (``bot.store`` ``InstallationStore`` port), so bolt's OAuth flow
saves each workspace's bot token there and bolt's authorization finds it for every request
from that workspace. Records are saved as ``vars(installation)``, the same JSON shape as
slack_sdk's own ``FileInstallationStore``, and rebuilt with ``Installation(**data)``.

:class:`MemoryStateStore` issues and consumes the OAuth ``state`` values (the CSRF guard of
the install redirect). It lives in the process: an install started on one replica must
finish on the same one, which holds for a single ``sourcewise slack`` process.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.store.base import Store

__all__ = ["ENCRYPTED_PREFIX", "MemoryStateStore", "StoreInstallations", "TokenCipher"]

#: How an encrypted value starts in ``slack_installations.data``.
ENCRYPTED_PREFIX = "fernet:"


def _is_secret(name: str) -> bool:
    """The fields of slack_sdk's records that grant access: tokens and the webhook URL."""
    return name.endswith(("_token", "_secret")) or name == "incoming_webhook_url"


class TokenCipher:
    """Encrypts the secret fields of installation records at rest (``cryptography``'s
    Fernet: AES-128-CBC with HMAC-SHA256, authenticated, with a timestamp).

    ``keys`` are ``SOURCEWISE_SECRET_KEY`` split on commas, newest first: new values are
    encrypted with the first, values encrypted with any of them are read (``MultiFernet``),
    which is how a key is rotated. Values stored before encryption was turned on are read
    as they are and encrypted the next time the record is saved. Raises ``ValueError`` for
    a key that is not a Fernet key (32 url-safe base64-encoded bytes).
    """

    def __init__(self, keys: str) -> None:
        from cryptography.fernet import Fernet, MultiFernet

        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("no key")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])

    def seal(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            name: (
                ENCRYPTED_PREFIX + self._fernet.encrypt(value.encode()).decode()
                if _is_secret(name) and isinstance(value, str) and value
                else value
            )
            for name, value in record.items()
        }

    def open(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record with its secret fields decrypted. Raises ``cryptography.fernet
        .InvalidToken`` when no configured key decrypts a value (a key was dropped)."""
        return {
            name: (
                self._fernet.decrypt(value.removeprefix(ENCRYPTED_PREFIX).encode()).decode()
                if isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX)
                else value
            )
            for name, value in record.items()
        }


def _record(obj: Installation | Bot) -> dict[str, Any]:
    return {name: value for name, value in vars(obj).items() if not name.startswith("_")}


class StoreInstallations(AsyncInstallationStore):
    """slack_sdk's installation store port, backed by :class:`bot.store.base.Store`."""

    def __init__(
        self,
        store: Store,
        *,
        logger: logging.Logger | None = None,
        cipher: TokenCipher | None = None,
    ) -> None:
        self._store = store
        self._logger = logger or logging.getLogger(__name__)
        self._cipher = cipher

    def _seal(self, record: dict[str, Any]) -> dict[str, Any]:
        return self._cipher.seal(record) if self._cipher is not None else record

    def _open(self, record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is None or self._cipher is None:
            return record
        return self._cipher.open(record)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_save(self, installation: Installation) -> None:
        async with self._store.unit_of_work() as uow:
            await uow.installations.save(
                kind="installation",
                enterprise_id=installation.enterprise_id,
                team_id=installation.team_id,
                user_id=installation.user_id,
                is_enterprise_install=bool(installation.is_enterprise_install),
                data=self._seal(_record(installation)),
            )
            if installation.bot_token:
                bot = installation.to_bot()
                await uow.installations.save(
                    kind="bot",
                    enterprise_id=bot.enterprise_id,
                    team_id=bot.team_id,
                    user_id=None,
                    is_enterprise_install=bool(bot.is_enterprise_install),
                    data=self._seal(_record(bot)),
                )
            await uow.commit()

    async def async_save_bot(self, bot: Bot) -> None:
        if not bot.bot_token:
            return
        async with self._store.unit_of_work() as uow:
            await uow.installations.save(
                kind="bot",
                enterprise_id=bot.enterprise_id,
                team_id=bot.team_id,
                user_id=None,
                is_enterprise_install=bool(bot.is_enterprise_install),
                data=self._seal(_record(bot)),
            )
            await uow.commit()

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        async with self._store.unit_of_work() as uow:
            data = await uow.installations.find(
                kind="bot",
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=bool(is_enterprise_install),
            )
        data = self._open(data)
        return Bot(**data) if data is not None else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        async with self._store.unit_of_work() as uow:
            data = await uow.installations.find(
                kind="installation",
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=bool(is_enterprise_install),
            )
            bot = None
            if data is not None and user_id is not None and not data.get("bot_token"):
                # A user's own grant carries no bot token: take the workspace's bot.
                bot = await uow.installations.find(
                    kind="bot",
                    enterprise_id=enterprise_id,
                    team_id=team_id,
                    is_enterprise_install=bool(is_enterprise_install),
                )
        data, bot = self._open(data), self._open(bot)
        if data is None:
            return None
        if bot is not None:
            for name in ("bot_token", "bot_id", "bot_user_id", "bot_scopes"):
                data[name] = bot.get(name)
        return Installation(**data)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self._store.unit_of_work() as uow:
            await uow.installations.delete(kind="bot", enterprise_id=enterprise_id, team_id=team_id)
            await uow.commit()

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        async with self._store.unit_of_work() as uow:
            await uow.installations.delete(
                kind="installation", enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
            )
            await uow.commit()


class MemoryStateStore(AsyncOAuthStateStore):
    """OAuth ``state`` values: random, single use, expiring after ``expiration_seconds``."""

    def __init__(self, *, expiration_seconds: int = 600, logger: logging.Logger | None = None):
        self._expiration = expiration_seconds
        self._issued: dict[str, float] = {}
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        now = time.monotonic()
        self._issued = {s: t for s, t in self._issued.items() if t > now}
        state = secrets.token_urlsafe(24)
        self._issued[state] = now + self._expiration
        return state

    async def async_consume(self, state: str) -> bool:
        expires = self._issued.pop(state, None)
        return expires is not None and expires > time.monotonic()
