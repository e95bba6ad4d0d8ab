"""The conversation's own replies: questions, rejections, the summary, help, notices.

Each builder returns neutral :class:`~bot.core.events.Reply` objects with text already in
the user's locale; buttons carry stable values (choice values, or action values such as
``"edit:channels"``) so every platform sends back the same events. Result views ("why?",
"details") are not here: :mod:`bot.render.result` draws them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.core.display import choice_label, show_answer
from bot.core.errors import ParseError
from bot.core.events import Choice, Reply, ReplyKind
from bot.core.questions import Answers, Question, QuestionKind, relevant
from bot.render.catalog import catalog, lookup
from bot.render.env import LOCALES

__all__ = [
    "HELP_COMMANDS",
    "action",
    "error_reply",
    "help_reply",
    "info_reply",
    "language_reply",
    "prompt_params",
    "question_label",
    "question_reply",
    "summary_reply",
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


def action(locale: str, value: str, label_key: str | None = None, **params: Any) -> Choice:
    """A follow-up button: ``value`` is "command" or "command:arg"."""
    key = label_key or f"actions.{value.partition(':')[0]}"
    return Choice(value=value, label=lookup(locale, key, **params))


def prompt_params(q: Question, answers: Answers) -> dict[str, Any]:
    return q.params(answers)


def question_label(q: Question, answers: Answers, locale: str) -> str:
    """The short name of a question (summary rows, edit buttons)."""
    return lookup(locale, f"{q.template}.label", **prompt_params(q, answers))


def question_reply(
    q: Question,
    answers: Answers,
    locale: str,
    *,
    pending: Iterable[str] = (),
    can_back: bool = False,
    lead: str | None = None,
) -> Reply:
    """Ask ``q``; a question answered before shows its current answer."""
    params = prompt_params(q, answers)
    lines = [lead] if lead else []
    lines.append(lookup(locale, f"{q.template}.prompt", **params))
    if q.kind is QuestionKind.MULTI:
        lines.append(lookup(locale, "prompt.multi"))
    if answers.get(q.id) is not None:
        lines.append(lookup(locale, "prompt.current", value=show_answer(q, answers, locale)))
    if q.optional:
        lines.append(lookup(locale, "prompt.optional"))
    actions = []
    if can_back:
        actions.append(action(locale, "back"))
    if q.optional:
        actions.append(action(locale, "skip"))
    multi = q.kind is QuestionKind.MULTI
    return Reply(
        text="\n".join(lines),
        kind=ReplyKind.QUESTION,
        question=q.id,
        choices=tuple(
            Choice(value=value, label=choice_label(q, value, locale))
            for value in q.options(answers)
        ),
        multi=multi,
        selected=frozenset(pending) if multi else frozenset(),
        actions=tuple(actions),
    )


def error_reply(error: ParseError, q: Question | None, answers: Answers, locale: str) -> Reply:
    """Why the last input was rejected, with an example answer to ``q`` when there is one."""
    lines = [error.message(locale)]
    if q is not None:
        example = lookup(locale, f"{q.template}.example", **prompt_params(q, answers))
        lines.append(lookup(locale, "error.example", example=example))
    return Reply(text="\n".join(lines), kind=ReplyKind.ERROR, question=q.id if q else None)


def summary_reply(answers: Answers, locale: str) -> Reply:
    """Every relevant answer, each with an ``edit:<id>`` button, then compute and restart."""
    rows = []
    edits = []
    for q in relevant(answers):
        if q.id not in answers:
            continue
        label = question_label(q, answers, locale)
        rows.append((label, show_answer(q, answers, locale)))
        edits.append(action(locale, f"edit:{q.id}", "actions.edit", label=label))
    text = catalog().render(locale, "summary.j2", rows=rows)
    actions = (*edits, action(locale, "compute"), action(locale, "restart"))
    return Reply(text=text, kind=ReplyKind.SUMMARY, actions=actions)


def help_reply(q: Question | None, answers: Answers, locale: str) -> Reply:
    """Help for where the user is: the open question explained, then the commands."""
    cat = catalog()
    question_help = lookup(locale, f"{q.template}.help", **prompt_params(q, answers)) if q else None
    commands = [
        (cat.words(locale, f"words.command.{name}")[0], lookup(locale, f"help.{name}"))
        for name in HELP_COMMANDS
    ]
    text = cat.render(locale, "help.j2", question_help=question_help, commands=commands)
    return Reply(text=text, kind=ReplyKind.INFO)


def info_reply(text: str, actions: Iterable[Choice] = ()) -> Reply:
    return Reply(text=text, kind=ReplyKind.INFO, actions=tuple(actions))


def language_reply(locale: str) -> Reply:
    """Which language? One button per template locale (``language:<code>``)."""
    return info_reply(
        lookup(locale, "language_pick"),
        [action(locale, f"language:{code}", f"actions.language_{code}") for code in LOCALES],
    )
