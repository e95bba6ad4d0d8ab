"""Metrics on a registry of their own, and logs that are JSON and free of secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.core.events import Start, Text
from bot.core.ports import ConversationKey
from bot.handoff.roster import Region, TeamKey
from bot.handoff.transactions import Handoffs
from bot.observability import (
    REDACTED,
    InstrumentedConversations,
    JsonFormatter,
    MeteredHandoffRunner,
    Metrics,
    RedactingFilter,
    Redactor,
    configure_logging,
    secrets_of,
)
from bot.service import ConversationService
from bot.store import MemoryStore
from tests.handoff.conftest import FakeClock, FakeNotifier
from tests.store.databases import migrated_sqlite_template

KEY = ConversationKey("slack", "T1", "U1")


async def test_turns_latency_and_duplicates_are_counted_per_platform() -> None:
    metrics = Metrics()
    service = InstrumentedConversations(ConversationService(MemoryStore()), metrics)
    await service.handle(KEY, Start("en"), dedupe_id="e1")
    await service.handle(KEY, Start("en"), dedupe_id="e1")  # a redelivery
    await service.handle(ConversationKey("telegram", "1", "1"), Text("hi"))
    slack = {"platform": "slack"}
    assert metrics.value("sourcewise_turns_total", slack) == 2
    assert metrics.value("sourcewise_duplicates_total", slack) == 1
    assert metrics.value("sourcewise_turn_seconds_count", slack) == 2
    assert metrics.value("sourcewise_turns_total", {"platform": "telegram"}) == 1
    assert metrics.value("sourcewise_turn_seconds_sum", slack) > 0
    text = metrics.render().decode()
    assert 'sourcewise_turns_total{platform="slack"} 2.0' in text
    assert "# TYPE sourcewise_turn_seconds histogram" in text


def test_each_metrics_object_counts_only_its_own() -> None:
    first, second = Metrics(), Metrics()  # no clash on names: separate registries
    first.reminders_sent.inc()
    assert first.value("sourcewise_reminders_sent_total") == 1
    assert second.value("sourcewise_reminders_sent_total") == 0


async def test_the_metered_runner_counts_sent_and_late_reminders(tmp_path: Path) -> None:
    template = migrated_sqlite_template(tmp_path)
    store = Handoffs.from_url(f"sqlite+aiosqlite:///{template}")
    team = TeamKey("slack", "T1", "C1")
    weekdays = frozenset(range(5))
    setup = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    try:
        for region in (
            Region("EMEA", "Europe/Warsaw", 480, 1020, weekdays, "@anna"),
            Region("AMER", "America/New_York", 480, 1020, weekdays, "@ben"),
        ):
            await store.add_region(team, region, locale="en", actor="@a", now=setup)
        # EMEA hands over at 15:00 UTC; due 14:45; ten minutes after that it is late.
        clock = FakeClock(datetime(2026, 3, 30, 14, 55, tzinfo=UTC))
        metrics = Metrics()
        runner = MeteredHandoffRunner(
            store, FakeNotifier(clock), clock=clock, worker="w", metrics=metrics
        )
        report = await runner.tick()
        assert len(report.late) == 1
        assert metrics.value("sourcewise_reminders_sent_total") == 1
        assert metrics.value("sourcewise_reminders_late_total") == 1
        clock.advance(minutes=1)
        await runner.tick()  # nothing new
        assert metrics.value("sourcewise_reminders_sent_total") == 1
    finally:
        await store.aclose()


TELEGRAM_TOKEN = "123456789:AAHk2lXq_3nV0-abcdefghijklmnopqrstuv"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"POST https://api.telegram.org/bot{TELEGRAM_TOKEN}/sendMessage", "/sendMessage"),
        ("token xoxb-1111-2222-abcdefABCDEF and xapp-1-A111-222-abc", "token "),
        ("postgresql+asyncpg://sourcewise:hunter2@db:5432/app", "sourcewise:"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer "),
        ("{'client_secret': 'abc123', 'x': 1}", "'x': 1"),
        ("secret_token=s3cr3t&next=1", "&next=1"),
    ],
)
def test_secret_shapes_are_removed_and_the_rest_kept(text: str, kept: str) -> None:
    cleaned = Redactor()(text)
    assert REDACTED in cleaned and kept in cleaned
    for secret in (TELEGRAM_TOKEN, "xoxb-1111", "xapp-1", "hunter2", "abc.def", "abc123", "s3cr3t"):
        assert secret not in cleaned


def test_configured_values_are_removed_even_when_percent_encoded() -> None:
    redact = Redactor(["plain value/with+chars", "short"])
    assert redact("a plain value/with+chars b") == f"a {REDACTED} b"
    assert redact("q=plain%20value%2Fwith%2Bchars") == f"q={REDACTED}"
    assert redact("not a secret") == "not a secret"


def test_secrets_of_settings_are_every_secret_str_and_the_database_password() -> None:
    settings = Settings(
        database_url="postgresql+asyncpg://app:pw-123@db/app",
        telegram_bot_token=SecretStr("t-1"),
        slack_signing_secret=SecretStr("s-2"),
        slack_client_secret=SecretStr("c-3"),
    )
    assert set(secrets_of(settings)) == {"pw-123", "t-1", "s-2", "c-3"}


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.usefixtures("root_logging")
def test_logs_are_one_redacted_json_object_per_line() -> None:
    stream = io.StringIO()
    settings = Settings(database_url="memory://", slack_bot_token=SecretStr("xoxb-secret-1"))
    configure_logging(settings, stream=stream)
    log = logging.getLogger("bot.probe")
    log.info("sending with %s", "xoxb-secret-1", extra={"platform": "slack", "attempt": 2})
    try:
        raise RuntimeError("token=abc failed for xoxb-secret-1")
    except RuntimeError:
        log.exception("boom")
    log.debug("below the level")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == f"sending with {REDACTED}"
    assert first["level"] == "INFO" and first["logger"] == "bot.probe"
    assert first["platform"] == "slack" and first["attempt"] == 2
    assert datetime.fromisoformat(first["ts"]).tzinfo is not None
    assert "RuntimeError" in second["exc"] and "xoxb-secret-1" not in second["exc"]
    assert "abc" not in second["exc"]


def test_the_filter_redacts_records_for_any_formatter() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "url %s", ("https://u:pw@h/",), None
    )
    assert RedactingFilter(Redactor()).filter(record)
    assert record.getMessage() == f"url https://u:{REDACTED}@h/"
    formatted = JsonFormatter().format(record)
    assert json.loads(formatted)["message"] == f"url https://u:{REDACTED}@h/"


def test_late_after_is_shorter_than_the_test_clock_gap() -> None:
    # Guards the runner test above: 14:55 is more than late_after past the 14:45 due time.
    from bot.handoff.runner import Timing

    assert Timing().late_after < timedelta(minutes=10)
