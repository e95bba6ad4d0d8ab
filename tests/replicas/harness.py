"""Replicas of ``sourcewise serve`` and the users that talk to them, for the deployment tests.

A replica is :func:`bot.app.serving` (in-process: the real wiring, PTB and
slack-bolt included) or ``python -m bot.cli serve`` (a real process, for ``kill -9``). Users
talk to a replica the way the platforms do: Telegram POSTs the update to the webhook with
its secret header, Slack POSTs the signed event; the bot's answers are read back from the
fake platform servers. Fixtures here are imported by the conftests of ``tests/replicas``,
``tests/faults`` and ``tests/security``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import Serving, serving
from bot.config import Settings
from bot.core.ports import ConversationKey
from bot.store import Snapshot, open_store
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import signature
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.store.databases import migrated_sqlite_template, pg_database, sqlite_copy

ROOT = Path(__file__).resolve().parents[2]

_UPDATE_IDS = itertools.count(500_000)

SLACK_TOKEN = "xoxb-4242-5151-replicabottoken"
SIGNING_SECRET = "replica-signing-secret-0123456789"
WEBHOOK_SECRET = "replica-webhook-secret_0123"
#: What Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` (the secret itself).
SECRET_HEADER_VALUE = WEBHOOK_SECRET
#: The public URL Telegram would post to (the load balancer); tests post to replicas directly.
PUBLIC_WEBHOOK = "https://bot.example.invalid/telegram/webhook"
WEBHOOK_PATH = "/telegram/webhook"

#: Typed answers from the greeting to the summary (every question answered once).
SCRIPT: tuple[str, ...] = (
    "customer service",
    "US",
    "phone, chat",
    "team",
    "8",
    "English",
    "business hours",  # then the time zone is asked (it is not for 24/7)
    "skip",
    "skip",
    "skip",
    "skip",
)
#: What the conversation holds after :data:`SCRIPT` (a subset of the answers).
EXPECTED_ANSWERS: dict[str, Any] = {
    "kind": "customer_service",
    "region": "US",
    "channels": ["phone", "chat"],
    "sizing": "team",
    "team_size": 8,
    "languages": ["en"],
    "hours": "business",
}


# --- settings and fixtures -------------------------------------------------------------------


def replica_settings(
    database_url: str,
    telegram: FakeBotApi | None = None,
    slack: FakeSlackServer | None = None,
    **extra: Any,
) -> Settings:
    # One worker process per replica keeps the suite's CPU in check on two cores; the pool's
    # size is measured in bench/, not here.
    values: dict[str, Any] = {"database_url": database_url, "workers": 1, **extra}
    if telegram is not None:
        values |= {
            "telegram_bot_token": telegram.token,
            "telegram_api_url": telegram.url,
            "telegram_webhook_url": PUBLIC_WEBHOOK,
            "telegram_webhook_secret": WEBHOOK_SECRET,
        }
    if slack is not None:
        values |= {
            "slack_bot_token": SLACK_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": slack.api_url,
        }
    return Settings(**values)


def replica_env(settings: Settings) -> dict[str, str]:
    """The environment a ``sourcewise serve`` process needs to run with ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCEWISE_", "SLACK_"))}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env |= {"SOURCEWISE_DATABASE_URL": settings.database_url, "PTB_TIMEDELTA": "true"}
    pairs = {
        "TELEGRAM_BOT_TOKEN": settings.telegram_bot_token,
        "SOURCEWISE_TELEGRAM_API_URL": settings.telegram_api_url,
        "SOURCEWISE_TELEGRAM_WEBHOOK_URL": settings.telegram_webhook_url,
        "SOURCEWISE_TELEGRAM_WEBHOOK_SECRET": settings.telegram_webhook_secret,
        "SLACK_BOT_TOKEN": settings.slack_bot_token,
        "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SOURCEWISE_SLACK_API_URL": settings.slack_api_url,
        "SOURCEWISE_SLACK_INBOX_LEASE_SECONDS": settings.slack_inbox_lease_seconds,
        "SOURCEWISE_SLACK_INBOX_INTERVAL_SECONDS": settings.slack_inbox_interval_seconds,
    }
    for name, value in pairs.items():
        if value is not None:
            getter = getattr(value, "get_secret_value", None)
            env[name] = str(getter() if callable(getter) else value)
    return env


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB warns when it builds RetryAfter unless opted in to timedeltas (serve opts in)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackServer]:
    async with FakeSlackServer() as server:
        server.add_workspace("T1", bot_token=SLACK_TOKEN)
        yield server


@pytest.fixture(scope="session")
def replica_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("replica-template"))


@pytest.fixture
def sqlite_url(replica_sqlite_template: Path, tmp_path: Path) -> str:
    return sqlite_copy(replica_sqlite_template, tmp_path)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test (skips outside CI if none)."""
    yield from pg_database(migrated=True)


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty database on each back end replicas share."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@contextlib.asynccontextmanager
async def replicas(
    settings: Settings, count: int = 2, **options: Any
) -> AsyncIterator[list[Serving]]:
    """``count`` in-process replicas of ``serve`` on ``settings`` (one database), each with
    its own app, engine, PTB Application and bolt app, on its own port."""
    options.setdefault("housekeeping_interval", None)
    async with contextlib.AsyncExitStack() as stack:
        started = [
            await stack.enter_async_context(serving(settings, host="127.0.0.1", port=0, **options))
            for _ in range(count)
        ]
        yield started


async def load(database_url: str, key: ConversationKey) -> Snapshot:
    store = open_store(database_url)
    try:
        async with store.unit_of_work() as uow:
            return await uow.conversations.load(key)
    finally:
        await store.aclose()


# --- users -----------------------------------------------------------------------------------


class TelegramUser:
    """A private chat with the bot; each message goes to the replica named per call."""

    def __init__(self, api: FakeBotApi, user_id: int, *, language: str = "en") -> None:
        self.api = api
        self.user_id = user_id
        self.language = language
        self.key = ConversationKey("telegram", str(user_id), str(user_id))

    def update(self, text: str) -> dict[str, Any]:
        """A new update carrying ``text``, with its own ``update_id`` (delivering the same
        dict twice is a redelivery of one update)."""
        message = self.api.user_message(text, user_id=self.user_id, language_code=self.language)
        return {"update_id": next(_UPDATE_IDS), **message}

    def texts(self) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.api.sent(self.user_id)]

    async def deliver(self, replica: str, update: dict[str, Any]) -> int:
        return await self.api.deliver_webhook(update, url=f"{replica}{WEBHOOK_PATH}")

    async def say(
        self, replica: str, text: str, *, settle: float = 0.15, within: float = 20.0
    ) -> list[str]:
        """Send ``text`` through ``replica``; returns the texts of the bot's new messages."""
        return await self.send(replica, self.update(text), settle=settle, within=within)

    async def send(
        self, replica: str, update: dict[str, Any], *, settle: float = 0.15, within: float = 20.0
    ) -> list[str]:
        before = len(self.api.sent(self.user_id))
        assert await self.deliver(replica, update) == 200
        async with asyncio.timeout(within):
            while len(self.api.sent(self.user_id)) <= before:
                total = len(self.api.calls_of("sendMessage"))
                await self.api.wait_for("sendMessage", total + 1, within=within)
        await self.api.settle(settle, within=within)
        return self.texts()[before:]


class SlackUser:
    """A DM with the bot in workspace ``team``; each event goes to the replica named. The
    DM's channel id is ``D<user>``, as the fake's ``conversations.open`` answers."""

    def __init__(self, api: FakeSlackServer, *, team: str = "T1", user: str = "U1") -> None:
        self.api = api
        self.team, self.user, self.channel = team, user, f"D{user}"
        self.key = ConversationKey("slack", team, user)
        self._session: aiohttp.ClientSession | None = None

    def event(self, text: str) -> dict[str, Any]:
        return payloads.message_event(text, team=self.team, user=self.user, channel=self.channel)

    def texts(self) -> list[str]:
        return [
            str(c.params.get("text", ""))
            for c in self.api.calls_of("chat.postMessage")
            if c.params.get("channel") == self.channel
        ]

    async def post(
        self, replica: str, body: str, *, headers: Mapping[str, str] | None = None
    ) -> int:
        """POST a signed body (an event, JSON) to ``replica``'s ``/slack/events``."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        timestamp = str(int(time.time()))
        sent = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature(SIGNING_SECRET, timestamp, body),
            **(headers or {}),
        }
        async with self._session.post(f"{replica}/slack/events", data=body, headers=sent) as r:
            await r.read()
            return r.status

    async def deliver(self, replica: str, event: Mapping[str, Any], **kwargs: Any) -> int:
        return await self.post(replica, json.dumps(event), **kwargs)

    async def say(
        self, replica: str, text: str, *, settle: float = 0.15, within: float = 20.0
    ) -> list[str]:
        return await self.send(replica, self.event(text), settle=settle, within=within)

    async def send(
        self,
        replica: str,
        event: Mapping[str, Any],
        *,
        settle: float = 0.15,
        within: float = 20.0,
    ) -> list[str]:
        before = len(self.texts())
        assert await self.deliver(replica, event) == 200
        async with asyncio.timeout(within):
            while len(self.texts()) <= before:
                total = len(self.api.calls_of("chat.postMessage"))
                await self.api.wait_for("chat.postMessage", total + 1, within=within)
        await self.api.settle(settle, within=within)
        return self.texts()[before:]

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


# --- replica processes -----------------------------------------------------------------------


class ReplicaProcess:
    """``python -m bot.cli serve`` in a process of its own (stdout: its listening line)."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self._log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT,
            env=replica_env(settings),
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
        )
        self.url = ""

    async def started(self, within: float = 90.0) -> str:
        """Wait for the listening line; returns the replica's URL."""
        assert self.process.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(self.process.stdout.readline), within)
        if "listening on " not in line:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"replica did not start: {line!r}\n{self.log()}")
        self.url = line.rsplit("listening on ", 1)[1].strip()
        return self.url

    def log(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self._log.read_text(encoding="utf-8", errors="replace")

    def kill9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait: the graceful shutdown path."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log_file.close()
        return self.process.returncode
