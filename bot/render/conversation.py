"""The conversation's structured replies in words: questions, rejections, the summary, help.

Each function turns one of the core's :mod:`bot.core.replies` values into a neutral
:class:`~bot.core.events.Reply` with text in the user's locale (the catalogue in
``templates/<locale>/conversation.toml``, Jinja2 + Babel); buttons keep the stable values
the core chose ("edit:channels", a choice value), so every platform sends back the same
events. Estimates are drawn by :mod:`bot.render.result`; :mod:`bot.render.replies` picks
the right function for each reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.core.errors import ParamValue, ParseError, QuickParseError
from bot.core.events import Choice, Reply, ReplyKind
from bot.core.questions import Answers, Question, QuestionKind, question
from bot.core.replies import (
    Ask,
    FieldError,
    FormRejection,
    Help,
    LanguagePick,
    Notice,
    QuickNeeds,
    Reading,
    Rejection,
    Summary,
    WhatIfApplied,
)
from bot.render.answers import choice_label, language_list, show_answer
from bot.render.catalog import catalog, lookup

__all__ = [
    "HELP_COMMANDS",
    "action_choice",
    "error_text",
    "explain",
    "field_error_text",
    "notice_text",
    "question_label",
    "reading_text",
    "render_ask",
    "render_form_rejection",
    "render_help",
    "render_language_pick",
    "render_notice",
    "render_quick_needs",
    "render_reading",
    "render_rejection",
    "render_summary",
    "render_whatif_applied",
]

#: Commands listed by help, in this order.
HELP_COMMANDS: tuple[str, ...] = (
    "back",
    "skip",
    "help",
    "language",
    "restart",
    "cancel",
    "why",
    "details",
    "whatif",
)

#: Catalogue keys of action buttons whose value does not name them ("actions.<command>").
_ACTION_KEYS = {
    "whatif:hours=24x7": "actions.whatif_24x7",
    "whatif:hours=business": "actions.whatif_business",
    "whatif:volume=+20%": "actions.whatif_more",
    "whatif:volume=-20%": "actions.whatif_less",
    "edit": "actions.change_answer",
}


def question_label(q: Question, answers: Answers, locale: str) -> str:
    """The short name of a question (summary rows, edit buttons)."""
    return lookup(locale, f"{q.template}.label", **q.params(answers))


def action_choice(value: str, locale: str, answers: Answers | None = None) -> Choice:
    """A follow-up button: ``value`` ("command" or "command:arg") with its label."""
    name, _, arg = value.partition(":")
    if name == "edit" and arg:
        label = question_label(question(arg), answers or {}, locale)
        return Choice(value, lookup(locale, "actions.edit", label=label))
    if name == "language" and arg:
        return Choice(value, lookup(locale, f"actions.language_{arg}"))
    specific = "actions." + re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")
    if value not in _ACTION_KEYS and arg and catalog().has(specific):
        return Choice(value, lookup(locale, specific))  # "restart:yes", "whatif:outsourcing=…"
    return Choice(value, lookup(locale, _ACTION_KEYS.get(value, f"actions.{name}")))


def _actions(
    values: Iterable[str], locale: str, answers: Answers | None = None
) -> tuple[Choice, ...]:
    return tuple(action_choice(value, locale, answers) for value in values)


def explain(
    key: str, params: Mapping[str, ParamValue], locale: str, *, grammar: bool = False
) -> str:
    """Why an input was rejected; ``grammar`` adds the one-line request's example."""
    text = lookup(locale, key, **params)
    return f"{text}\n{lookup(locale, 'quick.grammar')}" if grammar else text


def error_text(error: ParseError, locale: str) -> str:
    """A :class:`ParseError` explained in ``locale`` (the question's example is not added)."""
    return explain(error.key, error.params, locale, grammar=isinstance(error, QuickParseError))


def notice_text(notice: Notice, locale: str) -> str:
    return lookup(locale, notice.key, **notice.params)


def render_notice(notice: Notice, locale: str) -> Reply:
    return Reply(
        text=notice_text(notice, locale),
        kind=ReplyKind.INFO,
        actions=_actions(notice.actions, locale),
    )


def render_ask(ask: Ask, locale: str) -> Reply:
    """Ask a question; one answered before shows its current answer."""
    q = question(ask.question)
    answers = ask.answers
    params = {"kind": answers.get("kind"), **q.params(answers)}
    if isinstance(params.get("languages"), list):  # their names, as a list in the locale
        params["languages"] = language_list(params["languages"], locale)
    lines = [notice_text(ask.lead, locale)] if ask.lead else []
    lines.append(lookup(locale, f"{q.template}.prompt", **params))
    if q.kind is QuestionKind.MULTI:
        lines.append(lookup(locale, "prompt.multi"))
    if answers.get(q.id) is not None:
        lines.append(lookup(locale, "prompt.current", value=show_answer(q, answers, locale)))
    if q.optional:
        lines.append(lookup(locale, "prompt.optional"))
    return Reply(
        text="\n".join(lines),
        kind=ReplyKind.QUESTION,
        question=q.id,
        choices=tuple(Choice(value, choice_label(q, value, locale)) for value in ask.choices),
        multi=ask.multi,
        selected=frozenset(ask.selected),
        actions=_actions(ask.actions, locale),
    )


def _example(q: Question, answers: Answers, locale: str) -> str:
    example = lookup(locale, f"{q.template}.example", **q.params(answers))
    return lookup(locale, "error.example", example=example)


def render_rejection(rejection: Rejection, locale: str) -> Reply:
    """Why the last input was rejected, with an example answer to its question if any."""
    lines = [explain(rejection.key, rejection.params, locale, grammar=rejection.grammar)]
    q = question(rejection.question) if rejection.question else None
    if q is not None:
        lines.append(_example(q, rejection.answers, locale))
    return Reply(text="\n".join(lines), kind=ReplyKind.ERROR, question=rejection.question)


def field_error_text(question_id: str, error: FieldError, locale: str) -> str:
    """One form field's error; with ``example``, the question's example follows."""
    text = explain(error.key, error.params, locale)
    if not error.example:
        return text
    return f"{text} {_example(question(question_id), {}, locale)}"


def render_form_rejection(rejection: FormRejection, locale: str) -> Reply:
    """Every rejected field of a form, one bullet each, labelled with its question."""
    lines = [lookup(locale, "error.form")]
    for question_id, error in rejection.errors:
        label = question_label(question(question_id), rejection.answers, locale)
        lines.append(f"• {label}: {field_error_text(question_id, error, locale)}")
    return Reply(text="\n".join(lines), kind=ReplyKind.ERROR)


def render_summary(summary: Summary, locale: str) -> Reply:
    """Every answer given, each with its edit button, then compute and restart."""
    answers = summary.answers
    rows = []
    for question_id in summary.questions:
        q = question(question_id)
        rows.append((question_label(q, answers, locale), show_answer(q, answers, locale)))
    text = catalog().render(locale, "summary.j2", rows=rows)
    return Reply(
        text=text, kind=ReplyKind.SUMMARY, actions=_actions(summary.actions, locale, answers)
    )


def render_help(help_: Help, locale: str) -> Reply:
    """Help for where the user is: the open question explained, then the commands."""
    cat = catalog()
    q = question(help_.question) if help_.question else None
    question_help = lookup(locale, f"{q.template}.help", **q.params(help_.answers)) if q else None
    commands = [
        (cat.words(locale, f"words.command.{name}")[0], lookup(locale, f"help.{name}"))
        for name in HELP_COMMANDS
    ]
    text = cat.render(locale, "help.j2", question_help=question_help, commands=commands)
    return Reply(text=text, kind=ReplyKind.INFO)


def render_language_pick(pick: LanguagePick, locale: str) -> Reply:
    return Reply(
        text=lookup(locale, "language_pick"),
        kind=ReplyKind.INFO,
        actions=_actions(pick.actions, locale),
    )


def render_whatif_applied(applied: WhatIfApplied, locale: str) -> Reply:
    """What a what-if changed, one line per changed answer ("Opening hours → 24/7")."""
    compared = _compared_text(applied, locale)
    actions = _actions(applied.actions, locale)
    if applied.volume_change is not None:
        label = lookup(locale, "whatif.volume", change=applied.volume_change)
        text = lookup(locale, "whatif.applied", label=label, value="").rstrip(" →")
        return Reply(text="\n".join((text, *compared)), kind=ReplyKind.INFO, actions=actions)
    answers = applied.answers
    parts: list[str] = []
    for question_id in applied.changed:
        q = question(question_id)
        params: dict[str, Any] = {
            "label": question_label(q, answers, locale),
            "value": show_answer(q, answers, locale),
        }
        parts.append(lookup(locale, "whatif.applied", **params))
    if not parts:
        parts.append(lookup(locale, "whatif.unchanged"))
    return Reply(text="\n".join((*parts, *compared)), kind=ReplyKind.INFO, actions=actions)


def _compared_text(applied: WhatIfApplied, locale: str) -> tuple[str, ...]:
    """ "Compared with your original: Outsourced $19,599.53 → In-house $25,000.00 a month"."""
    before, now = applied.original, applied.now
    if not before or not now:
        return ()
    from decimal import Decimal

    return (
        lookup(
            locale,
            "whatif.compared",
            before_model=_model_name(before["recommended"], locale),
            before_total=Decimal(before["total"]),
            before_currency=before["currency"],
            now_model=_model_name(now["recommended"], locale),
            now_total=Decimal(now["total"]),
            now_currency=now["currency"],
            change=Decimal(now["total"]) - Decimal(before["total"]),
            same_currency=before["currency"] == now["currency"],
        ),
    )


def _model_name(model: str, locale: str) -> str:
    from bot.render.env import renderer
    from bot.render.labels import labels_for

    return labels_for(renderer(), locale).get("model", model)


def reading_text(reading: Reading, locale: str) -> str:
    """How a one-line request was read: "I read: Team size: 2 agents; Channels: ..." and
    a line per note (a place standing for both, a stand-in rate card, an assumption)."""
    parts = []
    for question_id in reading.shown:
        q = question(question_id)
        parts.append(
            lookup(
                locale,
                "reading.item",
                label=question_label(q, reading.answers, locale),
                value=show_answer(q, reading.answers, locale),
            )
        )
    lines = [lookup(locale, "reading.title", items=lookup(locale, "reading.separator").join(parts))]
    for key, params in reading.notes:
        lines.append(lookup(locale, key, **params))
    return "\n".join(lines)


def render_reading(reading: Reading, locale: str) -> Reply:
    return Reply(text=reading_text(reading, locale), kind=ReplyKind.INFO)


def render_quick_needs(needs: QuickNeeds, locale: str) -> Reply:
    """A one-liner that cannot be priced yet: what was read, why, and an example in the
    syntax the user typed (``/estimate``, ``/sourcewise`` or ``sourcewise chat --quick``)."""
    lines = []
    if needs.reading is not None and needs.reading.shown:
        lines.append(reading_text(needs.reading, locale))
    lines.append(lookup(locale, needs.key, **needs.params))
    lines.append(lookup(locale, "quick.example", command=needs.command or ""))
    return Reply(text="\n".join(lines), kind=ReplyKind.ERROR)
