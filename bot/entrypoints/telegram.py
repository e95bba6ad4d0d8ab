"""``sourcewise telegram``: run the Telegram bot.

By default it long-polls the Bot API (no public URL needed). ``--webhook`` serves
``POST <path of SOURCEWISE_TELEGRAM_WEBHOOK_URL>`` plus ``GET /healthz`` on our own HTTP
server and registers the webhook with its secret. ``SOURCEWISE_TELEGRAM_API_URL`` points the
bot at another Bot API server. With a SQL database, ``/handoff`` works and this process also
runs the handoff scheduler (posting reminders into groups). Missing configuration is one
line on stderr and exit 2; the token is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.entrypoints._common import invalid_settings, stop_on_signals

if TYPE_CHECKING:
    from bot.adapters.telegram.app import TelegramApplication
    from bot.app import App, Handoff
    from bot.config import Settings

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
    parser.add_argument("--host", help="webhook listen address (default SOURCEWISE_HTTP_HOST)")
    parser.add_argument(
        "--port", type=int, help="webhook listen port (default SOURCEWISE_HTTP_PORT)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from bot.config import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        return invalid_settings(PROG, exc)
    problem = _missing(settings, webhook=args.webhook)
    if problem:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2
    # Opt in to PTB's timedelta time periods: the old ints warn on every 429 otherwise.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # httpx logs every Bot API request at INFO: a line per long poll. Keep it for DEBUG.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    return asyncio.run(_main(settings, args))


def _missing(settings: Settings, *, webhook: bool) -> str | None:
    token = settings.telegram_bot_token
    if token is None or not token.get_secret_value().strip():
        return "TELEGRAM_BOT_TOKEN is not set"
    url = settings.telegram_webhook_url
    if webhook and (not url or urlsplit(url).scheme not in ("https", "http")):
        return "--webhook needs SOURCEWISE_TELEGRAM_WEBHOOK_URL (the public https URL)"
    if webhook and settings.telegram_webhook_secret is None:
        return "--webhook needs SOURCEWISE_TELEGRAM_WEBHOOK_SECRET"
    return None


async def _main(settings: Settings, args: argparse.Namespace) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.adapters.telegram.errors import TelegramNotConfigured
    from bot.store import StoreError

    stop = stop_on_signals()
    try:
        if args.webhook:
            await _webhook(settings, args, stop)
        else:
            await _polling(settings, stop)
    except TelegramNotConfigured as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        # PTB's message quotes the token: say it in our own words.
        print(f"{PROG}: error: the Bot API rejected TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"{PROG}: error: cannot reach the Bot API ({type(exc).__name__})", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _build(
    settings: Settings, app: App, *, webhook: bool
) -> tuple[TelegramApplication, Handoff | None]:
    """The bot, with handoff reminders when the database can keep rosters."""
    from bot.adapters.telegram.app import build_application
    from bot.app import wire_handoff
    from bot.handoff.notifiers import TelegramNotifier

    handoff = wire_handoff(app)
    application = build_application(
        settings,
        app.conversations,
        webhook=webhook,
        handoff=handoff.service if handoff is not None else None,
        drafts=app.store,
    )
    if handoff is not None:
        handoff.router.add("telegram", TelegramNotifier(application.bot))
    return application, handoff


async def _schedule(
    application: TelegramApplication, handoff: Handoff | None, stop: asyncio.Event
) -> None:
    """The handoff scheduler, from the moment the bot can send until ``stop``."""
    if handoff is None:
        return
    while not application.running:
        if stop.is_set():
            return
        await asyncio.sleep(0.1)
    await handoff.runner.run(stop)


async def _polling(settings: Settings, stop: asyncio.Event) -> None:
    from bot.adapters.telegram.app import run_polling
    from bot.app import open_app

    async with open_app(settings) as app:
        application, handoff = _build(settings, app, webhook=False)
        scheduler = asyncio.create_task(_schedule(application, handoff, stop))
        print(f"{PROG}: long polling; Ctrl-C stops", flush=True)
        try:
            await run_polling(application, stop)
        finally:
            stop.set()
            await scheduler


async def _webhook(settings: Settings, args: argparse.Namespace, stop: asyncio.Event) -> None:
    from aiohttp import web

    from bot.adapters.telegram.app import install_telegram_webhook, set_webhook, webhook_path
    from bot.app import open_app
    from bot.http import build_web_app

    assert settings.telegram_webhook_url and settings.telegram_webhook_secret  # _missing()
    url = settings.telegram_webhook_url
    secret = settings.telegram_webhook_secret.get_secret_value()
    host = args.host or settings.http_host
    port = settings.http_port if args.port is None else args.port
    async with open_app(settings) as app:
        application, handoff = _build(settings, app, webhook=True)
        web_app = build_web_app(app)
        install_telegram_webhook(web_app, application, secret=secret, path=webhook_path(url))
        runner = web.AppRunner(web_app, access_log=None)
        scheduler = asyncio.create_task(_schedule(application, handoff, stop))
        try:
            await runner.setup()  # starts the bot and sets the webhook
            site = web.TCPSite(runner, host, port)
            await site.start()
            await set_webhook(application, url=url, secret=secret)
            for address in runner.addresses:
                print(f"{PROG}: webhook listening on http://{address[0]}:{address[1]}", flush=True)
            await stop.wait()
        finally:
            stop.set()
            await scheduler
            await runner.cleanup()
