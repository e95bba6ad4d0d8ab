"""One conversation turn as a single pure function: the step and its rendering.

Why a module of its own: the service runs a turn in three steps — load the state (a short
transaction), compute the turn, save it (with the version check and the update's dedupe
claim). The middle step is CPU work (an estimate, a chart) that must not run on the event
loop or inside an open transaction, so it is one pure, picklable call of plain data in and
plain data out, which a worker pool can run: :func:`run_turn` (and :func:`answer_quick` for
a one-line ``/estimate``). Inside, the core decides (:func:`bot.core.machine.step` returns
structured replies) and the renderer words it in the conversation's locale
(:func:`bot.render.replies.render_replies`); either can change without the service noticing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.events import Event, Reply
from bot.core.locales import normalize_locale
from bot.core.machine import Estimator, step
from bot.core.quick import quick_reply
from bot.core.replies import Message
from bot.core.saved import Effect, SavedEstimate
from bot.core.state import ConversationState
from bot.render.replies import render_replies
from costengine.results import Estimate

__all__ = ["TurnResult", "answer_quick", "run_turn"]


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What one turn did: the new state, the replies to send (rendered in the state's
    locale), the estimate when the turn computed one, and the structured replies they were
    rendered from (``messages``: for a front end that draws its own, or a test).
    ``effects`` and ``record`` as in :class:`bot.core.machine.StepResult`."""

    state: ConversationState
    replies: tuple[Reply, ...]
    estimate: Estimate | None = None
    messages: tuple[Message, ...] = ()
    effects: tuple[Effect, ...] = ()
    record: bool = True


def run_turn(
    state: ConversationState | None,
    event: Event,
    *,
    locale: str | None = None,
    estimator: Estimator | None = None,
    saved: Sequence[SavedEstimate] | None = None,
) -> TurnResult:
    """The new state, the rendered replies and the estimate (if any) of one turn."""
    stepped = step(state, event, locale=locale, estimator=estimator, saved=saved)
    replies = render_replies(stepped.replies, stepped.state.locale)
    return TurnResult(
        stepped.state,
        replies,
        stepped.estimate,
        stepped.replies,
        stepped.effects,
        stepped.record,
    )


def answer_quick(
    text: str, locale: str, *, estimator: Estimator | None = None
) -> tuple[tuple[Reply, ...], Estimate | None]:
    """A one-line request answered and rendered: the replies and the estimate, or a
    localized error ending with the grammar example (and no estimate)."""
    language = normalize_locale(locale)
    reply, estimate = quick_reply(text, language, estimator=estimator)
    return render_replies((reply,), language), estimate
