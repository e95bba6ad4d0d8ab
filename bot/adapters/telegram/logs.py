"""Keep the bot token out of the logs, whatever level the operator turns on.

The Bot API puts the token in every request URL (``/bot<token>/sendMessage``): httpx logs
each request URL at INFO, PTB logs its base URL at DEBUG, ``repr(Bot)`` shows the token and
``InvalidToken`` quotes it. A filter on a logger only sees records created on that very
logger (not its children's), so :func:`install_token_filter` attaches the project's one
:class:`~bot.redaction.RedactingFilter` to every logger of the libraries that may print it,
to the root logger, and to the root logger's handlers (which see every record that
propagates).
"""

from __future__ import annotations

import logging

from bot.redaction import RedactingFilter, attach

__all__ = ["LOGGER_PREFIXES", "install_token_filter"]

#: Loggers whose records may contain a request URL or a bot repr.
LOGGER_PREFIXES: tuple[str, ...] = ("telegram", "httpx", "httpcore", "aiohttp", "asyncio", "bot")


def install_token_filter(token: str) -> RedactingFilter:
    """Attach a redacting filter for ``token`` where records carrying it can pass
    (idempotent: a logger that already redacts this token gets no second filter)."""
    root = logging.getLogger()
    targets: list[logging.Filterer] = [root, *root.handlers]
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in LOGGER_PREFIXES:
            targets.append(logger)
    targets.extend(logging.getLogger(prefix) for prefix in LOGGER_PREFIXES)
    return attach([token], targets)
