"""Keep Slack secrets out of the logs, whatever level the operator turns on.

slack_sdk logs every Web API call at DEBUG: it redacts the ``Authorization`` header but
prints form fields (``client_secret`` of ``oauth.v2.access``) and response bodies (the
``access_token`` a new installation receives). bolt copies the filters of the logger it is
given to each of its own loggers, and slack_sdk's client logs through the logger it is given,
so one filter on the adapter's logger covers both.

The filter is the project's one :class:`~bot.redaction.RedactingFilter`: it removes the exact
secrets it was built with (bot token, signing secret, client secret, app token) and anything
shaped like a secret, so tokens of workspaces installed later through OAuth are caught too.

The database drivers are the other leak: at DEBUG, ``aiosqlite`` logs every statement with
its parameters, and SQLAlchemy's engine echo does too, and the installations table holds bot
tokens. Those loggers (:data:`PARAMETER_LOGGERS`) get the same filter.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.redaction import attach

__all__ = ["PARAMETER_LOGGERS", "slack_logger"]

#: Third-party loggers that print SQL parameters (which include installation tokens).
PARAMETER_LOGGERS: tuple[str, ...] = ("aiosqlite", "sqlalchemy.engine.Engine")


def slack_logger(secrets: Iterable[str], name: str = "bot.adapters.slack") -> logging.Logger:
    """The adapter's logger with a redacting filter for ``secrets`` attached (replacing the
    one a previous call attached), the same filter on :data:`PARAMETER_LOGGERS`."""
    logger = logging.getLogger(name)
    targets = [logger, *(logging.getLogger(other) for other in PARAMETER_LOGGERS)]
    attach(tuple(secrets), targets, replace=True)
    return logger
