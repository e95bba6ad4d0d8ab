"""The question registry: each question defined once, complete in every locale, and its own
example is a valid answer in every language."""

from __future__ import annotations

import pytest
from pydantic import JsonValue

from bot.core.answers import answers_from_scenario, missing, scenario_from_answers
from bot.core.errors import ParseError
from bot.core.questions import QUESTION_IDS, QUESTIONS, Question, QuestionKind, relevant
from bot.render.answers import choice_label, show_answer
from bot.render.catalog import catalog, lookup
from bot.render.env import LOCALES

ANSWERED: dict[str, JsonValue] = {
    "kind": "customer_service",
    "region": "PL",
    "channels": ["phone", "chat"],
    "sizing": "volume",
    "aht_mode": "custom",
}


def test_ids_are_unique_and_in_asking_order() -> None:
    assert len(set(QUESTION_IDS)) == len(QUESTION_IDS)
    assert QUESTION_IDS[:4] == ("kind", "region", "channels", "sizing")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_every_question_has_its_texts(q: Question, locale: str) -> None:
    params = q.params(ANSWERED)
    for part in ("prompt", "label", "help", "example"):
        assert f"{q.template}.{part}" in catalog().keys(locale)
        assert lookup(locale, f"{q.template}.{part}", **params).strip()
    for value in q.fixed_choices:
        assert f"{q.template}.choices.{value}" in catalog().keys(locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_the_example_of_every_question_is_a_valid_answer(q: Question, locale: str) -> None:
    example = lookup(locale, f"{q.template}.example", **q.params(ANSWERED))
    assert q.parse(example) is not None


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind is not QuestionKind.NUMBER])
def test_a_button_label_typed_back_picks_that_button(q: Question, locale: str) -> None:
    for value in q.options(ANSWERED):
        label = choice_label(q, value, locale)
        parsed = q.parse(label)
        assert parsed == value or parsed == [value], (label, parsed)


def test_sizing_decides_between_team_size_and_volumes() -> None:
    by_team = [q.id for q in relevant({**ANSWERED, "sizing": "team"})]
    by_volume = [q.id for q in relevant(ANSWERED)]
    assert "team_size" in by_team and "volume_phone" not in by_team
    assert "team_size" not in by_volume
    assert [i for i in by_volume if i.startswith("volume_")] == ["volume_phone", "volume_chat"]
    assert [i for i in by_volume if i.startswith("aht_")] == ["aht_mode", "aht_phone", "aht_chat"]


def test_handle_times_only_when_asked_for() -> None:
    keep = [q.id for q in relevant({**ANSWERED, "aht_mode": None})]
    assert "aht_mode" in keep and "aht_phone" not in keep


def test_custom_hours_only_after_choosing_custom() -> None:
    assert "hours_custom" not in [q.id for q in relevant({**ANSWERED, "hours": "24x7"})]
    assert "hours_custom" in [q.id for q in relevant({**ANSWERED, "hours": "custom"})]


def test_missing_follows_the_order_and_skipped_optionals_count_as_answered() -> None:
    answers: dict[str, JsonValue] = {}
    assert missing(answers) == "kind"
    answers.update(ANSWERED, volume_phone="100", volume_chat="50", aht_phone=None)
    assert missing(answers) == "aht_chat"
    answers.update(aht_chat=None, languages=["pl"], hours="business")
    assert missing(answers) == "timezone"
    answers.update(timezone=None, currency=None, service_level=None, current_cost=None)
    assert missing(answers) is None


def test_answers_round_trip_through_the_scenario() -> None:
    answers: dict[str, JsonValue] = {
        **ANSWERED,
        "volume_phone": "12000",
        "volume_chat": "3000",
        "aht_phone": 390,
        "aht_chat": None,
        "languages": ["pl", "en"],
        "agent_languages": None,
        "hours": [[0, 8, 20], [5, 9, 13]],
        "timezone": None,
        "currency": "EUR",
        "service_level": {"level": 0.9, "seconds": 30},
        "current_cost": "25000.00",
    }
    scenario = scenario_from_answers(answers)
    assert scenario.coverage.timezone == "Europe/Warsaw"  # the region's zone by default
    assert scenario.volumes[0].aht_seconds == 390 and scenario.volumes[1].aht_seconds is None
    assert scenario.service_level == 0.9 and scenario.answer_seconds == 30
    again = scenario_from_answers(answers_from_scenario(scenario))
    assert again == scenario


def test_answers_kept_from_an_abandoned_path_never_reach_the_engine() -> None:
    answers: dict[str, JsonValue] = {
        **ANSWERED,
        "sizing": "team",
        "team_size": 8,
        "volume_phone": "12000",  # typed before switching to team size
        "languages": ["pl"],
        "hours": "24x7",
        "timezone": None,
        "currency": None,
        "service_level": None,
        "current_cost": None,
    }
    scenario = scenario_from_answers(answers)
    assert scenario.team_size == 8 and scenario.volumes == ()


@pytest.mark.parametrize("locale", LOCALES)
def test_answers_are_shown_with_babel(locale: str) -> None:
    answers: dict[str, JsonValue] = {**ANSWERED, "volume_phone": "12000", "current_cost": "25000"}
    volume = show_answer(_question("volume_phone"), answers, locale)
    expected = {"en": "12,000", "pl": "12\u00a0000", "zh": "12,000"}[locale]
    assert expected in volume
    cost = show_answer(_question("current_cost"), answers, locale)
    assert "25" in cost and ("PLN" in cost or "zł" in cost)
    skipped = show_answer(_question("service_level"), {**answers, "service_level": None}, locale)
    assert "80" in skipped and "20" in skipped


def _question(question_id: str) -> Question:
    return next(q for q in QUESTIONS if q.id == question_id)


def test_parsers_raise_only_parse_errors_on_junk() -> None:
    for q in QUESTIONS:
        for junk in ("", "😀", "-1", "x" * 600, "\x00", "2" + "0" * 26, "9" * 400 + " h"):
            with pytest.raises(ParseError):
                q.parse(junk)
