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

:func:`serving` is the same wiring as an async context manager, for tests and the load bench.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.entrypoints._common import invalid_settings, stop_on_signals

if TYPE_CHECKING:
    from aiohttp import web

    from bot.adapters.slack.app import SlackBot
    from bot.adapters.telegram.app import TelegramApplication
    from bot.app import App
    from bot.config import Settings
    from bot.handoff.runner import HandoffRunner, Notifier
    from bot.observability import Metrics

__all__ = [
    "ServeConfigError",
    "Serving",
    "adapters_of",
    "notifiers_for",
    "register",
    "run",
    "serving",
    "warm_up",
]

PROG = "sourcewise serve"

_log = logging.getLogger(__name__)

#: How long shutdown waits for in-flight HTTP requests.
SHUTDOWN_TIMEOUT_SECONDS = 15.0


class ServeConfigError(Exception):
    """The environment asks for something ``serve`` cannot run; the message is one line."""


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
    parser.add_argument("--host", help="listen address (default SOURCEWISE_HTTP_HOST)")
    parser.add_argument("--port", type=int, help="listen port (default SOURCEWISE_HTTP_PORT)")
    parser.add_argument(
        "--log-format",
        choices=("json", "text"),
        default="json",
        help="log lines as JSON objects (default) or as plain text",
    )
    parser.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run the handoff scheduler in this process",
    )
    parser.set_defaults(handler=run)


# --- configuration ---------------------------------------------------------------------------


def _given(value: object) -> bool:
    """Set to something (an empty variable, as compose files pass them, is unset)."""
    getter = getattr(value, "get_secret_value", None)
    text = getter() if callable(getter) else value
    return isinstance(text, str) and bool(text.strip())


def _slack_requested(settings: Settings) -> bool:
    return any(
        _given(value)
        for value in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_id,
            settings.slack_client_secret,
        )
    )


def adapters_of(settings: Settings) -> tuple[str, ...]:
    """Which adapters ``settings`` turns on ("telegram", "slack"); raises
    :class:`ServeConfigError` when one is asked for but incomplete."""
    from bot.adapters.slack.errors import SlackNotConfigured
    from bot.adapters.slack.mode import resolve_mode

    found: list[str] = []
    if _given(settings.telegram_bot_token):
        url = settings.telegram_webhook_url
        if not url or not url.startswith(("https://", "http://")):
            raise ServeConfigError(
                "TELEGRAM_BOT_TOKEN is set: serve needs SOURCEWISE_TELEGRAM_WEBHOOK_URL "
                "(the public https URL Telegram posts to)"
            )
        if not _given(settings.telegram_webhook_secret):
            raise ServeConfigError(
                "TELEGRAM_BOT_TOKEN is set: serve needs SOURCEWISE_TELEGRAM_WEBHOOK_SECRET"
            )
        found.append("telegram")
    if _slack_requested(settings):
        try:
            resolve_mode(settings)
        except SlackNotConfigured as exc:
            raise ServeConfigError(str(exc)) from None
        found.append("slack")
    return tuple(found)


# --- the running server ----------------------------------------------------------------------


@dataclass(slots=True)
class Serving:
    """What :func:`serving` started: the wired app, the adapters, the listening URL."""

    app: App
    metrics: Metrics
    web_app: web.Application
    url: str
    adapters: tuple[str, ...]
    telegram: TelegramApplication | None = None
    slack: SlackBot | None = None
    scheduler: HandoffRunner | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def _slack_client_factory(slack: SlackBot, settings: Settings) -> Any:
    """``team_id -> AsyncWebClient`` for OAuth mode: each workspace's bot token comes from
    the installations table, as bolt does it for requests."""
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.handoff.errors import DeliveryError

    store = slack.bolt.installation_store
    base_url = settings.slack_api_url or AsyncWebClient.BASE_URL

    async def client_for(team_id: str) -> AsyncWebClient:
        bot = (
            None
            if store is None
            else await store.async_find_bot(enterprise_id=None, team_id=team_id)
        )
        if bot is None or not bot.bot_token:
            raise DeliveryError(f"slack: no installation for team {team_id}", permanent=True)
        client = slack.bolt.client
        return AsyncWebClient(
            token=bot.bot_token,
            base_url=base_url,
            logger=slack.logger,
            retry_handlers=list(client.retry_handlers),
        )

    return client_for


def notifiers_for(
    settings: Settings, telegram: TelegramApplication | None, slack: SlackBot | None
) -> dict[str, Notifier]:
    """The handoff notifier of each built adapter (Slack OAuth: a client per workspace)."""
    from bot.adapters.slack.mode import SlackMode
    from bot.handoff.notifiers import SlackNotifier, TelegramNotifier

    found: dict[str, Notifier] = {}
    if telegram is not None:
        found["telegram"] = TelegramNotifier(telegram.bot)
    if slack is not None:
        if slack.mode is SlackMode.OAUTH:
            found["slack"] = SlackNotifier(_slack_client_factory(slack, settings))
        else:
            found["slack"] = SlackNotifier(slack.bolt.client)
    return found


def warm_up() -> None:
    """Build what the first turns would otherwise build while a user waits: the core's
    vocabularies (CLDR names in every language, about 2 s) and the engine and chart code
    (a one-line estimate, about 2 s). Runs before the server listens, so a load balancer's
    health check only sends traffic to a replica that answers at full speed."""
    from bot.core.events import Start, Text
    from bot.core.machine import step
    from bot.core.quick import answer_quick
    from bot.render.env import LOCALES

    for locale in LOCALES:
        started = step(None, Start(locale=locale))
        step(started.state, Text("1"))
    answer_quick("8 agents", "en")


@contextlib.asynccontextmanager
async def serving(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    metrics: Metrics | None = None,
    scheduler: bool = True,
    housekeeping_interval: float | None = 3600.0,
    warm: bool = True,
) -> AsyncIterator[Serving]:
    """Open the app and serve it until the block ends (see the module docstring).

    ``host``/``port`` default to the settings (port 0: any free port; :attr:`Serving.url`
    says which). ``warm`` runs :func:`warm_up` before listening. Raises
    :class:`ServeConfigError` for incomplete adapter settings and
    :class:`bot.store.StoreError` when the database cannot be reached.
    """
    from aiohttp import web

    from bot.adapters.slack.app import build_slack_app, install_slack_routes, run_socket_mode
    from bot.adapters.telegram.app import (
        build_application,
        install_telegram_webhook,
        set_webhook,
        webhook_path,
    )
    from bot.app import open_app, wire_handoff
    from bot.http import build_web_app
    from bot.observability import (
        InstrumentedConversations,
        MeteredHandoffRunner,
        Metrics,
        count_slack_failures,
        count_telegram_failures,
        install_metrics_route,
    )

    adapters = adapters_of(settings)
    metrics = metrics if metrics is not None else Metrics()
    stop = asyncio.Event()
    async with open_app(settings, housekeeping_interval=housekeeping_interval) as app:
        conversations = InstrumentedConversations(app.conversations, metrics)
        web_app = build_web_app(app)
        install_metrics_route(web_app, metrics)
        running = Serving(app=app, metrics=metrics, web_app=web_app, url="", adapters=adapters)
        handoff = wire_handoff(app, runner=functools.partial(MeteredHandoffRunner, metrics=metrics))
        service = handoff.service if handoff is not None else None

        if "telegram" in adapters:
            assert settings.telegram_webhook_url and settings.telegram_webhook_secret
            running.telegram = build_application(
                settings, conversations, webhook=True, handoff=service, drafts=app.store
            )
            count_telegram_failures(running.telegram, metrics)
            install_telegram_webhook(
                web_app,
                running.telegram,
                secret=settings.telegram_webhook_secret.get_secret_value(),
                path=webhook_path(settings.telegram_webhook_url),
            )
        slack_counter: logging.Handler | None = None
        if "slack" in adapters:
            running.slack = build_slack_app(
                settings, conversations, store=app.store, handoff=service
            )
            slack_counter = count_slack_failures(running.slack.logger, metrics)
            if not running.slack.secrets.socket_mode:
                install_slack_routes(web_app, running.slack.bolt)

        # Before any request: an acknowledgement edits its reminder through the router.
        notifiers = notifiers_for(settings, running.telegram, running.slack)
        if handoff is not None:
            for platform, notifier in notifiers.items():
                handoff.router.add(platform, notifier)

        runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS)
        try:
            if warm:
                await asyncio.to_thread(warm_up)
            await runner.setup()  # starts the Telegram Application (on_startup)
            site = web.TCPSite(
                runner,
                settings.http_host if host is None else host,
                settings.http_port if port is None else port,
            )
            await site.start()
            address = runner.addresses[0]
            running.url = f"http://{address[0]}:{address[1]}"
            if running.telegram is not None:
                assert settings.telegram_webhook_url and settings.telegram_webhook_secret
                await set_webhook(
                    running.telegram,
                    url=settings.telegram_webhook_url,
                    secret=settings.telegram_webhook_secret.get_secret_value(),
                )
            if running.slack is not None and running.slack.secrets.socket_mode:
                running.tasks.append(asyncio.create_task(run_socket_mode(running.slack, stop=stop)))
            if scheduler and handoff is not None and notifiers:
                running.scheduler = handoff.runner
                running.tasks.append(
                    asyncio.create_task(running.scheduler.run(stop), name="sourcewise-handoff")
                )
            _log.info(
                "serving on %s: adapters %s, handoff scheduler %s",
                running.url,
                ", ".join(adapters) or "none (only /healthz and /metrics)",
                "on" if running.scheduler is not None else "off",
            )
            yield running
        finally:
            stop.set()
            for task in running.tasks:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(task, SHUTDOWN_TIMEOUT_SECONDS)
            await runner.cleanup()  # no new requests; stops the Telegram Application
            if running.slack is not None:
                await running.slack.aclose()  # Slack replies still being sent finish
                if slack_counter is not None:
                    running.slack.logger.removeHandler(slack_counter)


# --- the command -----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    import os

    from pydantic import ValidationError

    from bot.config import Settings
    from bot.observability import configure_logging

    try:
        settings = Settings()
        adapters_of(settings)
    except ValidationError as exc:
        return invalid_settings(PROG, exc)
    except ServeConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    # PTB's timedelta periods: the old ints warn on every 429 otherwise.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    configure_logging(settings, json_lines=args.log_format == "json")
    return asyncio.run(_main(settings, args))


async def _main(settings: Settings, args: argparse.Namespace) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.store import StoreError

    stop = stop_on_signals()
    try:
        async with serving(
            settings, host=args.host, port=args.port, scheduler=not args.no_scheduler
        ) as running:
            print(f"{PROG}: listening on {running.url}", flush=True)
            await stop.wait()
            _log.info("stopping: signal received")
    except InvalidToken:
        print(f"{PROG}: error: the Bot API rejected TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"{PROG}: error: cannot reach the Bot API ({type(exc).__name__})", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the port is taken, the address is wrong
        print(f"{PROG}: error: cannot listen: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
