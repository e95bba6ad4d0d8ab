"""Slack events are saved before they are acknowledged, and finished from the database.

Slack wants its HTTP answer within 3 s, so the turn is worked after the answer went out (a
bolt lazy listener). A replica that stalls or is killed between the two would lose the
user's message, so each event that leads to a conversation turn is first written to the
store's inbox (:class:`bot.store.base.Inbox`) in a short transaction of its own, leased to
this process, and only then acknowledged:

1. before ``ack()``: :meth:`SlackInbox.receive` adds the row; a redelivery of the same
   event (Slack retries with the same event id) is not added again and is only worked if
   the first handling gave up its lease (it failed) or its lease ran out (its process died);
2. after ``ack()``: the lazy listener works the turn (the conversation service's dedupe
   claim makes a second run of one event a no-op or a single resend) and
   :meth:`SlackInbox.settle` marks the row done, or releases the lease when the work failed;
3. :class:`InboxRecovery`, started by the composition root next to the handoff scheduler,
   claims rows whose lease ran out every few seconds, redoes their turn through the same
   listener code (replies go out the adapter's normal sending path) and marks them done;
   after :attr:`InboxTiming.max_attempts` it gives up and logs the id (never the payload).

Nothing slow runs inside an open transaction: each store call is one short unit of work, and
the turn itself runs between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.core.ports import ConversationKey
from bot.store.base import InboxItem, JSONObject, Store, StoreError

__all__ = [
    "PAYLOAD_LIMIT",
    "InboxRecovery",
    "InboxTiming",
    "SlackInbox",
    "TurnKind",
    "worker_id",
]

#: Largest request body kept (JSON characters). Slack's own bodies stay far below (a message
#: is at most 40,000 characters); a bigger one is worked as before, without a saved copy.
PAYLOAD_LIMIT = 96_000


class TurnKind(StrEnum):
    """Which listener redoes an item (stored in the row)."""

    MESSAGE = "message"
    ACTION = "action"
    COMMAND = "command"
    FORM = "form"
    HOME_START = "home_start"


@dataclass(frozen=True, slots=True)
class InboxTiming:
    """``lease``: how long the process working an item has it to itself; longer than any
    turn (a redo while the first handling still runs is safe but may send twice).
    ``interval``: seconds between recovery sweeps. ``batch``: items claimed per sweep.
    ``max_attempts``: claims after which an item is given up."""

    lease: timedelta = timedelta(seconds=30)
    interval: float = 5.0
    batch: int = 20
    max_attempts: int = 5

    def __post_init__(self) -> None:
        if self.lease <= timedelta(0) or self.interval <= 0:
            raise ValueError("the inbox lease and interval must be positive")
        if self.batch < 1 or self.max_attempts < 1:
            raise ValueError("the inbox batch and max_attempts must be at least 1")


def worker_id() -> str:
    """``host:pid:random``: tells replicas apart in ``claimed_by`` and in the logs."""
    return f"slack:{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"[:64]


class SlackInbox:
    """This process's side of the inbox: what is kept, and the leases it holds."""

    def __init__(
        self,
        store: Store,
        *,
        timing: InboxTiming | None = None,
        worker: str | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self._store = store
        self.timing = timing or InboxTiming()
        self.worker = worker or worker_id()
        self._log = logger or logging.getLogger(__name__)

    async def receive(
        self, kind: TurnKind, key: ConversationKey, dedupe_id: str, body: JSONObject
    ) -> bool:
        """Keep ``body`` before it is acknowledged. True: this process works it now (a new
        event, or a redelivery of one whose handling failed or died); False: another
        handling holds it or finished it. Raises :class:`StoreError` (the caller decides
        whether to work the event without a saved copy)."""
        if len(json.dumps(body, ensure_ascii=False)) > PAYLOAD_LIMIT:
            self._log.warning("slack inbox: %s is too large to keep; worked unsaved", kind.value)
            return True
        now = datetime.now(UTC)
        until = now + self.timing.lease
        async with self._store.unit_of_work() as uow:
            held = await uow.inbox.add(
                key,
                dedupe_id,
                kind=kind.value,
                payload=body,
                worker=self.worker,
                now=now,
                lease_until=until,
            )
            if not held:
                held = await uow.inbox.take(
                    dedupe_id, worker=self.worker, now=now, lease_until=until
                )
            await uow.commit()
        return held

    async def settle(self, dedupe_id: str, *, done: bool) -> None:
        """The turn finished (``done``: the row is done) or failed (the lease is released,
        so the recovery loop redoes it at once). A store error is logged: the row then
        stays leased until its lease runs out, and is redone then."""
        try:
            async with self._store.unit_of_work() as uow:
                if done:
                    await uow.inbox.finish(dedupe_id)
                else:
                    await uow.inbox.release(dedupe_id, worker=self.worker, now=datetime.now(UTC))
                await uow.commit()
        except StoreError as exc:
            self._log.warning("slack inbox: could not settle an item: %s", exc)

    async def claim_due(self) -> tuple[InboxItem, ...]:
        """Lease a batch of items whose lease ran out to this process."""
        now = datetime.now(UTC)
        async with self._store.unit_of_work() as uow:
            items = await uow.inbox.claim_due(
                worker=self.worker,
                now=now,
                lease_until=now + self.timing.lease,
                limit=self.timing.batch,
            )
            await uow.commit()
        return items


#: Redo one item's turn through the listeners; True when it is done (or nothing was left
#: to do), False when it failed and should be tried again.
Redo = Callable[[InboxItem], Awaitable[bool]]


class InboxRecovery:
    """The loop that finishes items whose process died (or whose turn failed)."""

    def __init__(
        self, inbox: SlackInbox, redo: Redo, *, logger: logging.Logger | None = None
    ) -> None:
        self.inbox = inbox
        self._redo = redo
        self._log = logger or logging.getLogger(__name__)

    async def sweep(self) -> int:
        """One round: claim a batch, redo each item, settle it; returns how many were
        finished or given up. One item failing does not stop the others."""
        finished = 0
        for item in await self.inbox.claim_due():
            if item.attempts > self.inbox.timing.max_attempts or item.payload is None:
                self._log.error(
                    "slack inbox: gave up on %s %s after %d attempts",
                    item.kind,
                    item.dedupe_id,
                    item.attempts - 1,
                )
                await self.inbox.settle(item.dedupe_id, done=True)
                finished += 1
                continue
            try:
                done = await self._redo(item)
            except Exception:  # the redo already guards the turn; this is a last resort
                self._log.exception("slack inbox: redoing %s failed", item.dedupe_id)
                done = False
            if done:
                self._log.info("slack inbox: finished %s %s", item.kind, item.dedupe_id)
                finished += 1
            await self.inbox.settle(item.dedupe_id, done=done)
        return finished

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep every ``interval`` seconds until ``stop`` is set; a database error is
        logged and the next sweep tries again."""
        while not stop.is_set():
            try:
                await self.sweep()
            except StoreError as exc:
                self._log.warning("slack inbox: recovery sweep failed: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.inbox.timing.interval)
