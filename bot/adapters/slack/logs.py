"""Keep Slack secrets out of the logs, whatever level the operator turns on.

slack_sdk logs every Web API call at DEBUG: it redacts the ``Authorization`` header but
prints form fields (``client_secret`` of ``oauth.v2.access``) and response bodies (the
``access_token`` a new installation receives). bolt copies the filters of the logger it is
given to each of its own loggers, and slack_sdk's client logs through the logger it is given,
so one filter on the adapter's logger covers both.

The filter removes (a) the exact secrets it was built with (bot token, signing secret, client
secret, app token) and (b) anything shaped like a Slack token or a ``*_secret``/``*token``
field, so tokens of workspaces installed later through OAuth are caught too.

The database drivers are the other leak: at DEBUG, ``aiosqlite`` logs every statement with
its parameters, and SQLAlchemy's engine echo does too, and the installations table holds bot
tokens. Those loggers (:data:`PARAMETER_LOGGERS`) get the same filter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

__all__ = ["PARAMETER_LOGGERS", "REDACTED", "SecretFilter", "redact", "slack_logger"]

REDACTED = "[redacted]"

#: Third-party loggers that print SQL parameters (which include installation tokens).
PARAMETER_LOGGERS: tuple[str, ...] = ("aiosqlite", "sqlalchemy.engine.Engine")

#: Slack token prefixes: bot, user, app-level, refresh, config and legacy workspace tokens.
_TOKEN = re.compile(r"\bx(?:ox[abpersc]|app)-[A-Za-z0-9-]+")
#: ``'client_secret': 'abc'``, ``client_secret=abc``, ``"access_token": "..."``.
_FIELD = re.compile(
    r"""(?P<name>["']?\w*(?:secret|token)["']?\s*[:=]\s*)(?P<quote>["']?)[^"'\s,&}]+(?P=quote)""",
    re.IGNORECASE,
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _TOKEN.sub(REDACTED, text)
    return _FIELD.sub(
        lambda m: f"{m.group('name')}{m.group('quote')}{REDACTED}{m.group('quote')}", text
    )


class SecretFilter(logging.Filter):
    """Rewrites each record's message with the secrets removed (never drops a record)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self._secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from exc_info; format them now, redacted.
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info), self._secrets
            )
            record.exc_info = None
        return True


def _guard(logger: logging.Logger, secrets: Iterable[str]) -> None:
    for existing in list(logger.filters):
        if isinstance(existing, SecretFilter):
            logger.removeFilter(existing)
    logger.addFilter(SecretFilter(secrets))


def slack_logger(secrets: Iterable[str], name: str = "bot.adapters.slack") -> logging.Logger:
    """The adapter's logger with a :class:`SecretFilter` for ``secrets`` attached (once),
    the same filter on :data:`PARAMETER_LOGGERS`."""
    secrets = tuple(secrets)
    logger = logging.getLogger(name)
    _guard(logger, secrets)
    for other in PARAMETER_LOGGERS:
        _guard(logging.getLogger(other), secrets)
    return logger
