"""The conversation service: the imperative shell around the pure conversation core.

One turn is one unit of work (cosmicpython's service layer): claim the platform's update id,
load the state, run the pure :func:`bot.core.machine.step`, save the new state, record the
replies and the estimate, commit. Either all of it is durable or none of it is, so a process
killed at any moment resumes at the same question with every answer kept, and an update
delivered twice (a Telegram restart, a Slack retry) is answered once.

Two replicas handling consecutive turns of one conversation serialize on the row lock
(PostgreSQL) or the write lock (SQLite); when they still collide the version check rejects
the loser with :class:`StaleConversation` and the turn is redone from a fresh load: the pure
step makes redoing safe, since nothing left the process yet.

After the adapter has sent a turn's replies it calls :meth:`ConversationService.mark_delivered`;
a redelivered update whose replies were never marked (crash between commit and send) gets
them once more, one that was marked gets nothing. A redelivery arriving while the first
delivery may still be sending waits (up to ``resend_after`` from the claim) to tell the two
apart, so a slow turn retried by Slack is still answered once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.core.events import Event, Reply, Start
from bot.core.machine import Estimator
from bot.core.ports import ConversationKey, Conversations, Turn
from bot.core.quick import answer_quick
from bot.core.state import STATE_VERSION, ConversationState
from bot.store import StaleConversation, Store, replies_from_json, replies_to_json
from bot.store.base import JSONObject
from bot.turn import run_turn
from costengine.results import Estimate

__all__ = ["DEFAULT_RESEND_AFTER", "ConversationService", "estimate_summary"]

_log = logging.getLogger(__name__)

#: Replies still undelivered this long after the claim are presumed lost with their process.
DEFAULT_RESEND_AFTER = timedelta(seconds=10)
#: How often a redelivered update looks again whether the first delivery finished sending.
_RESEND_POLL_SECONDS = 0.25


def estimate_summary(estimate: Estimate) -> JSONObject:
    """What the estimate history keeps: enough to list and compare past estimates (the full
    estimate can be recomputed from ``scenario``). Money as strings, never floats."""
    recommendation = estimate.recommendation
    return {
        "currency": estimate.currency,
        "recommended": recommendation.model.value,
        "ranking": [model.value for model in recommendation.ranking],
        "monthly_totals": {
            model.value: str(cost.monthly_total) for model, cost in estimate.models.items()
        },
        "savings_vs_runner_up": str(recommendation.savings_vs_runner_up),
        "fx_date": estimate.fx_date,
        "scenario": estimate.scenario.model_dump(mode="json"),
    }


def _restore(stored: JSONObject | None) -> ConversationState | None:
    """The saved state, or None (start afresh) when there is none or it no longer fits the
    current code: a state of another shape must not wedge the user's every message."""
    if stored is None:
        return None
    if stored.get("version") != STATE_VERSION:
        _log.warning("dropping a conversation state of version %r", stored.get("version"))
        return None
    try:
        return ConversationState.model_validate(stored)
    except ValidationError:
        _log.warning("dropping a conversation state that no longer validates", exc_info=True)
        return None


class ConversationService:
    """Implements :class:`bot.core.ports.Conversations` over a :class:`bot.store.Store`.

    ``estimator`` prices scenarios (default: the engine with the built-in rate cards; the
    app binds the operator's rate-card file). ``default_locale`` is used for a new
    conversation when the platform gives no language. ``max_attempts`` bounds how often a
    turn is redone after losing a race before :class:`StaleConversation` reaches the caller.
    ``resend_after``: how long after its first delivery an update's undelivered replies are
    taken as lost rather than still being sent (see :meth:`_duplicate`).
    """

    def __init__(
        self,
        store: Store,
        *,
        estimator: Estimator | None = None,
        default_locale: str | None = None,
        max_attempts: int = 8,
        resend_after: timedelta = DEFAULT_RESEND_AFTER,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._store = store
        self._estimator = estimator
        self._default_locale = default_locale
        self._max_attempts = max_attempts
        self._resend_after = resend_after

    async def handle(
        self,
        key: ConversationKey,
        event: Event,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        """Run one event through the core and persist the outcome atomically.

        ``dedupe_id`` is the platform's update/event id: a second delivery returns
        ``Turn(duplicate=True)`` with the replies to resend (if the first were never marked
        delivered, once) or none; while the first may still be sending, it waits up to
        ``resend_after`` from the first delivery to decide.
        """
        for attempt in range(1, self._max_attempts + 1):
            try:
                turn = await self._turn(key, event, dedupe_id=dedupe_id, locale=locale)
            except StaleConversation:
                if attempt == self._max_attempts:
                    raise
                # Jittered backoff so colliding replicas do not collide again in lockstep.
                await asyncio.sleep(random.uniform(0, 0.005 * attempt))
                continue
            if turn is None:  # only a claimed update can be a duplicate
                assert dedupe_id is not None
                return await self._duplicate(key, dedupe_id)
            return turn
        raise AssertionError("unreachable")  # pragma: no cover

    async def _turn(
        self, key: ConversationKey, event: Event, *, dedupe_id: str | None, locale: str | None
    ) -> Turn | None:
        """One attempt at a turn; None when ``dedupe_id`` was claimed before."""
        async with self._store.unit_of_work() as uow:
            if dedupe_id is not None and not await uow.updates.claim(key, dedupe_id):
                return None
            snapshot = await uow.conversations.load(key)
            state = _restore(snapshot.state)
            if state is None and locale is None and not (isinstance(event, Start) and event.locale):
                locale = self._default_locale
            result = run_turn(state, event, locale=locale, estimator=self._estimator)
            await uow.conversations.save(
                key, result.state.model_dump(mode="json"), expected_version=snapshot.version
            )
            if dedupe_id is not None:
                await uow.updates.record_replies(key, dedupe_id, replies_to_json(result.replies))
            if result.estimate is not None:
                await uow.estimates.add(key, estimate_summary(result.estimate))
            await uow.commit()
        return Turn(replies=tuple(result.replies), locale=result.state.locale)

    async def _duplicate(self, key: ConversationKey, dedupe_id: str) -> Turn:
        """A redelivered update. Its replies are resent only if they are still undelivered
        ``resend_after`` after the claim: until then the first delivery may simply still be
        sending them (a Slack retry of a slow turn, a second replica), so this waits and
        looks again rather than answer twice."""
        while True:
            async with self._store.unit_of_work() as uow:
                status = await uow.updates.status(key, dedupe_id)
                if status is None or not status.resendable:
                    return Turn(replies=(), duplicate=True)
                due = status.claimed_at + self._resend_after
                wait = (due - datetime.now(UTC)).total_seconds()
                if wait <= 0:
                    stored = await uow.updates.take_undelivered(key, dedupe_id)
                    saved = (await uow.conversations.load(key)).state if stored else None
                    await uow.commit()
                    language = saved.get("locale") if saved else None
                    return Turn(
                        replies=self._decode(stored),
                        duplicate=True,
                        locale=language if isinstance(language, str) else None,
                    )
            await asyncio.sleep(min(wait, _RESEND_POLL_SECONDS))

    @staticmethod
    def _decode(stored: list[JSONObject] | None) -> tuple[Reply, ...]:
        if not stored:
            return ()
        try:
            return replies_from_json(stored)
        except ValueError:
            _log.warning("stored replies could not be decoded; not resending", exc_info=True)
            return ()

    async def mark_delivered(self, key: ConversationKey, dedupe_id: str) -> None:
        """The adapter sent the replies of update ``dedupe_id``: never resend them."""
        async with self._store.unit_of_work() as uow:
            await uow.updates.mark_delivered(key, dedupe_id)
            await uow.commit()

    async def quick_estimate(
        self, text: str, *, locale: str | None = None, key: ConversationKey | None = None
    ) -> tuple[Reply, ...]:
        """Answer a one-line request ("40 agents, 24/7, Poland") without a conversation; the
        estimate goes into ``key``'s history when a key is given."""
        replies, estimate = answer_quick(
            text, locale or self._default_locale or "", estimator=self._estimator
        )
        if key is not None and estimate is not None:
            async with self._store.unit_of_work() as uow:
                await uow.estimates.add(key, estimate_summary(estimate))
                await uow.commit()
        return tuple(replies)

    async def recent_estimates(
        self, key: ConversationKey, *, limit: int = 5
    ) -> tuple[dict[str, Any], ...]:
        """``key``'s latest estimate summaries, newest first, each with ``created_at`` (ISO)."""
        async with self._store.unit_of_work() as uow:
            records = await uow.estimates.recent(key, limit)
        return tuple({**r.summary, "created_at": r.created_at.isoformat()} for r in records)


if TYPE_CHECKING:

    def _implements_the_port(service: ConversationService) -> Conversations:
        return service  # mypy fails here the moment the service drifts from the port
