"""The scheduler: posts each handoff reminder once, on time, across restarts and replicas.

Every tick reads the rosters from the database (nothing lives only in memory), computes the
shift changes whose reminder is due (:func:`bot.handoff.schedule.changes_between`), and
for each one takes a **claim** — a row in ``handoff_fires`` under the unique key
``(roster, region, change instant, kind)`` — *before* posting. Only the instance whose
INSERT created the row posts; the others see the row and move on.

What "exactly once" means here, precisely:

- Two replicas, or one replica ticking twice, never both post a reminder: the claim is a
  unique-key insert, decided by the database.
- A crash after claiming and before posting loses nothing: a claim not confirmed within
  the **lease** (default 60 s) is re-claimed (compare-and-set on ``attempts``) and posted
  by whichever instance gets there first, if the reminder is still inside its **grace**
  window; otherwise it is marked ``failed`` and logged.
- A post that the platform accepted is recorded (``sent``/``late`` + message id) right
  after, retried a few times if the database blips. The one window left is a crash (or a
  network timeout after the platform already accepted the message) *between* the
  platform's acceptance and that commit: recovery then posts a second copy. Neither Slack
  nor Telegram offers an idempotency key, so no design can close this window without
  reading channel history; it is milliseconds wide in practice, and it is at-least-once,
  never zero. A send is bounded by ``send_timeout`` < ``lease``, so a slow post is never
  re-claimed while it is still in flight.
- Missed while down: a reminder whose due time passed while no instance ran is posted
  once, marked **late**, if within the grace window; beyond it, a ``skipped`` row is
  recorded (so it is logged once, not on every tick) and nothing is posted. Only changes
  from the last ``lookback`` (1 day) are considered, and never changes from before a
  region was added or a roster resumed.
- Escalation: a posted reminder with no acknowledgement ``ack`` minutes after posting gets
  one escalation message (its own claim row, ``kind = escalation``, same machinery).

Replicas must agree on the time to within a small fraction of the lease (NTP is plenty).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.config import Settings
from bot.core.events import Reply
from bot.handoff.errors import DeliveryError, HandoffError
from bot.handoff.messages import change_payload, escalation_reply, reminder_reply
from bot.handoff.records import DeliveryKind, Fire, FireStatus, PlannedFire, StoredRoster
from bot.handoff.roster import TeamKey
from bot.handoff.schedule import changes_between
from bot.handoff.transactions import Handoffs
from bot.render.env import Renderer, renderer
from bot.store import StoreUnavailable

__all__ = [
    "Clock",
    "HandoffRunner",
    "Notifier",
    "SystemClock",
    "TickReport",
    "Timing",
    "default_worker_id",
]

log = logging.getLogger(__name__)

_TICK = timedelta(microseconds=1)


class Clock(Protocol):
    """Where the runner gets the time and waits: the system clock, or a test's fake."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Notifier(Protocol):
    """Posts to a team channel (Slack channel, Telegram group).

    ``post`` returns the platform's message id (Slack ``ts``, Telegram ``message_id``);
    ``thread`` names a message to reply under. Failures raise
    :class:`~bot.handoff.errors.DeliveryError` (``permanent`` when retrying cannot help).
    """

    async def post(self, channel: TeamKey, reply: Reply, *, thread: str | None = None) -> str: ...

    async def update(self, channel: TeamKey, message_id: str, reply: Reply) -> None: ...


@dataclass(frozen=True, slots=True)
class Timing:
    """The scheduler's time budget (lead, grace and ack come from :class:`Settings`)."""

    lead: timedelta = timedelta(minutes=15)
    grace: timedelta = timedelta(minutes=30)
    ack: timedelta = timedelta(minutes=20)
    #: Posted more than this after the due time: marked (and labelled) late.
    late_after: timedelta = timedelta(minutes=1)
    #: An unconfirmed claim older than this is presumed dead and re-claimed.
    lease: timedelta = timedelta(seconds=60)
    #: A single post may take this long; must stay below ``lease``.
    send_timeout: timedelta = timedelta(seconds=25)
    #: Longest sleep between ticks (roster edits by other replicas show up this fast).
    poll: timedelta = timedelta(seconds=60)
    #: How far back a tick looks for changes missed while down.
    lookback: timedelta = timedelta(days=1)
    max_attempts: int = 5

    def __post_init__(self) -> None:
        if self.send_timeout >= self.lease:
            raise ValueError("send_timeout must be shorter than the lease")
        if min(self.lead, self.grace, self.ack) < timedelta(0) or self.lease <= timedelta(0):
            raise ValueError("handoff timings must not be negative")

    @classmethod
    def from_settings(cls, settings: Settings) -> Timing:
        return cls(
            lead=timedelta(minutes=settings.handoff_lead_minutes),
            grace=timedelta(minutes=settings.handoff_grace_minutes),
            ack=timedelta(minutes=settings.handoff_ack_minutes),
        )


@dataclass(slots=True)
class TickReport:
    """What one tick did, by fire id (for logs and tests)."""

    sent: list[int] = field(default_factory=list)
    late: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    #: Posted, but another instance had re-claimed the row meanwhile (a possible duplicate).
    lost: list[int] = field(default_factory=list)
    next_wakeup: datetime | None = None


def default_worker_id() -> str:
    """``host:pid:random``: tells replicas apart in ``claimed_by`` and in the logs."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"[:64]


class HandoffRunner:
    """Runs :meth:`tick` whenever something is due; see the module docstring."""

    def __init__(
        self,
        store: Handoffs,
        notifier: Notifier,
        *,
        clock: Clock | None = None,
        timing: Timing | None = None,
        render: Renderer | None = None,
        worker: str | None = None,
    ) -> None:
        self._store = store
        self._notifier = notifier
        self._clock = clock or SystemClock()
        self._timing = timing or Timing()
        self._renderer = render or renderer()
        self.worker = worker or default_worker_id()
        self._wake = asyncio.Event()

    @property
    def timing(self) -> Timing:
        return self._timing

    def wake(self) -> None:
        """Tick now (a roster changed in this process); other replicas notice by polling."""
        self._wake.set()

    # --- the loop ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Tick until ``stop`` is set. Database outages are logged and retried with backoff."""
        stop = stop or asyncio.Event()
        backoff = 1.0
        first = True
        while not stop.is_set():
            try:
                report = await self.tick()
            except StoreUnavailable as exc:
                log.warning("handoff scheduler: %s; retrying in %.0f s", exc, backoff)
                delay = backoff
                backoff = min(backoff * 2, self._timing.poll.total_seconds())
            except Exception:  # a bug in one tick must not stop every future reminder
                log.exception("handoff scheduler tick failed")
                delay = self._timing.poll.total_seconds()
            else:
                backoff = 1.0
                assert report.next_wakeup is not None
                delay = (report.next_wakeup - self._clock.now()).total_seconds()
                if first:
                    log.info(
                        "handoff scheduler %s started; next wake-up %s",
                        self.worker,
                        report.next_wakeup.isoformat(),
                    )
                    first = False
            await self._pause(max(delay, 0.0), stop)

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        waits = {
            asyncio.ensure_future(self._clock.sleep(seconds)),
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(stop.wait()),
        }
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            for task in waits:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._wake.clear()

    # --- one tick ----------------------------------------------------------------------------

    async def tick(self) -> TickReport:
        """Recover abandoned claims, post what is due, escalate what went unacknowledged."""
        report = TickReport()
        now = self._clock.now()
        timing = self._timing
        await self._recover(report)
        rosters = await self._store.rosters()
        since = now - timing.lookback
        known = await self._store.known_keys(since - timing.grace)
        for roster in rosters:
            try:
                await self._due(roster, now, since, known, report)
            except HandoffError:
                log.exception("handoff roster %s could not be scheduled", roster.id)
        await self._escalate(now, report)
        report.next_wakeup = await self._next_wakeup(rosters, now)
        return report

    async def _recover(self, report: TickReport) -> None:
        """Re-claim abandoned claims one at a time, each just before posting it, so every
        claim's lease starts when its own post starts (never shortened by earlier posts)."""
        timing = self._timing
        for _ in range(100):  # a bound, not a goal: each round settles one row
            retry, dead = await self._store.reclaim_abandoned(
                worker=self.worker,
                now=self._clock.now(),
                lease=timing.lease,
                grace=timing.grace,
                limit=1,
            )
            for fire in dead:
                log.error(
                    "handoff %s %s for %s/%s (%s) never confirmed; grace passed, given up",
                    fire.kind,
                    fire.id,
                    fire.team.platform,
                    fire.team.channel,
                    fire.change_at.isoformat(),
                )
                report.failed.append(fire.id)
            for fire in retry:
                log.warning(
                    "handoff %s %s: claim abandoned by a crashed or failed attempt; attempt %d",
                    fire.kind,
                    fire.id,
                    fire.attempts,
                )
                await self._deliver(fire, report)
            if not retry and not dead:
                return

    async def _due(
        self,
        roster: StoredRoster,
        now: datetime,
        since: datetime,
        known: set[tuple[int, str, datetime, str]],
        report: TickReport,
    ) -> None:
        lead, grace = self._timing.lead, self._timing.grace
        regions = roster.roster.regions
        for change in changes_between(regions, since + lead, now + lead + _TICK):
            key = (roster.id, change.outgoing.key, change.at, DeliveryKind.REMINDER.value)
            active_from = roster.since(change.outgoing.key)
            if key in known or change.at <= active_from:
                continue
            # A region added (or a roster resumed) after the due time is reminded at once.
            due = max(change.at - lead, active_from)
            plan = PlannedFire(
                roster_id=roster.id,
                kind=DeliveryKind.REMINDER,
                region_key=change.outgoing.key,
                change_at=change.at,
                due_at=due,
                payload=change_payload(change),
            )
            if now - due > grace:
                skipped = await self._store.skip(plan, worker=self.worker, now=now)
                if skipped is not None:
                    log.warning(
                        "handoff reminder %s→%s for %s/%s at %s skipped: due %s, "
                        "grace of %s passed while no scheduler ran",
                        change.outgoing.name,
                        change.incoming.name,
                        roster.team.platform,
                        roster.team.channel,
                        change.at.isoformat(),
                        due.isoformat(),
                        grace,
                    )
                    report.skipped.append(skipped.id)
                continue
            # claimed_at is the real claim time: earlier posts in this tick took time too
            fire = await self._store.claim(plan, worker=self.worker, now=self._clock.now())
            if fire is not None:
                await self._deliver(fire, report)

    async def _escalate(self, now: datetime, report: TickReport) -> None:
        for parent in await self._store.escalation_candidates(now):
            assert parent.escalate_at is not None
            plan = PlannedFire(
                roster_id=parent.roster_id,
                kind=DeliveryKind.ESCALATION,
                region_key=parent.region_key,
                change_at=parent.change_at,
                due_at=parent.escalate_at,
                payload={
                    **parent.payload,
                    "reminder_id": parent.id,
                    "reminder_message": parent.message_id,
                },
                parent_id=parent.id,
            )
            if now - parent.escalate_at > self._timing.grace:
                skipped = await self._store.skip(plan, worker=self.worker, now=now)
                if skipped is not None:
                    log.warning("handoff escalation for reminder %s skipped: too old", parent.id)
                    report.skipped.append(skipped.id)
                continue
            fire = await self._store.claim(plan, worker=self.worker, now=self._clock.now())
            if fire is not None:
                await self._deliver(fire, report)

    async def _next_wakeup(self, rosters: list[StoredRoster], now: datetime) -> datetime:
        lead, poll = self._timing.lead, self._timing.poll
        candidates = [now + poll]
        for roster in rosters:
            upcoming = changes_between(roster.roster.regions, now + lead + _TICK, now + lead + poll)
            candidates.extend(change.at - lead for change in upcoming[:1])
        candidates.extend(await self._store.next_wakeups(now, self._timing.lease))
        return min(candidates)

    # --- delivery ----------------------------------------------------------------------------

    def _message(self, fire: Fire, now: datetime) -> tuple[Reply, str | None]:
        if fire.kind is DeliveryKind.ESCALATION:
            reply = escalation_reply(
                self._renderer,
                fire.locale,
                fire.payload,
                ack_minutes=int(self._timing.ack.total_seconds() // 60),
            )
            thread = fire.payload.get("reminder_message")
            return reply, thread if isinstance(thread, str) else None
        late = now - fire.due_at > self._timing.late_after
        reply = reminder_reply(
            self._renderer, fire.locale, fire.payload, fire_id=fire.id, late=late
        )
        return reply, None

    async def _deliver(self, fire: Fire, report: TickReport) -> None:
        reply, thread = self._message(fire, self._clock.now())
        try:
            async with asyncio.timeout(self._timing.send_timeout.total_seconds()):
                message_id = await self._notifier.post(fire.team, reply, thread=thread)
        except DeliveryError as exc:
            await self._attempt_failed(fire, str(exc), exc.permanent, report)
            return
        except TimeoutError:
            await self._attempt_failed(fire, "post timed out", False, report)
            return
        except Exception as exc:  # a notifier bug must not stop the scheduler
            log.exception("handoff %s %s: notifier raised", fire.kind, fire.id)
            await self._attempt_failed(fire, f"{type(exc).__name__}: {exc}", False, report)
            return
        sent_at = self._clock.now()
        late = sent_at - fire.due_at > self._timing.late_after
        escalate_at = sent_at + self._timing.ack if fire.kind is DeliveryKind.REMINDER else None
        if await self._record(fire, message_id, late, sent_at, escalate_at):
            if fire.kind is DeliveryKind.ESCALATION:
                report.escalated.append(fire.id)
            else:
                (report.late if late else report.sent).append(fire.id)
            log.info(
                "handoff %s %s posted to %s/%s%s",
                fire.kind,
                fire.id,
                fire.team.platform,
                fire.team.channel,
                " (late)" if late else "",
            )
        else:
            log.error(
                "handoff %s %s was posted but its claim had been taken over: "
                "the channel may show it twice",
                fire.kind,
                fire.id,
            )
            report.lost.append(fire.id)

    async def _record(
        self,
        fire: Fire,
        message_id: str,
        late: bool,
        sent_at: datetime,
        escalate_at: datetime | None,
    ) -> bool:
        """Confirm the post; a database blip is retried (each retry narrows the window in
        which a crash would make recovery post a second copy)."""
        delays = (0.2, 1.0, 3.0)
        for attempt in range(len(delays) + 1):
            try:
                return await self._store.mark_posted(
                    fire, message_id=message_id, late=late, now=sent_at, escalate_at=escalate_at
                )
            except StoreUnavailable:
                if attempt == len(delays):
                    raise
                await self._clock.sleep(delays[attempt])
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt_failed(
        self, fire: Fire, error: str, permanent: bool, report: TickReport
    ) -> None:
        status = await self._store.mark_attempt_failed(
            fire, error=error, permanent=permanent, max_attempts=self._timing.max_attempts
        )
        if status is FireStatus.FAILED:
            log.error("handoff %s %s failed for good: %s", fire.kind, fire.id, error)
            report.failed.append(fire.id)
        else:
            log.warning(
                "handoff %s %s attempt %d failed (%s); retrying after the lease",
                fire.kind,
                fire.id,
                fire.attempts,
                error,
            )
            report.retrying.append(fire.id)
