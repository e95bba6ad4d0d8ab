"""Neutral events in, neutral replies out: the only vocabulary adapters and the core share.

An adapter's whole job is two translations (bolt's ``adapter/flask/handler.py`` shape):
platform update -> :data:`Event`, and :class:`Reply` -> platform message. The core never
knows which platform it talks to; an adapter never knows what a question means.

A :class:`Reply` carries text already rendered in the user's locale: the core decides in
structured replies (``bot.core.replies``) and ``bot.render`` words them (Jinja2 + Babel);
``choices`` and ``actions`` carry stable ``value`` strings that come back as :class:`Pick`,
:class:`Toggle` or :class:`Command` events, so a button pressed on any platform means the
same thing to the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "Choice",
    "Command",
    "Event",
    "FormSubmit",
    "Image",
    "Pick",
    "Quick",
    "Reply",
    "ReplyKind",
    "Start",
    "Submit",
    "Text",
    "Toggle",
]


# --- events (platform -> core) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """Begin (or resume) a conversation; ``locale`` is the platform's language hint."""

    locale: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """Free text typed by the user (an answer, or a command word like "back" or "why?")."""

    text: str


@dataclass(frozen=True, slots=True)
class Pick:
    """A single-choice button or select: ``value`` is a :class:`Choice` value."""

    question: str
    value: str


@dataclass(frozen=True, slots=True)
class Toggle:
    """One option of a multi-select switched on or off (Telegram toggles)."""

    question: str
    value: str


@dataclass(frozen=True, slots=True)
class Submit:
    """A multi-select finished. ``values`` None: take the toggled set; else the full set
    (Slack's multi-select sends every selected option at once)."""

    question: str
    values: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A command: back, skip, cancel, restart, help, language, why, details, edit, whatif.

    ``arg`` carries its argument: ``Command("edit", "channels")``,
    ``Command("whatif", "hours=24x7")``, ``Command("language", "pl")``.
    """

    name: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class FormSubmit:
    """Every answer at once, from a one-screen form (Slack's modal): question id -> raw text,
    or the selected values of a multi-select. Validated by ``bot.core.form``."""

    values: Mapping[str, str | tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Quick:
    """A one-line request inside a conversation ("/estimate 4 agents in Ohio 9-5"): what it
    says fills the answers; an estimate follows when a place and a size are known, else the
    conversation asks just for those. ``text`` keeps the command it was typed with
    ("/estimate", "/sourcewise", "--quick"), so hints answer in the same syntax."""

    text: str


Event = Start | Text | Pick | Toggle | Submit | Command | FormSubmit | Quick


# --- replies (core -> platform) ------------------------------------------------------------


class ReplyKind(StrEnum):
    QUESTION = "question"  # asks something; ``question`` is set
    ERROR = "error"  # the last input was rejected; a QUESTION re-ask follows
    SUMMARY = "summary"  # all answers, each with an edit action
    RESULT = "result"  # the recommendation
    INFO = "info"  # help, working ("why?"), details, confirmations


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``value`` goes back to the core unchanged, ``label`` is localized."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Image:
    """A PNG attachment (the cost chart, the coverage heatmap): ``alt`` describes it in full
    for screen readers, ``title`` names it in a few words (a Slack file's title)."""

    png: bytes
    filename: str
    alt: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    kind: ReplyKind = ReplyKind.INFO
    question: str | None = None
    choices: tuple[Choice, ...] = ()
    multi: bool = False  # choices are toggles, confirmed by a Submit
    selected: frozenset[str] = field(default_factory=frozenset)
    actions: tuple[Choice, ...] = ()  # follow-ups; value is "command" or "command:arg"
    image: Image | None = None
