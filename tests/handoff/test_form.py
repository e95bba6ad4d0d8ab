"""The add form as pure functions: one answer at a time, or all at once."""

from __future__ import annotations

import pytest

from bot.handoff.commands import Add
from bot.handoff.errors import InvalidLead, InvalidTime, UnknownTimeZone
from bot.handoff.form import FIELDS, answer, next_field, to_command, validate_all
from bot.handoff.roster import Region


def test_answers_fill_the_fields_in_order_and_normalize() -> None:
    answers: dict[str, str] = {}
    for text in ["APAC", "asia/manila", "22:00 - 06:00", "nd-czw", "@ben"]:
        field = next_field(answers)
        answers = answer(answers, text)
        assert field in answers
    assert next_field(answers) is None
    assert answers == {
        "name": "APAC",
        "tz": "Asia/Manila",
        "window": "22:00-06:00",
        "days": "Mon-Thu,Sun",
        "lead": "@ben",
    }
    assert to_command(answers) == Add(
        Region("APAC", "Asia/Manila", 1320, 360, frozenset({6, 0, 1, 2, 3}), "@ben")
    )
    with pytest.raises(ValueError, match="complete"):
        answer(answers, "more")


def test_a_rejected_answer_leaves_the_draft_alone() -> None:
    draft = {"name": "EMEA"}
    with pytest.raises(UnknownTimeZone):
        answer(draft, "Narnia/Cair_Paravel")
    assert draft == {"name": "EMEA"} and next_field(draft) == "tz"
    with pytest.raises(InvalidTime):
        answer({"name": "EMEA", "tz": "UTC"}, "9")


def test_validate_all_reports_each_field() -> None:
    problems = validate_all({"name": "", "tz": "UTC", "window": "08:00-17:00", "lead": "anna"})
    assert set(problems) == {"name", "lead"}
    assert isinstance(problems["lead"], InvalidLead)
    assert validate_all(dict(zip(FIELDS, ["X", "UTC", "0-24", "", "@x"], strict=True))) == {}
