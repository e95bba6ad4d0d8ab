"""``sourcewise telegram``: run the Telegram bot.

By default it long-polls the Bot API (no public URL needed, no HTTP port). ``--webhook``
serves ``POST <path of SOURCEWISE_TELEGRAM_WEBHOOK_URL>`` plus ``GET /healthz`` and
``GET /metrics`` and registers the webhook with its secret. ``SOURCEWISE_TELEGRAM_API_URL``
points the bot at another Bot API server. ``/handoff`` works and this process also runs the
handoff scheduler (posting reminders into groups). Everything is wired by
:func:`bot.app.serving`; this command only chooses Telegram and how updates arrive.
"""

from __future__ import annotations

import argparse
import functools
from typing import Any

from bot.entrypoints._common import add_server_options, run_server

__all__ = ["register", "run"]

PROG = "sourcewise telegram"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "telegram",
        help="run the Telegram bot (long polling, or --webhook)",
        description=(
            "Run the Telegram bot with TELEGRAM_BOT_TOKEN. Long polling by default; with "
            "--webhook, serve SOURCEWISE_TELEGRAM_WEBHOOK_URL (public https URL) checked "
            "with SOURCEWISE_TELEGRAM_WEBHOOK_SECRET. SOURCEWISE_TELEGRAM_API_URL points the "
            "bot at another Bot API server."
        ),
    )
    parser.add_argument(
        "--webhook", action="store_true", help="receive updates by webhook instead of polling"
    )
    add_server_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.app import telegram_plan

    return run_server(PROG, args, functools.partial(telegram_plan, webhook=args.webhook))
