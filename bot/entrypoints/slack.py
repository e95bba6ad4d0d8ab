"""``sourcewise slack``: run the Slack app.

Over HTTP it serves ``POST /slack/events`` (events, buttons, the slash command, the modal)
plus ``GET /healthz`` and ``GET /metrics``, and in OAuth mode ``GET /slack/install`` and
``GET /slack/oauth_redirect``. With ``SLACK_APP_TOKEN`` set it connects over Socket Mode
instead and needs no public URL. ``/handoff`` works and this process also runs the handoff
scheduler (posting reminders into channels). Everything is wired by :func:`bot.app.serving`;
this command only chooses Slack.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.entrypoints._common import add_server_options, run_server

__all__ = ["register", "run"]

PROG = "sourcewise slack"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "slack",
        help="run the Slack app (HTTP events or Socket Mode)",
        description=(
            "Serve the Slack app. One workspace: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET. "
            "Many workspaces (OAuth): SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and "
            "SLACK_SIGNING_SECRET. Socket Mode: add SLACK_APP_TOKEN. The app manifest is "
            "slack-manifest.yaml in the repository."
        ),
    )
    add_server_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.app import slack_plan

    return run_server(PROG, args, slack_plan)
