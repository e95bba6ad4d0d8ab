"""In-house pricing, checked by hand on a round-number card (see _pricing_fixtures)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from costengine.pricing.common import Draft, drafts_total
from costengine.pricing.inhouse import price_in_house, staff_drafts
from costengine.scenario import SupportKind
from tests.costengine._pricing_fixtures import (
    business_pool,
    context,
    round_the_clock_pool,
    simple_card,
    workload,
)


def amounts(drafts: Sequence[Draft]) -> dict[str, Decimal]:
    return {d.key: d.amount for d in drafts}


def test_business_hours_team_every_item_by_hand(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    drafts = price_in_house(workload(business_pool()), ctx)
    assert amounts(drafts) == {
        "agent_salaries": Decimal("3000.00"),  # 2 FTE x 1,000 x 1.5
        "team_leads": Decimal("2250.00"),  # ceil(2 / 10) = 1 x 1,500 x 1.5
        "qa_wfm": Decimal("450.00"),  # 2 x 0.1 posts x 2,250
        "recruiting": Decimal("120.00"),  # 2 x 0.6 hires x 1,200 / 12
        "training_ramp_up": Decimal("150.00"),  # 1.2 x (10 + 4 x 5 x 0.5) days x 75 / 12
        "workspace_it": Decimal("200.00"),  # 2 seats x 100
        "support_software": Decimal("100.00"),  # 2 agents x 50
        "telephony_minutes": Decimal("96.00"),  # 400 calls x 4 weeks x 6 min x 0.01
        "telephony_numbers": Decimal("2.00"),
        "platform_build": Decimal("1000.00"),  # 36,000 / 36
        "platform_run": Decimal("500.00"),
        "maintenance": Decimal("120.00"),  # (2 seats x 120 + 1 x 1,200) / 12
    }
    assert drafts_total(drafts) == Decimal("7988.00")


def test_every_draft_cites_rate_card_entries(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    for item in price_in_house(workload(round_the_clock_pool(language="de")), ctx):
        assert item.sources, item.key
        for path in item.sources:
            ctx.card.entry(path)  # exists


def test_nights_and_weekends_carry_the_shift_premium(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    drafts = amounts(staff_drafts(workload(round_the_clock_pool()), ctx))
    assert drafts["agent_salaries"] == Decimal("12600.00")  # 8.4 FTE x 1,500
    # 56 of 168 hours at night x 20% + 48 weekend hours x 10%
    assert drafts["shift_premiums"] == Decimal("1200.00")
    assert drafts["team_leads"] == Decimal("2250.00")
    assert drafts["workspace_it"] == Decimal("200.00")  # two desks shared by the shifts


def test_languages_outside_the_region_carry_the_language_premium(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    drafts = staff_drafts(workload(business_pool(), business_pool(language="de")), ctx)
    premium = next(d for d in drafts if d.key == "language_premium")
    assert premium.amount == Decimal("750.00")  # 4 FTE x 1,500 x half the hours x 25%
    assert premium.inputs["languages"] == "de"
    only_english = staff_drafts(workload(business_pool()), ctx)
    assert "language_premium" not in amounts(only_english)


def test_it_helpdesk_uses_the_it_salary_and_span(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path), kind=SupportKind.IT_HELPDESK)
    drafts = price_in_house(workload(business_pool()), ctx)
    by_key = {d.key: d for d in drafts}
    assert by_key["agent_salaries"].amount == Decimal("6000.00")  # salary 1,000 x 2
    assert "inhouse.it_salary_multiplier" in by_key["agent_salaries"].sources
    assert by_key["team_leads"].amount == Decimal("4500.00")  # span 4: one lead at 3,000 x 1.5
    assert "inhouse.lead_span_it" in by_key["team_leads"].sources


def test_a_cited_it_salary_wins_over_the_multiplier(tmp_path: Path) -> None:
    extra = '[inhouse.agent_salary_month_it]\ntypical = 1800\nunit = "USD/month"\n'
    ctx = context(simple_card(tmp_path, extra), kind=SupportKind.IT_HELPDESK)
    salaries = next(d for d in price_in_house(workload(business_pool()), ctx))
    assert salaries.amount == Decimal("5400.00")  # 2 x 1,800 x 1.5
    assert salaries.sources[0] == "inhouse.agent_salary_month_it"


def test_result_currency_converts_every_item(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path), currency="EUR")
    drafts = amounts(price_in_house(workload(business_pool()), ctx))
    assert drafts["agent_salaries"] == Decimal("2666.19")  # 3,000 USD / 1.1252
    assert drafts["platform_build"] == Decimal("888.73")  # 1,000 USD / 1.1252


def test_training_allowance_is_added_when_the_card_has_one(tmp_path: Path) -> None:
    extra = '[inhouse.training_allowance_day]\ntypical = 30\nunit = "USD/trainee-day"\n'
    ctx = context(simple_card(tmp_path, extra))
    drafts = amounts(price_in_house(workload(business_pool()), ctx))
    # + 1.2 hires x 10 days x 30 / 12
    assert drafts["training_ramp_up"] == Decimal("180.00")


def test_no_work_no_cost(tmp_path: Path) -> None:
    assert price_in_house(workload(), context(simple_card(tmp_path))) == []


def test_more_agent_hours_never_cost_less(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    small = drafts_total(price_in_house(workload(business_pool()), ctx))
    large = drafts_total(price_in_house(workload(round_the_clock_pool()), ctx))
    assert large > small
