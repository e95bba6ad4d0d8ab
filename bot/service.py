"""The conversation service: the imperative shell around the pure conversation core.

One turn, three steps:

1. **load**, a short read-only transaction: is the update id already claimed (then this is a
   redelivery, see :meth:`ConversationService._duplicate`)? The state, its version, and the
   estimate the last result showed (when the conversation is at a result).
2. **compute**, outside any transaction: :meth:`bot.compute.TurnRunner.turn` runs the pure
   :func:`bot.turn.run_turn` (step and rendering) on the loop when it is a question turn, or
   in a worker process when it prices something, so an estimate never blocks the event loop
   nor holds a database lock. No capacity: :class:`bot.compute.Busy`, answered with a
   localized "busy, one moment" that changes nothing (no state, no claim).
3. **save**, one transaction: claim the update id, save the state with the version it was
   loaded at, record the replies, the estimate history and the estimate to explain later;
   commit. Either all of it is durable or none of it is, so a process killed at any moment
   resumes at the same question, and an update delivered twice is answered once.

Two replicas handling consecutive turns of one conversation both compute, but only the first
save wins: the loser's version check fails with :class:`StaleConversation` and its turn is
redone from a fresh load (the pure step makes redoing safe, since nothing left the process
yet); a second delivery of the same update loses on the claim and becomes a duplicate.

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
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.compute import Busy, TurnRunner
from bot.core.events import Event, Quick, Reply, ReplyKind, Start
from bot.core.locales import normalize_locale
from bot.core.ports import ConversationKey, Conversations, Turn
from bot.core.quick import goes_on_as_conversation
from bot.core.saved import (
    SAVED_LIMIT,
    DeleteSaved,
    ForgetUser,
    SavedEstimate,
    saved_estimate,
    wants_saved,
)
from bot.core.state import STATE_VERSION, ConversationState, Phase
from bot.render.catalog import lookup
from bot.store import StaleConversation, Store, UserScope, replies_from_json, replies_to_json
from bot.store.base import JSONObject, UnitOfWork
from costengine.results import Estimate

__all__ = [
    "DEFAULT_RESEND_AFTER",
    "ConversationService",
    "busy_reply",
    "decode_estimate",
    "encode_estimate",
    "estimate_summary",
]

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


def encode_estimate(estimate: Estimate) -> bytes:
    """The estimate as kept with the conversation: compressed JSON (about 10 KB)."""
    return zlib.compress(estimate.model_dump_json().encode(), 6)


def decode_estimate(data: bytes | None) -> Estimate | None:
    """The kept estimate, or None when there is none or it no longer fits the current code
    (then "why?" prices the scenario again, which gives the same figures)."""
    if data is None:
        return None
    try:
        return Estimate.model_validate_json(zlib.decompress(data))
    except (zlib.error, ValueError):
        _log.info("a kept estimate no longer decodes; it will be priced again")
        return None


def busy_reply(locale: str | None) -> Reply:
    """ "Busy, one moment": no capacity for a heavy turn now; nothing was changed."""
    return Reply(text=lookup(locale or "en", "error.busy"), kind=ReplyKind.INFO)


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

    ``runner`` computes turns and one-line estimates (default: on the loop, with the
    built-in rate cards; the server passes a worker pool with the operator's rate-card
    file). ``default_locale`` is used for a new
    conversation when the platform gives no language. ``max_attempts`` bounds how often a
    turn is redone after losing a race before :class:`StaleConversation` reaches the caller.
    ``resend_after``: how long after its first delivery an update's undelivered replies are
    taken as lost rather than still being sent (see :meth:`_duplicate`).
    """

    def __init__(
        self,
        store: Store,
        *,
        runner: TurnRunner | None = None,
        default_locale: str | None = None,
        max_attempts: int = 24,
        resend_after: timedelta = DEFAULT_RESEND_AFTER,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._store = store
        self._runner = runner if runner is not None else TurnRunner()
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
        ``resend_after`` from the first delivery to decide. With no capacity for a heavy turn
        the one reply is :func:`busy_reply` and nothing is saved or claimed.
        """
        # Turns of one conversation race to the version check (the load holds no lock, so the
        # work runs outside any transaction): a burst of n taps needs up to n rounds.
        for attempt in range(1, self._max_attempts + 1):
            try:
                turn = await self._turn(key, event, dedupe_id=dedupe_id, locale=locale)
            except StaleConversation:
                if attempt == self._max_attempts:
                    raise
                # Jittered backoff so colliding replicas do not collide again in lockstep.
                await asyncio.sleep(random.uniform(0, 0.01 * min(attempt, 10)))
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
        async with self._store.unit_of_work(read_only=True) as uow:
            if dedupe_id is not None and await uow.updates.status(key, dedupe_id) is not None:
                return None
            snapshot = await uow.conversations.load(key)
            state = _restore(snapshot.state)
            kept = None
            if state is not None and state.phase is Phase.RESULT:
                kept = await uow.conversations.estimate(key)
            saved: tuple[SavedEstimate, ...] = ()
            if wants_saved(event):
                records = await uow.estimates.recent(key, SAVED_LIMIT)
                saved = tuple(saved_estimate(r.id, r.created_at, r.summary) for r in records)
        if state is None and locale is None and not (isinstance(event, Start) and event.locale):
            locale = self._default_locale
        try:
            result = await self._runner.turn(
                key, state, event, locale=locale, known=decode_estimate(kept), saved=saved
            )
        except Busy:
            return Turn(replies=(busy_reply(state.locale if state else locale),), busy=True)
        forget = any(isinstance(effect, ForgetUser) for effect in result.effects)
        changed = bool(result.effects)
        async with self._store.unit_of_work() as uow:
            if dedupe_id is not None and not await uow.updates.claim(key, dedupe_id):
                return None
            if forget:  # nothing of this turn's state is kept either
                await _forget(uow, key, keep=dedupe_id)
            else:
                await uow.conversations.save(
                    key, result.state.model_dump(mode="json"), expected_version=snapshot.version
                )
            if dedupe_id is not None:
                await uow.updates.record_replies(key, dedupe_id, replies_to_json(result.replies))
            for effect in result.effects:
                if isinstance(effect, DeleteSaved):
                    await uow.estimates.delete(key, effect.id)
            if result.estimate is not None and not forget:
                if result.record:
                    changed = await _remember(uow, key, result.estimate) or changed
                await uow.conversations.keep_estimate(key, encode_estimate(result.estimate))
            elif result.state.phase is not Phase.RESULT and kept is not None:
                await uow.conversations.keep_estimate(key, None)  # nothing left to explain
            await uow.commit()
        return Turn(
            replies=tuple(result.replies), locale=result.state.locale, estimates_changed=changed
        )

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
        self,
        text: str,
        *,
        locale: str | None = None,
        key: ConversationKey | None = None,
        dedupe_id: str | None = None,
    ) -> tuple[Reply, ...]:
        """Answer a one-line request ("40 agents, 24/7, Poland") without a conversation; the
        estimate goes into ``key``'s history when a key is given.

        ``dedupe_id`` (with ``key``): the platform's update id, claimed in the database with
        the history entry, so a redelivery to any replica answers nothing (an empty tuple).
        With no capacity the one reply is :func:`busy_reply` and nothing is claimed.
        """
        turn = await self._quick(text, locale=locale, key=key, dedupe_id=dedupe_id)
        return turn.replies

    async def _quick(
        self,
        text: str,
        *,
        locale: str | None,
        key: ConversationKey | None,
        dedupe_id: str | None,
    ) -> Turn:
        """:meth:`quick_estimate` as a :class:`Turn` (duplicate, busy, estimate saved)."""
        language = locale or self._default_locale or ""
        if key is not None and dedupe_id is not None:
            async with self._store.unit_of_work(read_only=True) as uow:
                if await uow.updates.status(key, dedupe_id) is not None:
                    return Turn(replies=(), duplicate=True)
        try:
            replies, estimate = await self._runner.quick(key or text, text, language)
        except Busy:
            return Turn(replies=(busy_reply(language),), busy=True)
        added = False
        if key is not None and (estimate is not None or dedupe_id is not None):
            async with self._store.unit_of_work() as uow:
                if dedupe_id is not None:
                    if not await uow.updates.claim(key, dedupe_id):
                        return Turn(replies=(), duplicate=True)
                    await uow.updates.mark_delivered(key, dedupe_id)
                if estimate is not None:
                    added = await _remember(uow, key, estimate)
                await uow.commit()
        return Turn(replies=tuple(replies), locale=language or None, estimates_changed=added)

    async def one_liner(
        self,
        key: ConversationKey,
        text: str,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        """A one-line request where the conversation can go on: priced at once when it says
        enough (a place and a size), else a turn of ``key``'s conversation that asks just
        for what is missing (the core's :func:`~bot.core.quick.goes_on_as_conversation`
        decides; see :meth:`bot.core.ports.Conversations.one_liner`)."""
        language = normalize_locale(locale or self._default_locale)
        if goes_on_as_conversation(text, language):
            turn = await self.handle(key, Quick(text), dedupe_id=dedupe_id, locale=locale)
            return replace(turn, guided=True)
        return await self._quick(text, locale=locale, key=key, dedupe_id=dedupe_id)

    async def claim(self, key: ConversationKey, dedupe_id: str) -> bool:
        """Claim a platform update id that no conversation turn handles (an inline query, a
        ``/handoff`` command, a slash command): True the first time on any replica, False
        for a redelivery. The claim is made before acting: an action that then fails is not
        retried by a redelivery (the user sees the failure and can ask again)."""
        async with self._store.unit_of_work() as uow:
            claimed = await uow.updates.claim(key, dedupe_id)
            if claimed:
                await uow.updates.mark_delivered(key, dedupe_id)
            await uow.commit()
        return claimed

    async def recent_estimates(
        self, key: ConversationKey, *, limit: int = 5
    ) -> tuple[dict[str, Any], ...]:
        """``key``'s latest estimate summaries, newest first, each with its ``id`` (what
        ``open:@<id>`` and ``delete:@<id>`` name) and ``created_at`` (ISO)."""
        async with self._store.unit_of_work() as uow:
            records = await uow.estimates.recent(key, limit)
        return tuple(
            {**r.summary, "id": r.id, "created_at": r.created_at.isoformat()} for r in records
        )


async def _remember(uow: UnitOfWork, key: ConversationKey, estimate: Estimate) -> bool:
    """Save ``estimate`` in ``key``'s history, unless the newest saved one priced the same
    scenario (calculating twice, or a one-liner sent again, is one saved estimate, not two
    identical ones); True when it was added."""
    summary = estimate_summary(estimate)
    newest = await uow.estimates.recent(key, 1)
    if newest and newest[0].summary.get("scenario") == summary["scenario"]:
        return False
    await uow.estimates.add(key, summary)
    return True


async def _forget(uow: UnitOfWork, key: ConversationKey, *, keep: str | None) -> None:
    """ "Delete my data": every conversation (with its kept estimate), saved estimate, open
    form draft and recorded reply of the user, wherever the store holds them (see
    :meth:`bot.store.UserScope.of`), except the claim of update ``keep`` (the request
    itself, so it is answered once). Team data (handoff rosters) is not the user's."""
    scope = UserScope.of(key)
    await uow.conversations.forget(scope)
    await uow.estimates.forget(scope)
    await uow.drafts.forget(scope)
    await uow.updates.forget(scope, keep=keep)


if TYPE_CHECKING:

    def _implements_the_port(service: ConversationService) -> Conversations:
        return service  # mypy fails here the moment the service drifts from the port
