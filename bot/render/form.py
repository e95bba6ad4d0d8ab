"""The one-screen form in words: field labels, hints, placeholders, choices and errors.

The core owns which fields there are and how a submission is judged
(:data:`bot.core.form.FORM_FIELDS`, :func:`bot.core.form.validate_form`); an adapter that
draws a form (Slack's modal) takes the words from here, in the user's locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.events import Choice
from bot.core.form import FORM_FIELDS
from bot.core.locales import normalize_locale
from bot.core.questions import question
from bot.core.replies import FieldError
from bot.render.answers import choice_label
from bot.render.catalog import lookup
from bot.render.conversation import field_error_text, question_label

__all__ = ["FormFieldView", "form_error_texts", "form_fields"]


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
    """:data:`~bot.core.form.FORM_FIELDS` with labels, help as hint, the example as
    placeholder."""
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


def form_error_texts(errors: Mapping[str, FieldError], locale: str) -> dict[str, str]:
    """A form's errors (:attr:`bot.core.form.FormResult.errors`) as field id -> message."""
    locale = normalize_locale(locale)
    return {field: field_error_text(field, error, locale) for field, error in errors.items()}
