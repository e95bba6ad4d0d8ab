"""The one-screen form: every question at once (Slack's modal), validated by the same parsers.

:data:`FORM_FIELDS` lists the questions the form shows, straight from the registry in
:mod:`bot.core.questions`; :func:`form_fields` adds the localized labels, hints and choice
labels an adapter needs to draw them; :func:`validate_form` reads a submission with each
question's own parser and returns either a scenario or one localized message per field
(keyed by question id, which is what Slack's ``response_action: "errors"`` wants).

The form cannot ask "team size or volumes?" first, so it offers both and accepts exactly
one: a team size, or a volume for every chosen channel. Handle times use the rate card's
defaults (the dialogue can override them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import JsonValue, ValidationError

from bot.core.answers import scenario_from_answers
from bot.core.display import choice_label
from bot.core.errors import CoreError, ParseError
from bot.core.events import Choice
from bot.core.questions import LANGUAGE_BUTTONS, Question, QuestionKind, question
from bot.core.regions import known_currency_codes, known_regions
from bot.core.replies import question_label
from bot.render.catalog import lookup
from bot.render.env import normalize_locale
from costengine.scenario import Channel, Scenario

__all__ = [
    "FORM_FIELDS",
    "FormField",
    "FormFieldView",
    "FormResult",
    "form_fields",
    "validate_form",
]

#: Languages offered by the form's multi-select (the dialogue accepts any ISO 639 language).
FORM_LANGUAGES: tuple[str, ...] = (
    *LANGUAGE_BUTTONS,
    *("it", "nl", "ru", "uk", "cs", "ro", "hu", "sv", "tr", "ar", "hi", "ko", "vi", "th", "id"),
)


@dataclass(frozen=True, slots=True)
class FormField:
    """One question on the form: ``choices`` are values (labels via :func:`form_fields`)."""

    id: str
    kind: QuestionKind
    optional: bool
    choices: tuple[str, ...] = ()


def _field(question_id: str, *, optional: bool | None = None) -> FormField:
    q = question(question_id)
    choices: tuple[str, ...] = q.fixed_choices
    if question_id == "region":
        choices = known_regions()
    elif question_id == "languages":
        choices = FORM_LANGUAGES
    elif question_id == "currency":
        choices = known_currency_codes()
    kind = QuestionKind.SINGLE if question_id in ("region", "currency") else q.kind
    if question_id in ("timezone", "service_level"):
        kind = QuestionKind.TEXT
    return FormField(q.id, kind, q.optional if optional is None else optional, choices)


#: The questions on the one-screen form, in display order.
FORM_FIELDS: tuple[FormField, ...] = (
    _field("kind"),
    _field("region"),
    _field("channels"),
    _field("team_size", optional=True),
    *(_field(f"volume_{channel.value}", optional=True) for channel in Channel),
    _field("languages"),
    _field("hours"),
    _field("hours_custom", optional=True),
    _field("timezone"),
    _field("currency"),
    _field("service_level"),
    _field("current_cost"),
)


@dataclass(frozen=True, slots=True)
class FormFieldView:
    """A form field in one locale, ready to draw."""

    id: str
    kind: str  # "single" | "multi" | "number" | "text"
    label: str
    optional: bool
    hint: str
    placeholder: str
    choices: tuple[Choice, ...] = ()


def form_fields(locale: str) -> tuple[FormFieldView, ...]:
    """:data:`FORM_FIELDS` with labels, help as hint, the example as placeholder."""
    locale = normalize_locale(locale)
    views = []
    for spec in FORM_FIELDS:
        q = question(spec.id)
        params = q.params({})
        views.append(
            FormFieldView(
                id=spec.id,
                kind=spec.kind.value,
                label=question_label(q, {}, locale),
                optional=spec.optional,
                hint=lookup(locale, f"{q.template}.help", **params),
                placeholder=lookup(locale, f"{q.template}.example", **params),
                choices=tuple(
                    Choice(value, choice_label(q, value, locale)) for value in spec.choices
                ),
            )
        )
    return tuple(views)


@dataclass(frozen=True, slots=True)
class FormResult:
    """A valid form gives ``scenario`` (and the same as conversation ``answers``); an
    invalid one gives ``errors``: question id -> localized message."""

    scenario: Scenario | None
    errors: dict[str, str] = field(default_factory=dict)
    answers: dict[str, JsonValue] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not self.errors


def _raw(value: str | Sequence[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(str(item) for item in value)


def _message(error: ParseError, q: Question, locale: str) -> str:
    example = lookup(locale, f"{q.template}.example", **q.params({}))
    return f"{error.message(locale)} {lookup(locale, 'error.example', example=example)}"


def validate_form(values: Mapping[str, str | Sequence[str]], locale: str) -> FormResult:
    """Check a whole submission; every field gets its own message, nothing raises."""
    locale = normalize_locale(locale)
    answers: dict[str, JsonValue] = {}
    errors: dict[str, str] = {}
    for spec in FORM_FIELDS:
        q = question(spec.id)
        raw = _raw(values.get(spec.id)).strip()
        if not raw:
            answers[spec.id] = None
            if not spec.optional:
                errors[spec.id] = lookup(locale, "error.required")
            continue
        try:
            answers[spec.id] = q.parse(raw)
        except ParseError as error:
            errors[spec.id] = _message(error, q, locale)
    _sizing(answers, errors, locale)
    _hours(answers, errors, locale)
    clean = {key: value for key, value in answers.items() if value is not None or key in _OPTIONAL}
    if errors:
        return FormResult(None, errors, clean)
    clean["aht_mode"] = None
    try:
        scenario = scenario_from_answers(clean)
    except (ValidationError, CoreError):
        return FormResult(None, {"team_size": lookup(locale, "error.inconsistent")}, clean)
    return FormResult(scenario, {}, clean)


_OPTIONAL = ("timezone", "currency", "service_level", "current_cost")


def _chosen(answers: Mapping[str, JsonValue]) -> list[str]:
    channels = answers.get("channels")
    return [str(channel) for channel in channels] if isinstance(channels, list) else []


def _sizing(answers: dict[str, JsonValue], errors: dict[str, str], locale: str) -> None:
    """Exactly one way in: a team size, or a volume for each chosen channel."""
    chosen = _chosen(answers)
    given = [c.value for c in Channel if answers.get(f"volume_{c.value}") is not None]
    team = answers.get("team_size")
    if team is not None and given:
        errors.setdefault("team_size", lookup(locale, "quick.both_sizes"))
        return
    if team is not None:
        answers["sizing"] = "team"
        return
    if not given and not any(f"volume_{c.value}" in errors for c in Channel):
        errors.setdefault("team_size", lookup(locale, "quick.no_size"))
        return
    answers["sizing"] = "volume"
    for channel in Channel:
        key = f"volume_{channel.value}"
        if channel.value in given and "channels" not in errors and channel.value not in chosen:
            errors.setdefault(key, lookup(locale, "error.channel_not_chosen"))
        elif channel.value in chosen and channel.value not in given:
            errors.setdefault(key, lookup(locale, "error.required"))


def _hours(answers: dict[str, JsonValue], errors: dict[str, str], locale: str) -> None:
    """Custom hours need the hours typed; typed hours with no preset mean custom."""
    if answers.get("hours") == "custom" and answers.get("hours_custom") is None:
        errors.setdefault("hours_custom", lookup(locale, "error.required"))
    if answers.get("hours") is None and answers.get("hours_custom") is not None:
        errors.pop("hours", None)
        answers["hours"] = "custom"
