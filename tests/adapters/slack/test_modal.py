"""The one-screen modal: view from the core's fields, submitted values back, field errors."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.modal import (
    FieldSpec,
    FormAdapter,
    errors_by_block,
    form_view,
    read_values,
    view_locale,
)
from bot.core.events import Choice, FormSubmit

FIELDS = (
    FieldSpec("kind", "single", "Kind of support", (Choice("cs", "Customer"), Choice("it", "IT"))),
    FieldSpec(
        "channels",
        "multi",
        "Channels",
        (Choice("phone", "Phone"), Choice("chat", "Chat"), Choice("email", "Email")),
        initial=("phone",),
    ),
    FieldSpec("team_size", "number", "Team size", placeholder="e.g. 8", hint="Agents today"),
    FieldSpec("timezone", "text", "Time zone", optional=True, initial="Europe/Warsaw"),
)


def _input(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b["block_id"] == block_id)


def test_the_view_has_one_input_per_field_keyed_by_question_id() -> None:
    view = form_view(FIELDS, "pl-PL")
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.FORM_CALLBACK
    assert [b["block_id"] for b in view["blocks"]] == ["kind", "channels", "team_size", "timezone"]
    assert _input(view, "kind")["element"]["type"] == "static_select"
    channels = _input(view, "channels")["element"]
    assert channels["type"] == "multi_static_select"
    assert [o["value"] for o in channels["initial_options"]] == ["phone"]
    team = _input(view, "team_size")
    assert team["element"]["type"] == "plain_text_input"
    assert team["element"]["placeholder"]["text"] == "e.g. 8"
    assert team["hint"]["text"] == "Agents today"
    assert _input(view, "timezone")["optional"] is True
    assert _input(view, "timezone")["element"]["initial_value"] == "Europe/Warsaw"
    assert view["submit"]["text"] == "Wyceń"
    assert view_locale(view) == "pl-PL"


def _state(**values: Any) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for block_id, value in values.items():
        if isinstance(value, list):
            element = {
                "type": "multi_static_select",
                "selected_options": [{"value": v, "text": {"text": v}} for v in value],
            }
        elif isinstance(value, tuple):
            element = {"type": "static_select", "selected_option": {"value": value[0]}}
        else:
            element = {"type": "plain_text_input", "value": value}
        state[block_id] = {"value": element}
    return state


def test_submitted_values_come_back_as_raw_answers() -> None:
    values = read_values(
        _state(kind=("it",), channels=["phone", "email"], team_size=" 12 ", timezone="")
    )
    assert values == {
        "kind": "it",
        "channels": ["phone", "email"],
        "team_size": "12",
        "timezone": None,
    }
    assert read_values({"kind": {"value": {"type": "static_select", "selected_option": None}}}) == {
        "kind": None
    }


def test_errors_are_keyed_by_block_and_cross_field_errors_are_not_lost() -> None:
    shown = errors_by_block({"team_size": "Not a number", "scenario": "Too big"}, FIELDS)
    assert shown == {"team_size": "Not a number", "kind": "Too big"}
    long = errors_by_block({"kind": "x" * 5000}, FIELDS)
    assert len(long["kind"]) == 2000


def test_the_adapter_validates_in_the_ack_and_hands_the_core_a_form_submit() -> None:
    def validate(values: dict[str, Any], locale: str | None) -> dict[str, str]:
        return {} if values.get("team_size") == "12" else {"team_size": f"bad ({locale})"}

    form = FormAdapter(fields=lambda locale: FIELDS, validate=validate)
    view = form.view("zh")
    assert json.loads(view["private_metadata"]) == {"locale": "zh"}
    bad = {"view": {**view, "state": {"values": _state(team_size="x")}}}
    assert form.errors(bad) == {"team_size": "bad (zh)"}
    good = {
        "view": {
            **view,
            "state": {"values": _state(team_size="12", channels=["phone"], timezone="")},
        }
    }
    assert form.errors(good) == {}
    assert form.locale_of(good) == "zh"
    assert form.event(good) == FormSubmit({"team_size": "12", "channels": ("phone",)})


def test_the_core_form_draws_and_validates_through_the_adapter() -> None:
    form = FormAdapter()
    view = form.view("en")
    block_ids = [b["block_id"] for b in view["blocks"]]
    assert block_ids[:3] == ["kind", "region", "channels"]
    assert "team_size" in block_ids
    empty = {"view": {**view, "state": {"values": {}}}}
    errors = form.errors(empty)
    assert "kind" in errors and set(errors) <= set(block_ids)
