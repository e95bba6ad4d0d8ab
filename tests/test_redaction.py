"""One redactor for every logger: each secret form is removed wherever it is logged.

Three places attach the redactor: the JSON log handler (``configure_logging``), the Slack
adapter's logger (and the SQL-parameter loggers), and the Telegram adapter's token filter on
the HTTP libraries' loggers. Each is exercised with every secret form, in the message and in
a traceback, through a real ``logging`` record.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from bot.adapters.slack.logs import slack_logger
from bot.adapters.telegram.logs import install_token_filter
from bot.config import Settings
from bot.observability import configure_logging
from bot.redaction import REDACTED, RedactingFilter, Redactor, attach

TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"

#: (what, the logged text, the secret that must not survive)
FORMS: list[tuple[str, str, str]] = [
    ("telegram token", f"GET https://api.telegram.org/bot{TELEGRAM_TOKEN}/getMe", "AAHdqTcv"),
    ("slack bot token", "auth with xoxb-1111-2222-abcdefABCDEF", "xoxb-1111"),
    ("slack app token", "socket xapp-1-A111-222-abcdef", "xapp-1"),
    ("slack user token", "user xoxp-9-8-7-fedcba", "xoxp-9"),
    ("signing secret field", f"signing_secret={SIGNING_SECRET}", SIGNING_SECRET),
    ("client secret json", '{"client_secret": "c-l-i-e-n-t", "ok": true}', "c-l-i-e-n-t"),
    ("password field", "connect password=hunter2 host=db", "hunter2"),
    ("dsn password", "postgresql+asyncpg://app:pa55w0rd@db:5432/sw", "pa55w0rd"),
    ("bearer", "Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
]


class _Collect(logging.Handler):
    """Keeps what a handler would write: the message and the traceback text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _remove_everywhere(chosen: logging.Filter) -> None:
    root = logging.getLogger()
    loggers = [root, *logging.Logger.manager.loggerDict.values()]
    for target in [*root.handlers, *loggers]:
        if isinstance(target, logging.Filterer) and chosen in target.filters:
            target.removeFilter(chosen)


Emit = Callable[[str], str]


def _through(logger: logging.Logger) -> Emit:
    """Log ``text`` on ``logger`` (message and traceback); what its own handler wrote."""

    def emit(text: str) -> str:
        collect = _Collect()
        logger.addHandler(collect)
        logger.setLevel(logging.DEBUG)
        try:
            logger.debug("seen: %s", text)
            try:
                raise RuntimeError(text)
            except RuntimeError:
                logger.exception("failed")
        finally:
            logger.removeHandler(collect)
        return "\n".join(collect.lines)

    return emit


@pytest.fixture
def json_handler() -> Iterator[Emit]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(Settings(database_url="memory://", log_level="DEBUG"), stream=stream)

    def emit(text: str) -> str:
        start = stream.tell()
        log = logging.getLogger("bot.probe.redaction")
        log.debug("seen: %s", text)
        try:
            raise RuntimeError(text)
        except RuntimeError:
            log.exception("failed")
        stream.seek(start)
        lines = [json.loads(line) for line in stream.read().splitlines()]
        return "\n".join(f"{line['message']}\n{line.get('exc', '')}" for line in lines)

    yield emit
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture
def slack() -> Iterator[Emit]:
    logger = slack_logger([SIGNING_SECRET], name="tests.redaction.slack")
    yield _through(logger)
    for target in (
        logger,
        logging.getLogger("aiosqlite"),
        logging.getLogger("sqlalchemy.engine.Engine"),
    ):
        for found in [f for f in target.filters if isinstance(f, RedactingFilter)]:
            target.removeFilter(found)


@pytest.fixture
def slack_sql() -> Iterator[Emit]:
    logger = slack_logger([SIGNING_SECRET], name="tests.redaction.slack_sql")
    yield _through(logging.getLogger("aiosqlite"))
    for target in (
        logger,
        logging.getLogger("aiosqlite"),
        logging.getLogger("sqlalchemy.engine.Engine"),
    ):
        for found in [f for f in target.filters if isinstance(f, RedactingFilter)]:
            target.removeFilter(found)


@pytest.fixture
def telegram() -> Iterator[Emit]:
    chosen = install_token_filter(TELEGRAM_TOKEN)
    yield _through(logging.getLogger("httpx"))
    _remove_everywhere(chosen)


@pytest.mark.parametrize("where", ["json_handler", "slack", "slack_sql", "telegram"])
@pytest.mark.parametrize(("what", "text", "secret"), FORMS, ids=[f[0] for f in FORMS])
def test_every_secret_form_is_redacted_in_every_logger(
    where: str, what: str, text: str, secret: str, request: pytest.FixtureRequest
) -> None:
    emit: Emit = request.getfixturevalue(where)
    written = emit(text)
    assert "seen: " in written and "RuntimeError" in written, what  # the record survived
    assert secret not in written, f"{what} leaked through {where}"
    assert written.count(REDACTED) >= 2  # message and traceback


def test_known_values_are_removed_where_they_are_known(slack: Emit) -> None:
    written = slack(f"verifying with {SIGNING_SECRET}")
    assert SIGNING_SECRET not in written and "verifying with " in written


def test_the_rest_of_a_message_is_kept() -> None:
    redact = Redactor()
    assert redact("code=x ok=1 plain words") == "code=x ok=1 plain words"
    assert redact("password=hunter2&next=1") == f"password={REDACTED}&next=1"


def test_attach_never_stacks_the_same_filter_and_replaces_on_request() -> None:
    logger = logging.getLogger("tests.redaction.attach")
    attach(["a"], [logger])
    attach(["a"], [logger])
    assert sum(isinstance(f, RedactingFilter) for f in logger.filters) == 1
    attach(["b"], [logger], replace=True)
    (only,) = logger.filters
    assert isinstance(only, RedactingFilter) and only.redactor.secrets == ("b",)
    logger.removeFilter(only)
