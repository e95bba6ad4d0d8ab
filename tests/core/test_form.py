"""The one-screen form: same questions, same parsers, one error per field."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from bot.core.form import FORM_FIELDS, validate_form
from bot.core.questions import QUESTION_IDS
from bot.core.replies import FieldError
from costengine.scenario import Channel, HoursPreset

VALID: dict[str, str | Sequence[str]] = {
    "kind": "customer_service",
    "region": "UK",
    "channels": ("phone", "chat"),
    "volume_phone": "12,000",
    "volume_chat": "3k",
    "languages": ("en"),
    "hours": "24x7",
}


def test_fields_are_registry_questions() -> None:
    ids = [field.id for field in FORM_FIELDS]
    assert set(ids) <= set(QUESTION_IDS) and len(ids) == len(set(ids))
    assert {"kind", "region", "channels", "team_size", "languages", "hours"} <= set(ids)


def test_a_valid_form_gives_a_scenario() -> None:
    result = validate_form(VALID)
    assert result.ok and result.scenario is not None and result.errors == {}
    assert [(v.channel, v.contacts_per_month) for v in result.scenario.volumes] == [
        (Channel.PHONE, Decimal(12000)),
        (Channel.CHAT, Decimal(3000)),
    ]
    assert result.scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN


def test_a_team_size_instead_of_volumes() -> None:
    values = {**VALID, "team_size": "8", "volume_phone": "", "volume_chat": ""}
    result = validate_form(values)
    assert result.ok and result.scenario is not None and result.scenario.team_size == 8


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "banana"}, "kind"),
        ({"region": "France"}, "region"),
        ({"languages": ()}, "languages"),
        ({"volume_phone": "-5"}, "volume_phone"),
        ({"volume_chat": ""}, "volume_chat"),
        ({"team_size": "8"}, "team_size"),
        ({"volume_phone": "", "volume_chat": ""}, "team_size"),
        ({"volume_email": "100"}, "volume_email"),
        ({"hours": "custom"}, "hours_custom"),
        ({"service_level": "120%"}, "service_level"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"current_cost": "x" * 600}, "current_cost"),
    ],
)
def test_errors_are_keyed_by_question(changes: dict[str, str], field: str) -> None:
    result = validate_form({**VALID, **changes})
    assert not result.ok and result.scenario is None
    assert result.errors.get(field)


def test_several_errors_at_once_each_with_its_reason() -> None:
    result = validate_form({"kind": "x", "region": "Atlantis"})
    assert {"kind", "region", "channels", "languages", "hours"} <= set(result.errors)
    assert result.errors["languages"] == FieldError("error.required")
    assert result.errors["kind"] == FieldError("error.unknown_choice", example=True)
    assert result.errors["region"].key == "error.unknown_region"


def test_typed_hours_without_a_preset_mean_custom() -> None:
    values = {**VALID, "hours": "", "hours_custom": "Mon-Fri 8-20"}
    result = validate_form(values)
    assert result.ok and result.scenario is not None
    assert result.scenario.coverage.preset is HoursPreset.CUSTOM


def test_several_languages_need_no_answer_the_form_does_not_insist_on() -> None:
    """Two languages make "do your agents speak all of them?" relevant: left empty on the
    form it takes its default (at 876e216 the submission failed as "inconsistent")."""
    values = {**VALID, "languages": ("en", "pl")}
    result = validate_form(values)
    assert result.ok and result.scenario is not None, result.errors
    assert result.answers["agent_languages"] is None
    one_each = validate_form({**values, "agent_languages": "one_each"})
    assert one_each.ok and one_each.answers["agent_languages"] == "one_each"
