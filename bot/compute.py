"""Heavy turns off the event loop: a worker pool, one heavy computation per user, a bounded queue.

Why a process pool and not threads: a turn that prices a scenario is 10–300 ms of pure Python
CPU (Erlang solves per hour of the week, every outsourcing destination, the chart). In a
thread it still holds the GIL, so the event loop (webhooks, ``/healthz``, the database
driver's callbacks) only gets the interpreter's 5 ms switch slices, and the process stays on
one core. Measured on the 2-core machine (8 one-line estimates of "N agents phone,chat
en,zh 24/7 US" through a 2-worker pool, while a probe on the loop slept 5 ms at a time; the
machine was also running the test suite): threads took 4.2 s and delayed the loop by
p50 6 ms, p99 75 ms, max 124 ms; processes took 2.0 s (both cores) with p50 0.2 ms, p99
9 ms, max 11 ms. So estimates run in worker processes (``spawn``: nothing of the server's
sockets, threads or database connections is inherited), one per core by default
(``SOURCEWISE_WORKERS``).

What runs where (:meth:`TurnRunner.turn`): the pure turn is first tried on the loop with an
estimator that refuses to price (:class:`_NeedsWorker`); a question turn never asks for an
estimate, so it finishes there in about a millisecond with no pickling and no queueing behind
somebody's estimate. A turn that asks for an estimate (calculate, why, details, what if, a
submitted form) is abandoned on the loop (the step is pure, so nothing happened) and run again,
whole, in a worker: the step *and* its rendering, chart included.

Fairness: a user has at most one heavy computation in flight (a second one, say a double
tap on "calculate", is answered "busy, one moment"); at most ``workers + queue`` heavy
computations are in flight in the process, and one more is answered "busy" at once instead
of waiting without bound. A busy answer raises :class:`Busy`: the service then changes no
state and claims no update id.

"why?" and "details" explain the estimate the result showed: the service hands the stored
estimate in as ``known`` and :class:`Reusing` returns it instead of pricing the scenario
again (only a scenario it does not know is priced).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from bot.core.events import Event, Reply
from bot.core.machine import Estimator
from bot.core.saved import SavedEstimate
from bot.core.state import ConversationState
from bot.turn import TurnResult, answer_quick, run_turn
from costengine import Estimate, RateCard, Scenario, estimate

__all__ = [
    "DEFAULT_QUEUE_PER_WORKER",
    "Busy",
    "PoolKind",
    "RateCardEstimator",
    "Reusing",
    "TurnRunner",
    "default_workers",
    "warm_core",
    "warm_up",
]

_log = logging.getLogger(__name__)

#: Heavy computations that may wait for a worker, per worker, before "busy" is answered.
DEFAULT_QUEUE_PER_WORKER = 4
#: A computation still running after this long is reported as failed (its worker finishes
#: it regardless; bounded inputs keep the slowest estimate far below this).
COMPUTE_TIMEOUT_SECONDS = 60.0

T = TypeVar("T")


class Busy(Exception):
    """No capacity for this heavy computation now (the user already has one in flight, or the
    queue is full). Answer "busy, one moment" and change nothing."""


class PoolKind(StrEnum):
    PROCESS = "process"  # the server: worker processes, sized to the cores
    INLINE = "inline"  # the terminal chat and unit tests: on the loop, nothing to share


def default_workers() -> int:
    """One worker per core this process may use (at least one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


# --- what the workers run --------------------------------------------------------------------


class RateCardEstimator:
    """The engine with the operator's rate cards: ``cards`` maps a region to its card with
    the override file applied (read and validated once, at start, by the app), None for the
    built-in cards. Picklable, so the workers get the very cards the app validated and never
    read the file themselves."""

    def __init__(self, cards: Mapping[str, RateCard] | None = None) -> None:
        self.cards = dict(cards) if cards is not None else None

    def __call__(self, scenario: Scenario) -> Estimate:
        if self.cards is None:
            return estimate(scenario)
        return estimate(scenario, self.cards[scenario.region])


class Reusing:
    """An estimator that answers ``known`` for the scenario it was computed from, and prices
    anything else with ``inner``: "why?" explains the very estimate the result showed."""

    def __init__(self, inner: Estimator, known: Estimate | None) -> None:
        self._inner = inner
        self._known = known

    def __call__(self, scenario: Scenario) -> Estimate:
        if self._known is not None and self._known.scenario == scenario:
            return self._known
        return self._inner(scenario)


#: The estimator of a worker process (set by :func:`_init_worker`).
_WORKER_ESTIMATOR = RateCardEstimator()


def compute_turn(
    state: ConversationState | None,
    event: Event,
    locale: str | None,
    known: Estimate | None,
    saved: tuple[SavedEstimate, ...] = (),
) -> TurnResult:
    """In a worker: one whole turn (step and rendering), pricing only what ``known`` does
    not cover."""
    priced = Reusing(_WORKER_ESTIMATOR, known)
    return run_turn(state, event, locale=locale, estimator=priced, saved=saved)


def compute_quick(text: str, locale: str) -> tuple[tuple[Reply, ...], Estimate | None]:
    """In a worker: a one-line estimate ("8 agents phone 24/7 US") and its estimate."""
    return _quick(text, locale, _WORKER_ESTIMATOR)


def _quick(
    text: str, locale: str, estimator: Estimator
) -> tuple[tuple[Reply, ...], Estimate | None]:
    replies, priced = answer_quick(text, locale, estimator=estimator)
    return tuple(replies), priced


#: How much lower a worker's CPU priority is than its server's (``nice`` increment).
WORKER_NICENESS = 10


def _init_worker(estimator: RateCardEstimator) -> None:
    """A new worker: yield the CPU to its server, watch for the server's death, take the
    app's rate cards, then build what the first turn would.

    Lower priority because the server's event loop is what everyone waits on: question
    turns, webhooks' acknowledgements and ``/healthz`` each need a few milliseconds of CPU,
    an estimate tens to hundreds. With both at the same priority on a saturated machine the
    kernel shares the cores evenly and a 3 ms answer waits behind estimates; niced workers
    still get every idle cycle, so estimates lose nothing on a quiet machine."""
    global _WORKER_ESTIMATOR
    with contextlib.suppress(OSError):  # a sandbox may refuse; the worker still works
        os.nice(WORKER_NICENESS)
    _watch_parent(os.getppid())
    _WORKER_ESTIMATOR = estimator
    warm_up()


#: How often a worker checks that the server that started it is still alive.
PARENT_CHECK_SECONDS = 1.0


def _watch_parent(parent: int) -> None:
    """Exit when the server that started this worker dies.

    A worker waits on a queue whose both ends it holds, so a server killed with SIGKILL (an
    OOM kill, ``kill -9``, a crashed container runtime) never closes it and the worker would
    wait, holding its memory, for ever. Orphans are re-parented, so a changed parent id means
    the server is gone. A thread rather than ``PR_SET_PDEATHSIG``: that fires when the
    *thread* that forked exits, which for a pool started from a worker thread is any time.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def warm_core() -> None:
    """Build what the first question turns would otherwise build while a user waits: the
    core's vocabularies (CLDR names in every language, about 2 s). All a server whose
    workers price needs: the engine and the charts (numpy and matplotlib, about 50 MB) stay
    in the workers."""
    from bot.core.events import Start, Text
    from bot.render.env import LOCALES

    for locale in LOCALES:
        started = run_turn(None, Start(locale=locale))
        run_turn(started.state, Text("1"))


def warm_up() -> None:
    """:func:`warm_core`, then the engine and chart code (a one-line estimate, about 2 s):
    what a process that prices builds before its first estimate. Runs before the server
    listens, so a load balancer's health check only sends traffic to a replica that answers
    at full speed."""
    warm_core()
    answer_quick("8 agents", "en")


def _ready() -> int:
    return os.getpid()


def _inline_turn(
    state: ConversationState | None,
    event: Event,
    locale: str | None,
    estimator: Estimator,
    saved: tuple[SavedEstimate, ...] = (),
) -> TurnResult:
    return run_turn(state, event, locale=locale, estimator=estimator, saved=saved)


class _NeedsWorker(Exception):
    """Raised by the loop's probe estimator: this turn prices something, run it in a worker."""


def _refuse(_: Scenario) -> Estimate:
    raise _NeedsWorker


# --- the runner --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunnerStats:
    """What the runner is doing now (the bench and ``/metrics`` read it)."""

    workers: int
    capacity: int
    in_flight: int
    worker_pids: tuple[int, ...]


class TurnRunner:
    """Runs turns and one-line estimates: light ones on the loop, heavy ones in the pool.

    ``workers`` processes (``kind`` PROCESS) or none (INLINE: heavy work runs on the loop,
    for the terminal chat and unit tests); ``queue`` heavy computations may wait beyond the
    ones running before :class:`Busy` is raised. ``estimator`` prices scenarios (default:
    the built-in rate cards); it is sent to each worker once, at its start. Workers start on
    first use, or all at once with :meth:`start`.
    """

    def __init__(
        self,
        *,
        kind: PoolKind = PoolKind.INLINE,
        workers: int | None = None,
        queue: int | None = None,
        estimator: RateCardEstimator | None = None,
    ) -> None:
        self.kind = kind
        self.workers = workers if workers is not None else default_workers()
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        queue = queue if queue is not None else DEFAULT_QUEUE_PER_WORKER * self.workers
        if queue < 0:
            raise ValueError("queue must not be negative")
        self.capacity = self.workers + queue
        self.estimator = estimator if estimator is not None else RateCardEstimator()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._in_flight = 0
        self._users: set[Hashable] = set()

    # --- lifecycle ---------------------------------------------------------------------------

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.estimator,),
            )
        return self._pool

    async def start(self) -> None:
        """Start (and warm) every worker now rather than on the first heavy turn."""
        if self.kind is not PoolKind.PROCESS:
            return
        loop = asyncio.get_running_loop()
        pool = self._executor()
        await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(self.workers)))

    def close(self) -> None:
        """Stop the workers (work in flight is abandoned: its turns were not saved)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def stats(self) -> RunnerStats:
        pids: tuple[int, ...] = ()
        if self._pool is not None:
            processes = getattr(self._pool, "_processes", None) or {}
            pids = tuple(sorted(processes))
        return RunnerStats(self.workers, self.capacity, self._in_flight, pids)

    # --- work --------------------------------------------------------------------------------

    async def turn(
        self,
        user: Hashable,
        state: ConversationState | None,
        event: Event,
        *,
        locale: str | None,
        known: Estimate | None,
        saved: tuple[SavedEstimate, ...] = (),
    ) -> TurnResult:
        """The turn's result; raises :class:`Busy` when a heavy turn finds no capacity.
        ``saved``: the user's saved estimates, for a turn that lists, reopens or deletes."""
        try:
            return run_turn(state, event, locale=locale, estimator=_refuse, saved=saved)
        except _NeedsWorker:
            pass
        if self.kind is PoolKind.INLINE:
            priced = Reusing(self.estimator, known)
            return await self._heavy(user, _inline_turn, state, event, locale, priced, saved)
        return await self._heavy(user, compute_turn, state, event, locale, known, saved)

    async def quick(
        self, user: Hashable, text: str, locale: str
    ) -> tuple[tuple[Reply, ...], Estimate | None]:
        """A one-line estimate; raises :class:`Busy` like :meth:`turn`."""
        if self.kind is PoolKind.INLINE:
            return await self._heavy(user, _quick, text, locale, self.estimator)
        return await self._heavy(user, compute_quick, text, locale)

    async def _heavy(self, user: Hashable, fn: Callable[..., T], *args: Any) -> T:
        if user in self._users or self._in_flight >= self.capacity:
            raise Busy
        self._users.add(user)
        self._in_flight += 1
        release = True
        try:
            if self.kind is PoolKind.INLINE:
                return fn(*args)
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self._executor(), fn, *args)
            try:
                async with asyncio.timeout(COMPUTE_TIMEOUT_SECONDS):
                    return await asyncio.shield(future)
            except TimeoutError:
                # The worker is still busy with it: keep its slot taken until it is done.
                release = False
                future.add_done_callback(lambda _: self._release(user))
                raise
        except BrokenProcessPool:
            # A worker died (an OOM kill, a crash): the next turns get a fresh pool; this one
            # fails like any error (nothing was saved, so the platform may redeliver it).
            _log.error("a worker process died; restarting the pool")
            broken, self._pool = self._pool, None
            if broken is not None:
                with contextlib.suppress(Exception):
                    broken.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            if release:
                self._release(user)

    def _release(self, user: Hashable) -> None:
        self._in_flight -= 1
        self._users.discard(user)
