"""One conversation turn as a single pure function: the step and its rendering.

Why a module of its own: the service runs a turn in three steps — load the state (a short
transaction), compute the turn, save it (with the version check and the update's dedupe
claim). The middle step is CPU work (an estimate, a chart) that must not run on the event
loop or inside an open transaction, so it is one pure, picklable call of plain data in and
plain data out, which a worker pool can run: :func:`run_turn`. What happens inside (the core
deciding, the renderer turning its structured replies into text per locale) can change
without the service noticing.
"""

from __future__ import annotations

from bot.core.events import Event
from bot.core.machine import Estimator, StepResult, step
from bot.core.state import ConversationState

__all__ = ["run_turn"]


def run_turn(
    state: ConversationState | None,
    event: Event,
    *,
    locale: str | None = None,
    estimator: Estimator | None = None,
) -> StepResult:
    """The new state, the rendered replies and the estimate (if any) of one turn."""
    return step(state, event, locale=locale, estimator=estimator)
