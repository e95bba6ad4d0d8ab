"""The render entry point: the core's structured replies -> neutral :class:`Reply` values.

:func:`render_replies` is what a turn calls after :func:`bot.core.machine.step`
(``bot.turn.run_turn``): each structured reply of :mod:`bot.core.replies` is worded in the
user's locale by the one function registered for its type (opsdroid's ``register_event``
shape), and an adapter sends the resulting :class:`~bot.core.events.Reply` values as they
are. A reply type without a renderer is a programming error and raises :class:`TypeError`
at once, so a new kind of reply cannot be silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from bot.core.events import Reply
from bot.core.locales import normalize_locale
from bot.core.replies import (
    Ask,
    Explanation,
    ExplanationView,
    FormRejection,
    Help,
    LanguagePick,
    Message,
    Notice,
    QuickNeeds,
    QuickResult,
    Reading,
    Rejection,
    Result,
    SavedList,
    Summary,
    WhatIfApplied,
)
from bot.render.conversation import (
    render_ask,
    render_form_rejection,
    render_help,
    render_language_pick,
    render_notice,
    render_quick_needs,
    render_reading,
    render_rejection,
    render_summary,
    render_whatif_applied,
)
from bot.render.result import render_details, render_quick, render_result, render_why
from bot.render.saved import render_saved_list

__all__ = ["render_replies", "render_reply"]


def _one(draw: Callable[[Any, str], Reply]) -> Callable[[Any, str], tuple[Reply, ...]]:
    def render(message: Any, locale: str) -> tuple[Reply, ...]:
        return (draw(message, locale),)

    return render


def _result(result: Result, locale: str) -> tuple[Reply, ...]:
    return render_result(result.estimate, locale, actions=result.actions, chart=result.chart)


def _quick(quick: QuickResult, locale: str) -> tuple[Reply, ...]:
    drawn = render_quick(
        quick.estimate, locale, quick.defaults_used, actions=quick.actions, chart=quick.chart
    )
    if quick.reading is None or not drawn:
        return drawn
    read = render_reading(quick.reading, locale).text  # how the line was read, on top
    first = drawn[0]
    return (replace(first, text=f"{read}\n\n{first.text}"), *drawn[1:])


def _explanation(explanation: Explanation, locale: str) -> tuple[Reply, ...]:
    draw = render_why if explanation.view is ExplanationView.WHY else render_details
    return draw(explanation.estimate, locale, actions=explanation.actions)


_RENDERERS: dict[type[Any], Callable[[Any, str], tuple[Reply, ...]]] = {
    Notice: _one(render_notice),
    Ask: _one(render_ask),
    Rejection: _one(render_rejection),
    FormRejection: _one(render_form_rejection),
    Summary: _one(render_summary),
    Help: _one(render_help),
    LanguagePick: _one(render_language_pick),
    WhatIfApplied: _one(render_whatif_applied),
    Reading: _one(render_reading),
    QuickNeeds: _one(render_quick_needs),
    Result: _result,
    QuickResult: _quick,
    Explanation: _explanation,
    SavedList: _one(render_saved_list),
}


def render_reply(message: Message, locale: str) -> tuple[Reply, ...]:
    """One structured reply in ``locale`` (an explanation may take several messages)."""
    draw = _RENDERERS.get(type(message))
    if draw is None:
        raise TypeError(f"no renderer for {type(message).__name__}")
    return draw(message, normalize_locale(locale))


def render_replies(messages: Iterable[Message], locale: str) -> tuple[Reply, ...]:
    """Every structured reply of a turn, in order, in ``locale``."""
    return tuple(reply for message in messages for reply in render_reply(message, locale))
