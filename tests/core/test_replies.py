"""What the pure machine answers, as data: structured replies, no words, nothing rendered.

``step`` decides what to say; ``bot.render`` words it. These tests read the decisions
(which question, which choices, why a rejection, which follow-ups) without a catalogue, and
check that every reply is plain, frozen, picklable data a worker pool can hand back.
"""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, fields
from decimal import Decimal

import pytest

from bot.core.events import Command, FormSubmit, Pick, Reply, Start, Submit, Text, Toggle
from bot.core.machine import StepResult, step
from bot.core.replies import (
    Ask,
    Explanation,
    ExplanationView,
    FieldError,
    FormRejection,
    Help,
    LanguagePick,
    Notice,
    Rejection,
    Result,
    Summary,
    WhatIfApplied,
)
from bot.core.state import ConversationState, Phase
from costengine.estimate import estimate
from costengine.results import Estimate
from costengine.scenario import Scenario

from .test_machine import _reach


def fast(scenario: Scenario) -> Estimate:
    return estimate(scenario, analysis=False)


def _walk(state: ConversationState | None, *events: object) -> StepResult:
    result: StepResult | None = None
    for event in events:
        result = step(state, event, estimator=fast)  # type: ignore[arg-type]
        state = result.state
    assert result is not None
    return result


def _summary() -> ConversationState:
    state = _reach("current_cost")
    return step(state, Command("skip")).state


def test_the_greeting_and_the_first_question_are_data() -> None:
    result = step(None, Start("pl"))
    assert result.state.locale == "pl"
    greeting, ask = result.replies
    assert greeting == Notice("greeting")
    assert isinstance(ask, Ask) and ask.question == "kind"
    assert ask.choices == ("customer_service", "it_helpdesk") and not ask.multi
    assert ask.actions == () and ask.lead is None


def test_a_multi_select_carries_its_toggled_values() -> None:
    state = _reach("channels")
    result = _walk(state, Toggle("channels", "chat"), Toggle("channels", "phone"))
    (ask,) = result.replies
    assert isinstance(ask, Ask) and ask.multi and ask.selected == ("chat", "phone")
    assert ask.actions == ("back",)


def test_a_rejection_names_its_reason_and_question_and_keeps_the_state() -> None:
    state = _reach("volume_phone")
    result = step(state, Text("-5"))
    assert result.state is state
    rejection, ask = result.replies
    assert rejection == Rejection(
        "error.negative", {}, question="volume_phone", answers=dict(state.answers)
    )
    assert isinstance(ask, Ask) and ask.question == "volume_phone"


def test_a_flow_error_has_no_question() -> None:
    result = step(_reach("kind"), Command("back"))
    rejection = result.replies[0]
    assert isinstance(rejection, Rejection)
    assert rejection.key == "error.nothing_to_go_back" and rejection.question is None


def test_an_optional_question_offers_skip_and_shows_its_current_answer() -> None:
    state = _reach("timezone")
    (ask,) = step(state, Command("edit", "timezone")).replies
    assert isinstance(ask, Ask) and ask.actions == ("back", "skip")
    assert ask.choices == ("Europe/Warsaw",)


def test_the_summary_lists_answers_with_edit_actions() -> None:
    state = _summary()
    (summary,) = step(state, Command("edit")).replies
    assert isinstance(summary, Summary)
    assert summary.questions[:3] == ("kind", "region", "channels")
    assert summary.actions[: len(summary.questions)] == tuple(
        f"edit:{q}" for q in summary.questions
    )
    assert summary.actions[-2:] == ("compute", "restart")


def test_compute_answers_with_the_estimate_and_its_follow_ups() -> None:
    result = _walk(_summary(), Command("compute"))
    shown, alternatives = result.replies
    assert isinstance(shown, Result) and shown.estimate is result.estimate
    assert alternatives == Notice(
        "outsourcing.try", actions=("whatif:outsourcing=dedicated", "whatif:outsourcing=shared")
    )
    assert shown.chart and shown.actions[:2] == ("why", "details")
    assert "whatif:hours=24x7" in shown.actions


def test_why_and_details_are_explanations_of_the_same_estimate() -> None:
    state = _walk(_summary(), Command("compute")).state
    for word, view in (("why", ExplanationView.WHY), ("details", ExplanationView.DETAILS)):
        (explanation,) = _walk(state, Command(word)).replies
        assert isinstance(explanation, Explanation) and explanation.view is view
        assert explanation.estimate.scenario == state.last_scenario


def test_a_what_if_leads_with_what_changed() -> None:
    state = _walk(_summary(), Command("compute")).state
    applied, shown, _ = _walk(state, Command("whatif", "volume=+20%")).replies
    assert isinstance(applied, WhatIfApplied) and applied.volume_change == Decimal("0.2")
    assert applied.original is not None and applied.actions == ("original",)
    assert isinstance(shown, Result)
    applied, _, _ = _walk(state, Text("24/7")).replies
    assert isinstance(applied, WhatIfApplied) and applied.changed == ("hours",)
    assert applied.answers["hours"] == "24x7"


def test_help_language_and_cancel() -> None:
    state = _reach("hours")
    help_, ask = step(state, Command("help")).replies
    assert help_ == Help("hours", dict(state.answers)) and isinstance(ask, Ask)
    pick, _ = step(state, Command("language")).replies
    assert pick == LanguagePick(("language:en", "language:zh", "language:pl"))
    switched = step(state, Command("language", "zh"))
    (ask,) = switched.replies
    assert isinstance(ask, Ask) and ask.lead == Notice("language_set")
    asked = step(state, Command("cancel"))
    assert asked.replies == (Notice("confirm.cancel", actions=("cancel:yes", "cancel:no")),)
    cancelled = step(asked.state, Command("cancel", "yes"))
    assert cancelled.state.phase is Phase.CANCELLED
    assert cancelled.replies == (Notice("cancelled", actions=("start",)),)


def test_a_form_rejection_lists_each_field() -> None:
    state = step(None, Start()).state
    result = step(state, FormSubmit({"kind": "x", "region": "PL"}))
    rejection = result.replies[0]
    assert isinstance(rejection, FormRejection)
    errors = dict(rejection.errors)
    assert errors["kind"] == FieldError("error.unknown_choice", example=True)
    assert errors["channels"] == FieldError("error.required")
    assert "region" not in errors


@pytest.mark.parametrize(
    "events",
    [
        (Start("en"),),
        (Start("en"), Text("nonsense")),
        (Start("zh"), Pick("kind", "it_helpdesk"), Command("help")),
        (Start("pl"), Submit("kind", ("a", "b"))),
    ],
)
def test_replies_are_frozen_picklable_data_never_text(events: tuple[object, ...]) -> None:
    result = _walk(None, *events)
    for reply in result.replies:
        assert not isinstance(reply, Reply)
        assert "text" not in {f.name for f in fields(reply)}
        assert pickle.loads(pickle.dumps(reply)) == reply
        with pytest.raises(FrozenInstanceError):
            setattr(reply, fields(reply)[0].name, None)


# --- each answer validated once: what-ifs and one-liners go through the questions' parsers --


def _team_result(team: str) -> ConversationState:
    state = step(None, Start("en")).state
    values = {
        "kind": "customer_service",
        "region": "PL",
        "channels": ("phone",),
        "team_size": team,
        "languages": ("pl",),
        "hours": "business",
    }
    return _walk(state, FormSubmit(values)).state


def test_a_scaled_team_beyond_the_questions_range_is_refused_not_clamped() -> None:
    from costengine.limits import MAX_TEAM_SIZE

    state = _team_result(str(MAX_TEAM_SIZE))
    result = _walk(state, Command("whatif", "volume=+20%"))
    assert result.state == state and result.estimate is None
    rejection = result.replies[0]
    assert isinstance(rejection, Rejection) and rejection.key == "error.too_large"
    assert str(rejection.params["max"]) == str(MAX_TEAM_SIZE)


def test_a_typed_team_size_in_a_what_if_is_read_by_the_team_question() -> None:
    state = _team_result("8")
    too_many = _walk(state, Command("whatif", "30000 agents")).replies[0]
    assert isinstance(too_many, Rejection) and too_many.key == "error.too_large"
    fraction = _walk(state, Command("whatif", "8.5 agents"))  # part-timers: FTE
    assert fraction.state.answers["team_size"] == "8.5" and fraction.estimate is not None
    too_few = _walk(state, Command("whatif", "0.05 agents")).replies[0]
    assert isinstance(too_few, Rejection) and too_few.key == "error.too_small"
    grown = _walk(state, Command("whatif", "12 agents"))
    assert grown.state.answers["team_size"] == 12 and grown.estimate is not None


def test_a_volume_scaled_below_one_contact_is_refused_by_the_volume_question() -> None:
    state = _reach("current_cost")
    state = _walk(state, Command("skip"), Command("compute")).state
    low = state.model_copy(update={"answers": {**state.answers, "volume_phone": "1"}})
    rejection = _walk(low, Command("whatif", "volume=-90%")).replies[0]
    assert isinstance(rejection, Rejection) and rejection.key == "error.too_small"


def test_a_one_line_request_is_checked_by_the_same_parsers() -> None:
    from bot.core.errors import QuickParseError
    from bot.core.quick import parse_quick

    for line, key in (
        ("30000 agents", "error.too_large"),
        ("0.01 agents", "error.too_small"),
        ("8 agents €20000000000", "error.too_large"),
        ("99000000000 calls/month", "error.too_large"),
    ):
        with pytest.raises(QuickParseError) as caught:
            parse_quick(line, "en")
        assert caught.value.key == key, line
    request = parse_quick("8 agents €40k", "en")
    assert request.answers["current_cost"] == "40000.00" and request.answers["team_size"] == 8
