"""``sourcewise slack``: run the Slack app.

Over HTTP it serves ``POST /slack/events`` (events, buttons, the slash command, the modal)
plus ``GET /healthz``, and in OAuth mode ``GET /slack/install`` and
``GET /slack/oauth_redirect``. With ``SLACK_APP_TOKEN`` set it connects over Socket Mode
instead and needs no public URL. With a SQL database, ``/handoff`` works and this process also
runs the handoff scheduler (posting reminders into channels). Missing configuration is one
line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

from bot.entrypoints._common import invalid_settings, stop_on_signals

if TYPE_CHECKING:
    from bot.config import Settings

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
    parser.add_argument("--host", help="listen address (default SOURCEWISE_HTTP_HOST)")
    parser.add_argument("--port", type=int, help="listen port (default SOURCEWISE_HTTP_PORT)")
    parser.add_argument(
        "--log-format",
        choices=("json", "text"),
        default="json",
        help="log lines as JSON objects (default) or as plain text",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot.adapters.slack.errors import SlackNotConfigured
    from bot.adapters.slack.mode import resolve_mode
    from bot.config import Settings
    from bot.store import StoreError

    try:
        settings = Settings()
        resolve_mode(settings)
    except SlackNotConfigured as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        return invalid_settings(PROG, exc)
    from bot.observability import configure_logging

    configure_logging(settings, json_lines=args.log_format == "json")
    host = args.host or settings.http_host
    port = settings.http_port if args.port is None else args.port
    try:
        asyncio.run(_serve(settings, host, port))
    except StoreError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    return 0


async def _serve(settings: Settings, host: str, port: int) -> None:
    from aiohttp import web

    from bot.adapters.slack.app import build_slack_app, install_slack_routes, run_socket_mode
    from bot.app import open_app, wire_handoff
    from bot.entrypoints.serve import notifiers_for, warm_up
    from bot.http import build_web_app

    stop = stop_on_signals()

    async with open_app(settings) as app:
        handoff = wire_handoff(app)
        bot = build_slack_app(
            settings,
            app.conversations,
            store=app.store,
            handoff=handoff.service if handoff is not None else None,
        )
        if handoff is not None:
            for platform, notifier in notifiers_for(settings, None, bot).items():
                handoff.router.add(platform, notifier)
        scheduler: asyncio.Task[None] | None = None
        web_app = build_web_app(app)
        if not bot.secrets.socket_mode:
            install_slack_routes(web_app, bot.bolt)
        runner = web.AppRunner(web_app, access_log=None)
        # Build the vocabularies and chart code now, not while the first user waits.
        await asyncio.to_thread(warm_up)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            if handoff is not None:
                scheduler = asyncio.create_task(handoff.runner.run(stop), name="sourcewise-handoff")
            for address in runner.addresses:
                where = f"http://{address[0]}:{address[1]}"
                if bot.secrets.socket_mode:
                    print(f"{PROG}: Socket Mode ({bot.mode}); health at {where}/healthz")
                else:
                    print(f"{PROG}: listening on {where}/slack/events ({bot.mode} mode)")
            sys.stdout.flush()
            if bot.secrets.socket_mode:
                await run_socket_mode(bot, stop=stop)
            else:
                await stop.wait()
        finally:
            stop.set()
            if scheduler is not None:
                await scheduler
            await runner.cleanup()
            await bot.aclose()
