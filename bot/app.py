"""The composition root (cosmicpython's ``bootstrap``): every part is wired here, once.

Two levels, each an async context manager:

* :func:`open_app` migrates the database, opens the store, builds the conversation service
  (with the operator's rate card and default language) and runs the housekeeping task.
  ``sourcewise chat`` needs nothing more.
* :func:`serving` opens the app and adds everything a server needs, whichever adapters a
  :class:`Plan` chooses: metrics (and ``/metrics``), the handoff feature (service, metered
  scheduler, a notifier per adapter), the HTTP server (``/healthz`` and the webhooks), the
  warm-up before listening, and the graceful shutdown. ``serve``, ``slack`` and
  ``telegram`` differ only in the plan they pass (:mod:`bot.entrypoints._common` turns
  failures into one line and an exit status, the same way for all three).

Nothing here runs at import time and nothing is global: tests open as many apps as they
like, each on its own database. Heavy imports (PTB, bolt, aiohttp) happen inside
:func:`serving`, so ``sourcewise --help`` stays fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.compute import PoolKind, RateCardEstimator, TurnRunner, warm_core, warm_up
from bot.config import Settings
from bot.service import ConversationService
from bot.store import MEMORY_URL, Store, StoreError, migrate, open_store
from costengine import available_regions, load_ratecard
from costengine.errors import EngineError, RateCardError

if TYPE_CHECKING:
    from aiohttp import web

    from bot.adapters.slack.app import SlackBot
    from bot.adapters.telegram.app import TelegramApplication
    from bot.handoff.notifiers import NotifierRouter
    from bot.handoff.runner import HandoffRunner
    from bot.handoff.service import HandoffService
    from bot.http import ConnectionGuard
    from bot.observability import Metrics

__all__ = [
    "SHUTDOWN_TIMEOUT_SECONDS",
    "UPDATE_RETENTION",
    "App",
    "ConfigError",
    "Handoff",
    "Plan",
    "Serving",
    "TelegramMode",
    "build_handoff",
    "load_ratecards",
    "open_app",
    "prune_updates",
    "serve_plan",
    "serving",
    "slack_plan",
    "telegram_plan",
    "warm_up",
]

_log = logging.getLogger(__name__)

#: Update ids are remembered this long: far beyond any platform's redelivery window.
UPDATE_RETENTION = timedelta(days=7)
#: How often old update ids are forgotten.
PRUNE_INTERVAL_SECONDS = 3600.0
#: How long shutdown waits for in-flight HTTP requests and background tasks.
SHUTDOWN_TIMEOUT_SECONDS = 15.0


class ConfigError(Exception):
    """The environment asks for something the command cannot run; the message is one line
    (and never contains a secret)."""


@dataclass(frozen=True, slots=True)
class App:
    """The wired application: what entrypoints and adapters are given."""

    settings: Settings
    store: Store
    conversations: ConversationService
    runner: TurnRunner = field(default_factory=TurnRunner)


def load_ratecards(ratecard: Path | None) -> RateCardEstimator:
    """The estimator for the operator's rate-card override file (``SOURCEWISE_RATECARD``):
    every region's card read and validated now, at start, so a bad file stops the process
    with one line (:class:`ConfigError`, naming the field, never the file's path) instead of
    reaching chat users turn after turn. None: the built-in cards."""
    if ratecard is None:
        return RateCardEstimator()
    try:
        cards = {region: load_ratecard(region, ratecard) for region in available_regions()}
    except RateCardError as exc:
        raise ConfigError(f"SOURCEWISE_RATECARD: {exc}") from None
    except EngineError as exc:  # pragma: no cover - every region listed has a built-in card
        raise ConfigError(f"SOURCEWISE_RATECARD: {exc}") from None
    return RateCardEstimator(cards)


async def prune_updates(store: Store, *, retention: timedelta = UPDATE_RETENTION) -> int:
    """Forget update ids, and Slack inbox items, older than ``retention``; returns how many
    update ids."""
    async with store.unit_of_work() as uow:
        cut = datetime.now(UTC) - retention
        removed = await uow.updates.prune(cut)
        await uow.inbox.prune(cut)
        await uow.commit()
    return removed


async def _housekeeping(store: Store, interval: float) -> None:
    while True:
        try:
            removed = await prune_updates(store)
        except StoreError as exc:  # the database may be back next time; never kill the app
            _log.warning("pruning old update ids failed: %s", exc)
        else:
            if removed:
                _log.info("forgot %d old update ids", removed)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def open_app(
    settings: Settings | None = None,
    *,
    run_migrations: bool = True,
    housekeeping_interval: float | None = PRUNE_INTERVAL_SECONDS,
    pool: PoolKind = PoolKind.INLINE,
) -> AsyncIterator[App]:
    """Open everything ``settings`` describes (default: read from the environment).

    ``run_migrations`` False skips the schema upgrade (when ``sourcewise migrate`` ran at
    deploy time); ``housekeeping_interval`` None starts no background task; ``pool``
    PROCESS computes heavy turns in worker processes (the servers), INLINE on the loop (the
    terminal chat). Raises :class:`ConfigError` for a bad ``SOURCEWISE_RATECARD`` and
    :class:`bot.store.StoreUnavailable` if the database cannot be reached.
    """
    settings = settings if settings is not None else Settings()
    estimator = load_ratecards(settings.ratecard)
    if run_migrations and settings.database_url != MEMORY_URL:
        await migrate(settings.database_url)
    store = open_store(settings.database_url, timeout=settings.db_timeout_seconds)
    runner = TurnRunner(
        kind=pool, workers=settings.workers, queue=settings.queue, estimator=estimator
    )
    housekeeping: asyncio.Task[None] | None = None
    try:
        if housekeeping_interval is not None:
            housekeeping = asyncio.create_task(
                _housekeeping(store, housekeeping_interval), name="sourcewise-housekeeping"
            )
        conversations = ConversationService(store, runner=runner, default_locale=settings.locale)
        yield App(settings=settings, store=store, conversations=conversations, runner=runner)
    finally:
        if housekeeping is not None:
            housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await housekeeping
        await asyncio.to_thread(runner.close)
        await store.aclose()


# --- handoff reminders -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Handoff:
    """The handoff feature on the app's store (any store: memory, SQLite, PostgreSQL).
    ``service`` goes to the adapters, each adapter's notifier is added to ``router`` once the
    adapter is built (the service edits acknowledged reminders through it), and
    ``runner.run(stop)`` is the scheduler."""

    service: HandoffService
    runner: HandoffRunner
    router: NotifierRouter


def build_handoff(app: App, *, metrics: Metrics | None = None) -> Handoff:
    """Wire handoff reminders for ``app``; with ``metrics`` the scheduler is the metered one."""
    from bot.handoff.notifiers import NotifierRouter
    from bot.handoff.runner import HandoffRunner, Timing
    from bot.handoff.service import HandoffService
    from bot.handoff.transactions import Handoffs
    from bot.observability import MeteredHandoffRunner

    records = Handoffs(app.store)
    router = NotifierRouter()
    timing = Timing.from_settings(app.settings)
    scheduler: HandoffRunner = (
        HandoffRunner(records, router, timing=timing)
        if metrics is None
        else MeteredHandoffRunner(records, router, timing=timing, metrics=metrics)
    )
    service = HandoffService(
        records, notifier=router, timing=scheduler.timing, on_change=scheduler.wake
    )
    return Handoff(service=service, runner=scheduler, router=router)


# --- which adapters ------------------------------------------------------------------------


class TelegramMode(StrEnum):
    WEBHOOK = "webhook"  # updates arrive on our HTTP server
    POLLING = "polling"  # we long-poll the Bot API; no public URL needed


@dataclass(frozen=True, slots=True)
class Plan:
    """Which adapters a process runs. ``listen`` False serves no HTTP at all (Telegram long
    polling on its own: nothing would call it)."""

    telegram: TelegramMode | None = None
    slack: bool = False

    @property
    def listen(self) -> bool:
        return self.slack or self.telegram is not TelegramMode.POLLING

    @property
    def adapters(self) -> tuple[str, ...]:
        return (("telegram",) if self.telegram else ()) + (("slack",) if self.slack else ())


def _given(value: object) -> bool:
    """Set to something (an empty variable, as compose files pass them, is unset)."""
    getter = getattr(value, "get_secret_value", None)
    text = getter() if callable(getter) else value
    return isinstance(text, str) and bool(text.strip())


def _check_slack(settings: Settings) -> None:
    from bot.adapters.slack.errors import SlackNotConfigured
    from bot.adapters.slack.installations import TokenCipher
    from bot.adapters.slack.mode import resolve_mode

    try:
        resolve_mode(settings)
    except SlackNotConfigured as exc:
        raise ConfigError(str(exc)) from None
    if _given(settings.secret_key):
        assert settings.secret_key is not None
        try:
            TokenCipher(settings.secret_key.get_secret_value())
        except ValueError:
            raise ConfigError(
                "SOURCEWISE_SECRET_KEY is not a Fernet key (comma-separated, newest first)"
            ) from None


def _check_telegram(settings: Settings, mode: TelegramMode, *, why: str) -> None:
    if not _given(settings.telegram_bot_token):
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    if mode is TelegramMode.POLLING:
        return
    url = settings.telegram_webhook_url
    if not url or not url.startswith(("https://", "http://")):
        raise ConfigError(
            f"{why} needs SOURCEWISE_TELEGRAM_WEBHOOK_URL (the public https URL Telegram posts to)"
        )
    if not _given(settings.telegram_webhook_secret):
        raise ConfigError(f"{why} needs SOURCEWISE_TELEGRAM_WEBHOOK_SECRET")


def serve_plan(settings: Settings) -> Plan:
    """``sourcewise serve``: every adapter ``settings`` configures (Telegram by webhook);
    none is fine (health and metrics only). Raises :class:`ConfigError` for a half-set one."""
    telegram = None
    if _given(settings.telegram_bot_token):
        _check_telegram(settings, TelegramMode.WEBHOOK, why="TELEGRAM_BOT_TOKEN is set: serve")
        telegram = TelegramMode.WEBHOOK
    slack_values = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.slack_client_id,
        settings.slack_client_secret,
    )
    slack = any(_given(value) for value in slack_values)
    if slack:
        _check_slack(settings)
    return Plan(telegram=telegram, slack=slack)


def slack_plan(settings: Settings) -> Plan:
    """``sourcewise slack``: Slack only, over HTTP events or Socket Mode."""
    _check_slack(settings)
    return Plan(slack=True)


def telegram_plan(settings: Settings, *, webhook: bool) -> Plan:
    """``sourcewise telegram``: Telegram only, long polling or ``--webhook``."""
    mode = TelegramMode.WEBHOOK if webhook else TelegramMode.POLLING
    _check_telegram(settings, mode, why="--webhook")
    return Plan(telegram=mode)


# --- the running server --------------------------------------------------------------------


@dataclass(slots=True)
class Serving:
    """What :func:`serving` started: the wired app, the adapters, the listening URL ("" when
    the plan listens on nothing)."""

    app: App
    plan: Plan
    metrics: Metrics
    handoff: Handoff
    web_app: web.Application
    url: str = ""
    telegram: TelegramApplication | None = None
    slack: SlackBot | None = None
    scheduler: HandoffRunner | None = None
    guard: ConnectionGuard | None = None
    metrics_url: str = ""
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def adapters(self) -> tuple[str, ...]:
        return self.plan.adapters


async def _until_polling(application: TelegramApplication, task: asyncio.Task[None]) -> None:
    """Wait until long polling runs, raising what stopped it from starting (a rejected
    token, an unreachable Bot API) instead of leaving it in a background task."""
    while not application.running:
        if task.done():
            task.result()  # raises the startup error
            raise ConfigError("long polling stopped before it started")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def serving(
    settings: Settings,
    plan: Plan | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    metrics: Metrics | None = None,
    scheduler: bool = True,
    housekeeping_interval: float | None = PRUNE_INTERVAL_SECONDS,
    warm: bool = True,
) -> AsyncIterator[Serving]:
    """Open the app and run ``plan``'s adapters (default :func:`serve_plan`) until the block
    ends, then shut down gracefully: no new requests, in-flight ones and background replies
    finish (at most :data:`SHUTDOWN_TIMEOUT_SECONDS`), the database is closed.

    ``host``/``port`` default to the settings (port 0: any free port; :attr:`Serving.url`
    says which). ``warm`` runs :func:`warm_up` before listening; ``scheduler`` False runs no
    handoff scheduler in this process. Raises :class:`ConfigError` for incomplete adapter
    settings, :class:`bot.store.StoreError` when the database cannot be reached,
    :class:`OSError` when the address cannot be bound, and PTB's ``InvalidToken`` /
    ``NetworkError`` when the Bot API refuses or cannot be reached at start.
    """
    from aiohttp import web

    from bot.http import KEEPALIVE_TIMEOUT_SECONDS, build_web_app, listen
    from bot.observability import InstrumentedConversations, Metrics, install_metrics_route

    plan = plan if plan is not None else serve_plan(settings)
    metrics = metrics if metrics is not None else Metrics()
    stop = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        app = await stack.enter_async_context(
            open_app(settings, housekeeping_interval=housekeeping_interval, pool=PoolKind.PROCESS)
        )
        conversations = InstrumentedConversations(app.conversations, metrics)
        handoff = build_handoff(app, metrics=metrics)
        web_app = build_web_app(app)
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
        if token.strip():
            install_metrics_route(web_app, metrics, token=token.strip())
        metrics_app: web.Application | None = None
        if settings.metrics_port is not None:
            metrics_app = web.Application()
            install_metrics_route(metrics_app, metrics)
        running = Serving(app=app, plan=plan, metrics=metrics, handoff=handoff, web_app=web_app)
        if plan.telegram is not None:
            running.telegram = _build_telegram(settings, running, conversations)
        if plan.slack:
            running.slack = _build_slack(settings, running, conversations, stack)
        runner = web.AppRunner(
            web_app,
            access_log=None,
            shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
            keepalive_timeout=KEEPALIVE_TIMEOUT_SECONDS,
        )
        server: asyncio.Server | None = None
        try:
            if warm:  # the loop's turns, and every worker, before traffic arrives
                # The workers price; this process only asks questions (and stays small).
                local = warm_core if app.runner.kind is PoolKind.PROCESS else warm_up
                await asyncio.gather(asyncio.to_thread(local), app.runner.start())
            if plan.listen:
                await runner.setup()  # starts a webhook Telegram Application (on_startup)
                server, running.guard, running.url = await listen(
                    runner,
                    web_app,
                    settings.http_host if host is None else host,
                    settings.http_port if port is None else port,
                    max_connections=settings.max_connections,
                )
            if metrics_app is not None:
                metrics_runner = web.AppRunner(metrics_app, access_log=None)
                await metrics_runner.setup()
                stack.push_async_callback(metrics_runner.cleanup)
                site = web.TCPSite(metrics_runner, settings.metrics_host, settings.metrics_port)
                await site.start()
                address = metrics_runner.addresses[0]
                running.metrics_url = f"http://{address[0]}:{address[1]}"
            await _start_adapters(settings, running, stop)
            if running.slack is not None and running.slack.recovery is not None:
                # Slack events saved before their acknowledgement whose replica died (or
                # whose turn failed) are finished here, on whichever replica sweeps first.
                running.tasks.append(
                    asyncio.create_task(
                        running.slack.recovery.run(stop), name="sourcewise-slack-inbox"
                    )
                )
            if scheduler and running.telegram is None and running.slack is None:
                _log.info("handoff scheduler off: no adapter could deliver reminders")
            elif scheduler:
                running.scheduler = handoff.runner
                running.tasks.append(
                    asyncio.create_task(handoff.runner.run(stop), name="sourcewise-handoff")
                )
            _log.info(
                "serving on %s: adapters %s, handoff scheduler %s",
                running.url or "no HTTP port",
                ", ".join(plan.adapters) or "none (only /healthz and /metrics)",
                "on" if running.scheduler is not None else "off",
            )
            yield running
        finally:
            stop.set()
            for task in running.tasks:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(task, SHUTDOWN_TIMEOUT_SECONDS)
            if server is not None:
                server.close()  # no new connections
            await runner.cleanup()  # in-flight requests end; stops a webhook Telegram Application


def _build_telegram(
    settings: Settings, running: Serving, conversations: Any
) -> TelegramApplication:
    from bot.adapters.telegram.app import (
        build_application,
        install_telegram_webhook,
        webhook_path,
    )
    from bot.adapters.telegram.notifier import TelegramNotifier
    from bot.observability import count_telegram_failures

    webhook = running.plan.telegram is TelegramMode.WEBHOOK
    application = build_application(
        settings,
        conversations,
        webhook=webhook,
        handoff=running.handoff.service,
        drafts=running.app.store,
    )
    count_telegram_failures(application, running.metrics)
    if webhook:
        assert settings.telegram_webhook_url and settings.telegram_webhook_secret  # the plan
        install_telegram_webhook(
            running.web_app,
            application,
            secret=settings.telegram_webhook_secret.get_secret_value(),
            path=webhook_path(settings.telegram_webhook_url),
        )
    # Before any request: an acknowledgement edits its reminder through the router.
    running.handoff.router.add("telegram", TelegramNotifier(application.bot))
    return application


def _build_slack(
    settings: Settings, running: Serving, conversations: Any, stack: contextlib.AsyncExitStack
) -> SlackBot:
    from bot.adapters.slack.app import build_slack_app, install_slack_routes
    from bot.adapters.slack.notifier import notifier_for
    from bot.observability import count_slack_failures

    bot = build_slack_app(
        settings, conversations, store=running.app.store, handoff=running.handoff.service
    )
    counter = count_slack_failures(bot.logger, running.metrics)
    stack.callback(bot.logger.removeHandler, counter)
    stack.push_async_callback(bot.aclose)  # after the HTTP server: background replies finish
    if not bot.secrets.socket_mode:
        install_slack_routes(
            running.web_app, bot.bolt, signing_secret=bot.secrets.signing_secret or None
        )
    running.handoff.router.add("slack", notifier_for(bot, settings))
    return bot


async def _start_adapters(settings: Settings, running: Serving, stop: asyncio.Event) -> None:
    """Connect what needs connecting once the HTTP server listens."""
    from bot.adapters.slack.app import run_socket_mode
    from bot.adapters.telegram.app import run_polling, set_webhook

    if running.telegram is not None and running.plan.telegram is TelegramMode.WEBHOOK:
        assert settings.telegram_webhook_url and settings.telegram_webhook_secret
        await set_webhook(
            running.telegram,
            url=settings.telegram_webhook_url,
            secret=settings.telegram_webhook_secret.get_secret_value(),
        )
    elif running.telegram is not None:
        polling = asyncio.create_task(run_polling(running.telegram, stop), name="telegram-poll")
        running.tasks.append(polling)
        await _until_polling(running.telegram, polling)
    if running.slack is not None and running.slack.secrets.socket_mode:
        running.tasks.append(
            asyncio.create_task(run_socket_mode(running.slack, stop=stop), name="slack-socket")
        )
