"""``sourcewise serve``: everything web-facing in one process, on one port.

One aiohttp server (``SOURCEWISE_HTTP_HOST``:``SOURCEWISE_HTTP_PORT``) hosts:

- the Telegram webhook (when ``TELEGRAM_BOT_TOKEN`` is set; it then needs
  ``SOURCEWISE_TELEGRAM_WEBHOOK_URL`` and ``SOURCEWISE_TELEGRAM_WEBHOOK_SECRET``, and every
  replica registers that URL on start, which is idempotent);
- Slack's ``/slack/events`` (plus the OAuth routes) when Slack is configured, or a Socket
  Mode connection when ``SLACK_APP_TOKEN`` is set;
- ``GET /healthz`` and ``GET /metrics``;

and, in the same process, the handoff scheduler (any number of replicas may run it: each
reminder is claimed in the database before it is posted). With nothing configured it still
serves the health check and metrics, and says so. Logs are JSON lines with secrets removed
(:mod:`bot.observability`). SIGTERM or SIGINT stops it gracefully: no new requests, the
in-flight ones and Slack's background replies finish, then the database is closed.

Several replicas behind a load balancer share one PostgreSQL database
(``SOURCEWISE_DATABASE_URL=postgresql+asyncpg://…``): a conversation's consecutive turns may
land on different replicas, see ``docs/deploy.md``.

:func:`bot.app.serving` is the same wiring as an async context manager, for tests and the
load bench; this command only chooses every configured adapter (:func:`bot.app.serve_plan`).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.entrypoints._common import add_server_options, run_server

__all__ = ["register", "run"]

PROG = "sourcewise serve"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve Telegram webhooks, Slack events, /healthz and /metrics on one port",
        description=(
            "Run everything web-facing in one process: the Telegram webhook (with "
            "TELEGRAM_BOT_TOKEN, SOURCEWISE_TELEGRAM_WEBHOOK_URL and "
            "SOURCEWISE_TELEGRAM_WEBHOOK_SECRET), Slack events (SLACK_* variables), GET "
            "/healthz, GET /metrics and the handoff scheduler. Run several replicas on one "
            "PostgreSQL database behind a load balancer to scale out."
        ),
    )
    add_server_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.app import serve_plan

    return run_server(PROG, args, serve_plan)
