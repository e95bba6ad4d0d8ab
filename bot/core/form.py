"""The one-screen form: every question at once (Slack's modal), validated by the same parsers.

:data:`FORM_FIELDS` lists the questions the form shows, straight from the registry in
:mod:`bot.core.questions` (``bot.render.form.form_fields`` adds the localized labels, hints
and choice labels an adapter needs to draw them); :func:`validate_form` reads a submission
with each question's own parser and returns either a scenario or one
:class:`~bot.core.replies.FieldError` per field, keyed by question id (which is what Slack's
``response_action: "errors"`` wants once ``bot.render.form.form_error_texts`` words them).

The form cannot ask "team size or volumes?" first, so it offers both and accepts exactly
one: a team size, or a volume for every chosen channel. Handle times, and any other optional
question the form does not show, take their defaults (the dialogue can override them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import JsonValue, ValidationError

from bot.core.answers import scenario_from_answers
from bot.core.errors import CoreError, ParseError
from bot.core.questions import LANGUAGE_BUTTONS, QuestionKind, question, relevant
from bot.core.regions import known_currency_codes, known_regions
from bot.core.replies import FieldError
from costengine.scenario import Channel, Scenario

__all__ = ["FORM_FIELDS", "FORM_LANGUAGES", "FormField", "FormResult", "validate_form"]

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
    _field("agent_languages"),
    _field("hours"),
    _field("hours_custom", optional=True),
    _field("timezone"),
    _field("currency"),
    _field("service_level"),
    _field("current_cost"),
)


@dataclass(frozen=True, slots=True)
class FormResult:
    """A valid form gives ``scenario`` (and the same as conversation ``answers``); an
    invalid one gives ``errors``: question id -> why, in form order."""

    scenario: Scenario | None
    errors: dict[str, FieldError] = field(default_factory=dict)
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


_REQUIRED = FieldError("error.required")


def validate_form(values: Mapping[str, str | Sequence[str]]) -> FormResult:
    """Check a whole submission; every field gets its own error, nothing raises."""
    answers: dict[str, JsonValue] = {}
    errors: dict[str, FieldError] = {}
    for spec in FORM_FIELDS:
        q = question(spec.id)
        raw = _raw(values.get(spec.id)).strip()
        if not raw:
            answers[spec.id] = None
            if not spec.optional:
                errors[spec.id] = _REQUIRED
            continue
        try:
            answers[spec.id] = q.parse(raw)
        except ParseError as error:
            errors[spec.id] = FieldError(error.key, error.params, example=True)
    _sizing(answers, errors)
    _hours(answers, errors)
    clean = {key: value for key, value in answers.items() if value is not None or key in _OPTIONAL}
    if errors:
        return FormResult(None, errors, clean)
    for q in relevant(clean):  # optional questions the form does not show: their defaults
        if q.asked and q.optional and q.id not in clean:
            clean[q.id] = None
    try:
        scenario = scenario_from_answers(clean)
    except (ValidationError, CoreError):
        return FormResult(None, {"team_size": FieldError("error.inconsistent")}, clean)
    return FormResult(scenario, {}, clean)


_OPTIONAL = ("agent_languages", "timezone", "currency", "service_level", "current_cost")


def _chosen(answers: Mapping[str, JsonValue]) -> list[str]:
    channels = answers.get("channels")
    return [str(channel) for channel in channels] if isinstance(channels, list) else []


def _sizing(answers: dict[str, JsonValue], errors: dict[str, FieldError]) -> None:
    """Exactly one way in: a team size, or a volume for each chosen channel."""
    chosen = _chosen(answers)
    given = [c.value for c in Channel if answers.get(f"volume_{c.value}") is not None]
    team = answers.get("team_size")
    if team is not None and given:
        errors.setdefault("team_size", FieldError("quick.both_sizes"))
        return
    if team is not None:
        answers["sizing"] = "team"
        return
    if not given and not any(f"volume_{c.value}" in errors for c in Channel):
        errors.setdefault("team_size", FieldError("quick.no_size"))
        return
    answers["sizing"] = "volume"
    for channel in Channel:
        key = f"volume_{channel.value}"
        if channel.value in given and "channels" not in errors and channel.value not in chosen:
            errors.setdefault(key, FieldError("error.channel_not_chosen"))
        elif channel.value in chosen and channel.value not in given:
            errors.setdefault(key, _REQUIRED)


def _hours(answers: dict[str, JsonValue], errors: dict[str, FieldError]) -> None:
    """Custom hours need the hours typed; typed hours with no preset mean custom."""
    if answers.get("hours") == "custom" and answers.get("hours_custom") is None:
        errors.setdefault("hours_custom", _REQUIRED)
    if answers.get("hours") is None and answers.get("hours_custom") is not None:
        errors.pop("hours", None)
        answers["hours"] = "custom"
