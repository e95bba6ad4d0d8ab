"""The one-screen form: every question in one Slack modal, validated by the core.

The modal is an alternative to the guided dialogue. Its fields come from the core's form
definition (``bot.core.form``), which reads the same question registry as the dialogue, so a
question cannot be asked or validated differently here. This module only translates:

- the core's fields -> ``input`` blocks (``block_id`` = the question id, so Slack's field
  errors point at the right input): ``static_select`` for one choice,
  ``multi_static_select`` for several, ``plain_text_input`` for numbers and text;
- the submitted ``view.state.values`` -> ``{question_id: raw value}`` for the core's
  ``validate_form``;
- the core's ``{question_id: message}`` errors -> ``response_action: "errors"`` keyed by
  ``block_id``, the only way Slack shows an error under a field.

The user's locale travels in the view's ``private_metadata``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import Block, plain, truncate
from bot.adapters.slack.strings import strings
from bot.core.events import Choice, FormSubmit

__all__ = [
    "FieldSpec",
    "FormAdapter",
    "core_fields",
    "core_validate",
    "errors_by_block",
    "form_view",
    "read_values",
    "view_locale",
]

#: Slack's limits for modal inputs.
_LABEL_LIMIT = 2000
_HINT_LIMIT = 2000
_PLACEHOLDER_LIMIT = 150
_ERROR_LIMIT = 2000  # Slack truncates longer field errors
_INPUT_ACTION = "value"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field as the modal needs it (built from the core's form field)."""

    id: str
    kind: str  # "single" | "multi" | "number" | "text"
    label: str
    choices: tuple[Choice, ...] = ()
    optional: bool = False
    hint: str = ""
    placeholder: str = ""
    initial: str | tuple[str, ...] | None = None


def _option(choice: Choice) -> Block:
    return {"text": plain(choice.label), "value": choice.value}


def _element(spec: FieldSpec) -> Block:
    if spec.kind in ("single", "multi") and spec.choices:
        element: Block = {
            "type": "multi_static_select" if spec.kind == "multi" else "static_select",
            "action_id": _INPUT_ACTION,
            "options": [_option(c) for c in spec.choices[:100]],
        }
        initial = spec.initial
        if spec.kind == "multi" and isinstance(initial, tuple) and initial:
            element["initial_options"] = [_option(c) for c in spec.choices if c.value in initial]
        elif isinstance(initial, str):
            chosen = [c for c in spec.choices if c.value == initial]
            if chosen:
                element["initial_option"] = _option(chosen[0])
    else:
        element = {"type": "plain_text_input", "action_id": _INPUT_ACTION}
        if isinstance(spec.initial, str) and spec.initial:
            element["initial_value"] = spec.initial
    if spec.placeholder:
        element["placeholder"] = plain(spec.placeholder, _PLACEHOLDER_LIMIT)
    return element


def form_view(fields: Sequence[FieldSpec], locale: str | None) -> dict[str, Any]:
    """The ``modal`` view for ``views.open``."""
    words = strings(locale)
    blocks: list[Block] = []
    for spec in fields[:100]:
        block: Block = {
            "type": "input",
            "block_id": spec.id,
            "label": plain(spec.label, _LABEL_LIMIT),
            "element": _element(spec),
            "optional": spec.optional,
        }
        if spec.hint:
            block["hint"] = plain(spec.hint, _HINT_LIMIT)
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": ids.FORM_CALLBACK,
        "title": plain(words.modal_title, 24),
        "submit": plain(words.modal_submit, 24),
        "close": plain(words.modal_close, 24),
        "private_metadata": json.dumps({"locale": locale}),
        "blocks": blocks,
    }


def view_locale(view: Mapping[str, Any]) -> str | None:
    try:
        meta = json.loads(str(view.get("private_metadata") or "{}"))
    except json.JSONDecodeError:
        return None
    locale = meta.get("locale") if isinstance(meta, dict) else None
    return locale if isinstance(locale, str) and locale else None


def read_values(state_values: Mapping[str, Any]) -> dict[str, str | list[str] | None]:
    """``view.state.values`` -> ``{question_id: text | [values] | None}`` (None: left empty)."""
    found: dict[str, str | list[str] | None] = {}
    for block_id, actions in state_values.items():
        if not isinstance(actions, Mapping):
            continue
        element = actions.get(_INPUT_ACTION)
        if not isinstance(element, Mapping):
            continue
        kind = element.get("type")
        if kind == "multi_static_select":
            options = element.get("selected_options") or []
            found[block_id] = [str(o.get("value")) for o in options if isinstance(o, Mapping)]
        elif kind == "static_select":
            option = element.get("selected_option")
            found[block_id] = str(option.get("value")) if isinstance(option, Mapping) else None
        else:
            value = element.get("value")
            found[block_id] = value.strip() if isinstance(value, str) and value.strip() else None
    return found


def errors_by_block(errors: Mapping[str, str], fields: Sequence[FieldSpec]) -> dict[str, str]:
    """The core's ``{question_id: message}`` as Slack's ``errors`` (``block_id`` -> text).

    An error about a question that has no input of its own (a cross-field rule) is shown
    under the first field, so Slack never drops it silently.
    """
    known = {spec.id for spec in fields}
    shown: dict[str, str] = {}
    for question_id, message in errors.items():
        target = question_id if question_id in known else (fields[0].id if fields else question_id)
        text = f"{shown[target]} {message}" if target in shown else message
        shown[target] = truncate(text, _ERROR_LIMIT)
    return shown


Values = dict[str, str | list[str] | None]
FieldsFunction = Callable[[str | None], Sequence[FieldSpec]]
#: ``(values, locale) -> {question_id: message}`` (empty when the form is valid).
ValidateFunction = Callable[[Values, str | None], Mapping[str, str]]


def core_fields(locale: str | None) -> tuple[FieldSpec, ...]:
    """The core's form fields in ``locale`` (``bot.render.form.form_fields``)."""
    from bot.render.form import form_fields

    return tuple(
        FieldSpec(
            id=view.id,
            kind=view.kind,
            label=view.label,
            choices=view.choices,
            optional=view.optional,
            hint=view.hint,
            placeholder=view.placeholder,
        )
        for view in form_fields(locale or "en")
    )


def _submitted(values: Values) -> dict[str, str | tuple[str, ...]]:
    return {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in values.items()
        if value is not None
    }


def core_validate(values: Values, locale: str | None) -> Mapping[str, str]:
    """The core's verdict on a submission (``bot.core.form.validate_form``), in words."""
    from bot.core.form import validate_form
    from bot.render.form import form_error_texts

    return form_error_texts(validate_form(_submitted(values)).errors, locale or "en")


class FormAdapter:
    """The modal's moves: build the view; check a submission in the acknowledgement (the
    only place Slack accepts field errors); turn it into the core's ``FormSubmit`` event,
    which the conversation service steps like any other (the core validates it again and
    answers with the result). Defaults come from ``bot.core.form``; tests may pass their own
    functions."""

    def __init__(
        self,
        *,
        fields: FieldsFunction | None = None,
        validate: ValidateFunction | None = None,
    ) -> None:
        self._fields = fields or core_fields
        self._validate = validate or core_validate

    def view(self, locale: str | None) -> dict[str, Any]:
        return form_view(self._fields(locale), locale)

    @staticmethod
    def locale_of(body: Mapping[str, Any]) -> str | None:
        view = body.get("view")
        return view_locale(view) if isinstance(view, Mapping) else None

    @staticmethod
    def _values(body: Mapping[str, Any]) -> Values:
        view = body.get("view")
        state = view.get("state") if isinstance(view, Mapping) else None
        values = state.get("values") if isinstance(state, Mapping) else None
        return read_values(values) if isinstance(values, Mapping) else {}

    def errors(self, body: Mapping[str, Any]) -> dict[str, str]:
        """Slack's ``errors`` for this submission; empty when it is valid."""
        locale = self.locale_of(body)
        errors = self._validate(self._values(body), locale)
        return errors_by_block(errors, self._fields(locale)) if errors else {}

    def event(self, body: Mapping[str, Any]) -> FormSubmit:
        """The submission as the core's event."""
        return FormSubmit(values=_submitted(self._values(body)))
