"""The one place parts are wired together, from :class:`bot.config.Settings`.

``async with open_app(settings) as app:`` migrates the database, opens the store, builds the
conversation service (with the operator's rate card and default language), and starts the
housekeeping task; leaving the block stops and closes
all of it. Nothing here runs at import time and nothing is global: tests open as many apps
as they like, each on its own database.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core.machine import Estimator
from bot.service import ConversationService
from bot.store import MEMORY_URL, Store, StoreError, migrate, open_store
from costengine import Estimate, RateCard, Scenario, estimate, load_ratecard

if TYPE_CHECKING:
    from bot.handoff.notifiers import NotifierRouter
    from bot.handoff.runner import HandoffRunner
    from bot.handoff.service import HandoffService

__all__ = [
    "UPDATE_RETENTION",
    "App",
    "Handoff",
    "make_estimator",
    "open_app",
    "prune_updates",
    "wire_handoff",
]

_log = logging.getLogger(__name__)

#: Update ids are remembered this long: far beyond any platform's redelivery window.
UPDATE_RETENTION = timedelta(days=7)
#: How often old update ids are forgotten.
PRUNE_INTERVAL_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class App:
    """The wired application: what entrypoints and adapters are given."""

    settings: Settings
    store: Store
    conversations: ConversationService


def make_estimator(ratecard: Path | None) -> Estimator | None:
    """The estimator for the operator's rate-card override file (None: the built-in cards).

    Each region's card is read once and kept; a malformed file surfaces as the engine's
    ``RateCardError``, which the conversation reports to the user like any engine error.
    """
    if ratecard is None:
        return None

    @functools.cache
    def card(region: str) -> RateCard:
        return load_ratecard(region, ratecard)

    def priced(scenario: Scenario) -> Estimate:
        return estimate(scenario, card(scenario.region))

    return priced


async def prune_updates(store: Store, *, retention: timedelta = UPDATE_RETENTION) -> int:
    """Forget update ids older than ``retention``; returns how many."""
    async with store.unit_of_work() as uow:
        removed = await uow.updates.prune(datetime.now(UTC) - retention)
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
) -> AsyncIterator[App]:
    """Open everything ``settings`` describes (default: read from the environment).

    ``run_migrations`` False skips the schema upgrade (when ``sourcewise migrate`` ran at
    deploy time); ``housekeeping_interval`` None starts no background task. Raises
    :class:`bot.store.StoreUnavailable` if the database cannot be reached.
    """
    settings = settings if settings is not None else Settings()
    if run_migrations and settings.database_url != MEMORY_URL:
        await migrate(settings.database_url)
    store = open_store(settings.database_url)
    housekeeping: asyncio.Task[None] | None = None
    try:
        if housekeeping_interval is not None:
            housekeeping = asyncio.create_task(
                _housekeeping(store, housekeeping_interval), name="sourcewise-housekeeping"
            )
        conversations = ConversationService(
            store,
            estimator=make_estimator(settings.ratecard),
            default_locale=settings.locale,
        )
        yield App(settings=settings, store=store, conversations=conversations)
    finally:
        if housekeeping is not None:
            housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await housekeeping
        await store.aclose()


# --- handoff reminders -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Handoff:
    """The handoff feature on the app's database. Give ``service`` to the adapters
    (``build_application(handoff=…)``, ``build_slack_app(handoff=…)``), add each adapter's
    notifier to ``router`` once it is built (``router.add("telegram", TelegramNotifier(bot))``;
    the service edits acknowledged reminders through it), and run ``runner.run(stop)`` as the
    scheduler in any process that should post reminders."""

    service: HandoffService
    runner: HandoffRunner
    router: NotifierRouter


#: Builds the scheduler: ``(store, notifier, *, timing) -> HandoffRunner``.
RunnerFactory = Callable[..., "HandoffRunner"]


def wire_handoff(app: App, *, runner: RunnerFactory | None = None) -> Handoff | None:
    """Wire handoff reminders for ``app``; None when its store is not SQL (``memory://``
    keeps no rosters). ``runner`` builds the scheduler (default :class:`HandoffRunner`;
    ``sourcewise serve`` passes its metered one)."""
    from bot.handoff.notifiers import NotifierRouter
    from bot.handoff.runner import HandoffRunner, Timing
    from bot.handoff.service import HandoffService
    from bot.handoff.transactions import Handoffs

    store = Handoffs(app.store)
    router = NotifierRouter()
    make: RunnerFactory = runner or HandoffRunner
    scheduler: HandoffRunner = make(store, router, timing=Timing.from_settings(app.settings))
    service = HandoffService(
        store, notifier=router, timing=scheduler.timing, on_change=scheduler.wake
    )
    return Handoff(service=service, runner=scheduler, router=router)
