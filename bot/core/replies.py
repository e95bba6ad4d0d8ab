"""What the core answers, as plain data: structured replies the renderer turns into words.

:func:`bot.core.machine.step` decides *what* to say — ask this question with these choices,
reject that answer for this reason, show this estimate with these follow-ups — and returns
it as the frozen values below. It never words anything: ``bot.render.replies.render_replies``
turns each into the neutral :class:`~bot.core.events.Reply` adapters send, in the user's
locale (Jinja2 + Babel). So the conversation can be tested without a catalogue, a new
language is a folder of templates, and a new front end may draw the same data its own way.

Conventions: ``answers`` is a snapshot of the conversation's answers (question id -> JSON
value) that the renderer needs to word a question's placeholders and current answer;
``actions`` are action values ("back", "edit:channels", "whatif:hours=24x7") that come back
as :class:`~bot.core.events.Command` events when pressed; a ``key`` names a text in
``templates/<locale>/conversation.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from pydantic import JsonValue

from bot.core.errors import ParamValue
from bot.core.saved import SavedEstimate
from costengine.results import Estimate

__all__ = [
    "Answers",
    "Ask",
    "Explanation",
    "ExplanationView",
    "FieldError",
    "FormRejection",
    "Help",
    "LanguagePick",
    "Message",
    "Notice",
    "QuickNeeds",
    "QuickResult",
    "Reading",
    "Rejection",
    "Result",
    "SavedList",
    "Summary",
    "WhatIfApplied",
]

#: The answers so far, question id -> stored JSON value (``None``: skipped, default applies).
Answers = Mapping[str, JsonValue]


def _empty_answers() -> dict[str, JsonValue]:
    return {}


def _empty_params() -> dict[str, ParamValue]:
    return {}


@dataclass(frozen=True, slots=True)
class Notice:
    """A catalogue text (``key`` filled with ``params``) with follow-up ``actions``:
    greetings, "language set", "cancelled", "next steps" under a result."""

    key: str
    params: Mapping[str, ParamValue] = field(default_factory=_empty_params)
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask ``question``. ``choices`` are the option values to offer (their labels are the
    renderer's), ``selected`` the toggled values of a multi-select, ``actions`` "back" and
    "skip" where they apply; the current answer is ``answers[question]`` when present.
    ``lead`` is a notice shown above the question in the same message."""

    question: str
    answers: Answers = field(default_factory=_empty_answers)
    choices: tuple[str, ...] = ()
    multi: bool = False
    selected: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    lead: Notice | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """The last input was rejected: ``key``/``params`` say why. ``question`` is the
    question whose answer was rejected (its example answer is shown), None for errors about
    the flow itself; ``grammar``: a one-line request, so the grammar example follows."""

    key: str
    params: Mapping[str, ParamValue] = field(default_factory=_empty_params)
    question: str | None = None
    answers: Answers = field(default_factory=_empty_answers)
    grammar: bool = False


@dataclass(frozen=True, slots=True)
class FieldError:
    """Why one field of a form was rejected; ``example``: the question's example follows."""

    key: str
    params: Mapping[str, ParamValue] = field(default_factory=_empty_params)
    example: bool = False


@dataclass(frozen=True, slots=True)
class FormRejection:
    """A submitted form had errors: one per field (question id), in form order."""

    errors: tuple[tuple[str, FieldError], ...]
    answers: Answers = field(default_factory=_empty_answers)


@dataclass(frozen=True, slots=True)
class Summary:
    """Every answer given (``questions``, in asking order) with ``actions``: an edit per row,
    then compute and restart."""

    answers: Answers
    questions: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Help:
    """Help for where the user is: the open ``question`` explained (if any), the commands."""

    question: str | None = None
    answers: Answers = field(default_factory=_empty_answers)


@dataclass(frozen=True, slots=True)
class LanguagePick:
    """Which language? ``actions`` are ``language:<code>``, one per template locale."""

    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """An estimate to show: the four models, the winner and why, with ``actions`` as
    follow-ups and, when ``chart``, the cost chart attached."""

    estimate: Estimate
    actions: tuple[str, ...]
    chart: bool = True


class ExplanationView(StrEnum):
    WHY = "why"  # the working: staffing, the winner's costs, assumptions
    DETAILS = "details"  # every model's line items and the sensitivity table


@dataclass(frozen=True, slots=True)
class Explanation:
    """How ``estimate`` came about, at the depth ``view`` asks for."""

    estimate: Estimate
    view: ExplanationView
    actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """How a one-line request was read: ``shown`` question ids the line gave (their values
    in ``answers``, worded like the summary's), ``notes`` about places and assumptions
    (catalogue key, parameters: "India serves as both", "no rate card for France"), the
    words it skipped, and the zones an ambiguous abbreviation may mean."""

    answers: Answers
    shown: tuple[str, ...]
    notes: tuple[tuple[str, Mapping[str, ParamValue]], ...] = ()
    ignored: tuple[str, ...] = ()
    zone_choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuickResult:
    """A one-line estimate: the estimate, the defaults it filled in (question ids, see
    :attr:`bot.core.quick.QuickRequest.defaults_used`), follow-ups and the chart, and how
    the line was read (shown above it)."""

    estimate: Estimate
    defaults_used: tuple[str, ...]
    actions: tuple[str, ...]
    chart: bool = True
    reading: Reading | None = None


@dataclass(frozen=True, slots=True)
class QuickNeeds:
    """A one-line request that cannot be priced yet: ``key`` says why ("quick.no_size",
    "quick.empty", a refusal), ``reading`` what was understood so far, ``command`` the
    syntax the line used ("/estimate", "/sourcewise", "--quick"), so the example uses it."""

    key: str
    params: Mapping[str, ParamValue] = field(default_factory=_empty_params)
    reading: Reading | None = None
    command: str | None = None


@dataclass(frozen=True, slots=True)
class WhatIfApplied:
    """A what-if changed the answers: ``changed`` question ids (shown with their new
    answers from ``answers``), or a relative ``volume_change`` (0.2 is 20% more)."""

    answers: Answers
    changed: tuple[str, ...] = ()
    volume_change: Decimal | None = None
    #: The original result's headline and this one's (``recommended``, ``total``,
    #: ``currency``), for "compared with your original"; ``actions``: "original" (back).
    original: Mapping[str, str] | None = None
    now: Mapping[str, str] | None = None
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SavedList:
    """The user's saved estimates, newest first (numbered from 1 in this order), with
    ``actions`` to reopen or delete each (``open:@<id>``, ``delete:@<id>``)."""

    entries: tuple[SavedEstimate, ...]
    actions: tuple[str, ...] = ()


#: Everything :func:`bot.core.machine.step` may answer with.
Message = (
    Notice
    | Ask
    | Rejection
    | FormRejection
    | Summary
    | Help
    | LanguagePick
    | Result
    | Explanation
    | QuickResult
    | QuickNeeds
    | Reading
    | WhatIfApplied
    | SavedList
)
