"""The App Home view from the service's estimate summaries."""

from __future__ import annotations

import json

from bot.adapters.slack import ids
from bot.adapters.slack.home import home_view

SUMMARY = {
    "currency": "EUR",
    "recommended": "partial",
    "ranking": ["partial", "outsourced", "in_house", "hosted"],
    "monthly_totals": {"partial": "12345.60", "outsourced": "15000.00"},
    "created_at": "2026-11-24T10:00:00+00:00",
}


def _texts(view: dict[str, object]) -> str:
    return json.dumps(view, ensure_ascii=False)


def test_recent_estimates_show_the_recommended_model_and_its_monthly_cost() -> None:
    view = home_view([SUMMARY], "en")
    assert view["type"] == "home"
    text = _texts(view)
    assert "Partly outsourced" in text
    assert "€12,346" in text  # whole units from 1,000 up (issue 15, problem 9)


def test_money_and_model_names_follow_the_users_locale() -> None:
    text = _texts(home_view([SUMMARY], "pl"))
    assert "12\u00a0346\u00a0€" in text  # Babel: non-breaking spaces, symbol after
    assert "miesięcznie" in text


def test_buttons_start_a_conversation_or_open_the_form() -> None:
    view = home_view([], "en")
    actions = next(b for b in view["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [ids.HOME_START, ids.HOME_FORM]
    assert "No estimates yet" in _texts(view)
    without_form = home_view([], "en", form=False)
    actions = next(b for b in without_form["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [ids.HOME_START]


def test_at_most_ten_estimates_and_odd_entries_do_not_break_the_view() -> None:
    odd = {"recommended": "hosted", "currency": "XXX?", "monthly_totals": {"hosted": "n/a"}}
    view = home_view([SUMMARY] * 12 + [odd], "en")
    sections = [b for b in view["blocks"] if b["type"] == "section"]
    assert len(sections) == 1 + 10  # the intro, then ten estimates
