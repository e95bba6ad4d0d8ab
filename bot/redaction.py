"""One way to keep secrets out of logs: a :class:`Redactor` and the :class:`RedactingFilter`
every logger that may see one carries.

Secrets reach logs from many sides: the Bot API puts the Telegram token in every request
URL (httpx logs it at INFO), slack_sdk logs form fields and response bodies at DEBUG
(``client_secret``, a new installation's ``access_token``), the database drivers log SQL
parameters (the installations table holds bot tokens), a DSN carries its password, and a
traceback may quote any of them. So there is one redactor with the union of every pattern,
used by the JSON log handler (``bot.observability.configure_logging``) and by the Slack and
Telegram adapters' own filters alike; a pattern added here protects every logger at once.

What it removes: the known secret values it was built with (verbatim and percent-encoded,
longest first), and anything shaped like a secret — Telegram bot tokens (``123456:AA…``),
Slack ``xoxb-``/``xoxp-``/``xoxa-``/``xoxe-``/``xoxr-``/``xoxs-``/``xoxc-``/``xapp-`` tokens, URL
passwords (``scheme://user:password@host``), ``Bearer`` values, and ``*secret``/``*token``/
``*password`` fields written ``name=value``, ``name: value`` or as JSON.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

__all__ = ["REDACTED", "RedactingFilter", "Redactor", "attach"]

REDACTED = "[redacted]"

#: Telegram bot tokens (``123456:AA…``), also inside ``/bot<token>/`` request URLs.
_TELEGRAM_TOKEN = re.compile(r"(?<![0-9])[0-9]{5,12}:[A-Za-z0-9_-]{30,}")
#: Slack bot, user, app-level, refresh, config and legacy workspace tokens.
_SLACK_TOKEN = re.compile(r"\bx(?:ox[abpersc]|app)-[A-Za-z0-9-]+")
#: ``scheme://user:password@host``: the password goes, the user stays.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@/\s]+@")
#: ``Authorization: Bearer abc`` and ``Bearer abc``.
_BEARER = re.compile(r"(?P<head>\bBearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
#: ``'client_secret': 'abc'``, ``secret_token=abc``, ``"access_token": "…"``, ``password=…``.
_FIELD = re.compile(
    r"""(?P<name>["']?\w*(?:secret|token|password)["']?\s*[:=]\s*)"""
    r"""(?P<quote>["']?)[^"'\s,&}]+(?P=quote)""",
    re.IGNORECASE,
)


class Redactor:
    """Removes known secret values and secret-shaped strings from text.

    Known values are matched verbatim and percent-encoded (a token in a URL), longest first
    so a secret containing another is removed whole.
    """

    __slots__ = ("_secrets",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms = {form for s in secrets if s for form in (s, quote(s, safe=""))}
        self._secrets = tuple(sorted(forms, key=len, reverse=True))

    @property
    def secrets(self) -> tuple[str, ...]:
        return self._secrets

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _TELEGRAM_TOKEN.sub(REDACTED, text)
        text = _SLACK_TOKEN.sub(REDACTED, text)
        text = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{REDACTED}@", text)
        text = _BEARER.sub(lambda m: f"{m.group('head')}{REDACTED}", text)
        return _FIELD.sub(
            lambda m: f"{m.group('name')}{m.group('quote')}{REDACTED}{m.group('quote')}", text
        )


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, traceback and stack with secrets removed; never drops
    a record. On a handler it sees every record that reaches the handler; on a logger only
    the records created on that very logger (not its children's)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # malformed arguments: keep the template only
            message = str(record.msg)
        cleaned = self.redactor(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from exc_info; format them now, redacted.
            record.exc_text = self.redactor(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True


def attach(
    secrets: Iterable[str], targets: Sequence[logging.Filterer], *, replace: bool = False
) -> RedactingFilter:
    """Put one :class:`RedactingFilter` for ``secrets`` on each of ``targets`` (loggers or
    handlers). A target that already redacts exactly these secrets gets no second filter;
    with ``replace``, a target's other redacting filters are removed first (a reconfigured
    adapter, whose secrets changed)."""
    chosen = RedactingFilter(Redactor(secrets))
    for target in targets:
        present = [f for f in target.filters if isinstance(f, RedactingFilter)]
        if replace:
            for old in present:
                target.removeFilter(old)
            present = []
        if not any(f.redactor.secrets == chosen.redactor.secrets for f in present):
            target.addFilter(chosen)
    return chosen
