"""Secrets never reach the logs: ``serve`` logging JSON lines at DEBUG through a whole day's
traffic (both platforms, retries, a platform failing, a database with a password) prints
none of the bot tokens, the signing secret, the webhook secret or the database password,
in messages, tracebacks or extra fields alike."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from bot.app import serving
from bot.observability import REDACTED, configure_logging
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.replicas.harness import (
    SIGNING_SECRET,
    SLACK_TOKEN,
    WEBHOOK_SECRET,
    SlackUser,
    TelegramUser,
    replica_settings,
)

DB_PASSWORD = "db-Pa55word-never-logged"


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging() owns the root logger in production; give it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture
def url_with_password(database_url: str) -> str:
    """The database URL with a password (PostgreSQL trust auth accepts and ignores it)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return database_url
    return url.set(password=DB_PASSWORD).render_as_string(hide_password=False)


@pytest.mark.usefixtures("root_logging")
async def test_no_secret_is_ever_logged(
    url_with_password: str, telegram_api: FakeBotApi, slack_api: FakeSlackServer
) -> None:
    settings = replica_settings(url_with_password, telegram_api, slack_api, log_level="DEBUG")
    stream = io.StringIO()
    configure_logging(settings, stream=stream)
    tg = TelegramUser(telegram_api, 9501)
    sl = SlackUser(slack_api, user="U9501")
    try:
        async with serving(settings, host="127.0.0.1", port=0) as s:
            telegram_api.fail("sendMessage", 500, "Internal Server Error", times=1)
            await tg.say(s.url, "/start")
            await tg.say(s.url, "customer service")
            slack_api.rate_limit("chat.postMessage", times=1, retry_after=1)
            await sl.say(s.url, "hi")
            await sl.say(s.url, "customer service")
            slack_api.fail("chat.postMessage", "invalid_auth")
            await sl.say(s.url, "US")  # fails: a traceback is logged, the user is told
            assert s.telegram is not None
            logging.getLogger("probe").info("bot repr: %r", s.telegram.bot)
    finally:
        await sl.aclose()

    output = stream.getvalue()
    lines = [line for line in output.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # one JSON object per line, all of them
    assert len(records) > 50  # DEBUG really was on
    secrets = {
        "telegram token": telegram_api.token,
        "telegram token (no id)": telegram_api.token.split(":", 1)[1],
        "webhook secret": WEBHOOK_SECRET,
        "slack token": SLACK_TOKEN,
        "signing secret": SIGNING_SECRET,
        "database password": DB_PASSWORD,
    }
    for name, secret in secrets.items():
        assert secret not in output, f"the {name} was logged"
    assert REDACTED in output  # the token-bearing request URLs were there, redacted
    assert any(r.get("exc") for r in records)  # and tracebacks went through the filter too
