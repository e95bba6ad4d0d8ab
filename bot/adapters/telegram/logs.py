"""Keep the bot token out of the logs, whatever level the operator turns on.

The Bot API puts the token in every request URL (``/bot<token>/sendMessage``): httpx logs
each request URL at INFO, PTB logs its base URL at DEBUG, ``repr(Bot)`` shows the token and
``InvalidToken`` quotes it. A filter on a logger only sees records created on that very
logger (not its children's), so :func:`install_token_filter` attaches one
:class:`TokenFilter` to every logger of the libraries that may print it, to the root logger,
and to the root logger's handlers (which see every record that propagates).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

__all__ = ["LOGGER_PREFIXES", "REDACTED", "TokenFilter", "install_token_filter", "redact"]

REDACTED = "[redacted]"

#: Loggers whose records may contain a request URL or a bot repr.
LOGGER_PREFIXES: tuple[str, ...] = ("telegram", "httpx", "httpcore", "aiohttp", "asyncio", "bot")


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class TokenFilter(logging.Filter):
    """Rewrites a record's message and traceback with the secrets removed; never drops it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = {form for s in secrets if s for form in (s, quote(s, safe=""))}
        self.secrets = tuple(sorted(forms, key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the handler
            return True
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from exc_info; format them now, redacted.
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info), self.secrets
            )
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install_token_filter(token: str) -> TokenFilter:
    """Attach a :class:`TokenFilter` for ``token`` where records carrying it can pass
    (idempotent: a logger that already redacts this token gets no second filter)."""
    token_filter = TokenFilter([token])
    root = logging.getLogger()
    targets: list[logging.Filterer] = [root, *root.handlers]
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in LOGGER_PREFIXES:
            targets.append(logger)
    targets.extend(logging.getLogger(prefix) for prefix in LOGGER_PREFIXES)
    for target in targets:
        if not any(
            isinstance(f, TokenFilter) and f.secrets == token_filter.secrets for f in target.filters
        ):
            target.addFilter(token_filter)
    return token_filter
