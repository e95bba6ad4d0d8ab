"""Own-team pricing (in-house, hosted, today's team) on a round-number card, checked by hand.

The card (tests/costengine/_pricing_fixtures.py): salary 1,000 USD, on-costs 50%, leads x1.5
with a span of 10, supervision threshold 8 FTE, QA/WFM from 25 FTE at 0.1 per FTE, help desk
50, VoIP 20, devices 30, desks 100, hosted small-team suite 80 and CCaaS 100 per seat, a
self-built platform from 25 desks. FTE = on-shift hours / 40; 4 weeks a month.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costengine.pricing.baseline import price_baseline
from costengine.pricing.common import Draft, Workload, draft, drafts_total, fmt, model_cost
from costengine.pricing.hosted import price_hosted
from costengine.pricing.inhouse import price_in_house, self_built
from costengine.results import CostCategory
from costengine.scenario import Channel, DeliveryModel, SupportKind
from tests.costengine._pricing_fixtures import BUSINESS, context, flat, simple_card, workload


def _items(drafts: list[Draft]) -> dict[str, Decimal]:
    return {item.key: item.amount for item in drafts}


def test_workload_figures(tmp_path: Path) -> None:
    work = workload(flat(1, BUSINESS))
    assert work.present_hours == 40 and work.fte == 1.0
    assert work.busy_fte == 0.5 and work.occupancy == 0.5
    ctx = context(simple_card(tmp_path))
    assert (ctx.heads(work), ctx.seats(work)) == (1, 1)
    round_the_clock = workload(flat(1))
    assert round_the_clock.fte == pytest.approx(4.2)
    assert (ctx.heads(round_the_clock), ctx.seats(round_the_clock)) == (5, 1)  # shifts share a desk
    empty = workload([0.0] * 168, contacts={})
    assert empty.empty and ctx.heads(empty) == 0 and ctx.seats(empty) == 0


def test_a_split_adds_up_hour_by_hour() -> None:
    work = workload(flat(3), contacts={Channel.PHONE: 90.0, Channel.EMAIL: 30.0})
    kept, given = work.split([0.5 if h % 2 else 1.0 for h in range(168)])
    for hour in range(168):
        assert kept.present[hour] + given.present[hour] == pytest.approx(work.present[hour])
        assert kept.busy[hour] + given.busy[hour] == pytest.approx(work.busy[hour])
    for channel in (Channel.PHONE, Channel.EMAIL):
        assert kept.weekly_contacts(channel) + given.weekly_contacts(channel) == pytest.approx(
            work.weekly_contacts(channel)
        )


def test_small_team_pays_a_share_of_a_working_lead_and_buys_saas(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(flat(3, BUSINESS))  # 3 FTE, one shift
    items = _items(price_in_house(work, ctx))
    assert items["agent_salaries"] == Decimal("4500.00")  # 3 x 1,000 x 1.5
    # No full-time lead below 8 FTE: 3 / 10 of a lead at 1.5 x the loaded salary.
    assert items["supervision_share"] == Decimal("675.00")
    assert "team_leads" not in items and "qa_wfm" not in items
    assert items["helpdesk_software"] == Decimal("150.00")
    assert items["voip_seats"] == Decimal("60.00")
    assert items["devices"] == Decimal("90.00")
    assert items["workspace_it"] == Decimal("300.00")
    assert "platform_build" not in items and not self_built(work, ctx)
    # Churn: 3 FTE x 0.6 = 1.8 hires a year.
    assert items["recruiting"] == Decimal("180.00")  # 1.8 x 1,200 / 12


def test_whole_leads_and_qa_come_with_size(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    nine = _items(price_in_house(workload(flat(9, BUSINESS)), ctx))
    assert nine["team_leads"] == Decimal("2250.00")  # one lead: 1,500 x 1.5
    assert "qa_wfm" not in nine
    thirty = _items(price_in_house(workload(flat(30, BUSINESS)), ctx))
    assert thirty["team_leads"] == Decimal("6750.00")  # three leads
    assert thirty["qa_wfm"] == Decimal("6750.00")  # 3 posts at lead pay


def test_a_self_built_platform_only_where_it_costs_less_than_the_saas_kit(
    tmp_path: Path,
) -> None:
    """Above the size threshold the platform is an option, not a rule: at 30 desks its
    fixed costs make it dearer than the SaaS seats (70 a person here), at 300 its cheaper
    software per agent (50) pays for them."""
    ctx = context(simple_card(tmp_path))
    thirty_work = workload(flat(30, BUSINESS))
    thirty = _items(price_in_house(thirty_work, ctx))
    assert self_built(thirty_work, ctx)  # big enough for one
    assert "helpdesk_software" in thirty and "platform_build" not in thirty
    many = _items(price_in_house(workload(flat(300, BUSINESS)), ctx))
    assert "platform_build" in many and "helpdesk_software" not in many
    assert many["platform_build"] == Decimal("1000.00")  # 36,000 / 36


def test_supervision_grows_smoothly_through_the_threshold(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    costs = [
        drafts_total(
            d
            for d in price_in_house(workload(flat(n / 10, BUSINESS)), ctx)
            if d.category is CostCategory.MANAGEMENT
        )
        for n in range(10, 200, 5)
    ]
    assert costs == sorted(costs)  # never cheaper for a bigger team


def test_language_premium_is_paid_only_on_the_speakers_required(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(
        flat(4, BUSINESS),
        languages=(("en", 0.8), ("zh", 0.2)),
        speaker_hours={"en": 160.0, "zh": 40.0},  # one zh speaker on shift of four
    )
    items = _items(price_in_house(work, ctx))
    assert items["language_premium"] == Decimal("375.00")  # 6,000 x 25% of hours x 0.25


def test_night_and_weekend_premiums_follow_the_hours(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    items = _items(price_in_house(workload(flat(1)), ctx))
    # 56 night hours and 48 weekend hours of 168: shares x premiums x loaded pay x 4.2 FTE.
    expected = Decimal("6300") * (
        Decimal(str(round(56 / 168, 6))) * Decimal("0.2")
        + Decimal(str(round(48 / 168, 6))) * Decimal("0.1")
    )
    assert items["shift_premiums"] == expected.quantize(Decimal("0.01"))


def test_an_it_desk_pays_each_tier_at_its_rate(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path), kind=SupportKind.IT_HELPDESK)
    work = workload(flat(2, BUSINESS), tier_hours={1: 20.0, 2: 15.0, 3: 5.0})
    items = _items(price_in_house(work, ctx))
    # Tier-1 IT pay = 2 x 1,000; tier 2 is 15/40 of the work at 1.5x, tier 3 5/40 at 2x.
    salary = Decimal(2000) * (1 + Decimal("0.375") * Decimal("0.5") + Decimal("0.125") * 1)
    assert items["agent_salaries"] == (2 * salary * Decimal("1.5")).quantize(Decimal("0.01"))


def test_hosted_rents_a_seat_and_small_teams_converge(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    small = workload(flat(3, BUSINESS))
    hosted = _items(price_hosted(small, ctx))
    assert hosted["platform_seats"] == Decimal("240.00")  # small-team suite 80
    in_house = drafts_total(price_in_house(small, ctx))
    assert abs(drafts_total(price_hosted(small, ctx)) - in_house) < in_house * Decimal("0.05")
    big = _items(price_hosted(workload(flat(30, BUSINESS)), ctx))
    assert big["platform_seats"] == Decimal("3000.00")  # CCaaS 100 a seat


def test_todays_team_is_its_people_as_they_are(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(flat(3, BUSINESS))
    today = price_baseline(work, 2.0, ctx)
    items = {item.key: item.amount for item in today.line_items}
    assert today.fte == Decimal("2.00")
    assert items["agent_salaries"] == Decimal("3000.00")
    same = price_baseline(work, 3.0, ctx)
    assert same.monthly_total == drafts_total(price_in_house(work, ctx))


def test_items_round_once_and_add_up(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    drafts = [
        draft("agent_salaries", CostCategory.LABOUR, Decimal("100.005"), {}, ()),
        draft("workspace_it", CostCategory.WORKSPACE_IT, Decimal("0.004"), {}, ()),
    ]
    cost = model_cost(DeliveryModel.IN_HOUSE, ctx, drafts, 1.0)
    assert [item.amount for item in cost.line_items] == [Decimal("100.00")]  # zero dropped
    assert cost.monthly_total == sum(item.amount for item in cost.line_items)
    with pytest.raises(KeyError):
        draft("no_such_item", CostCategory.LABOUR, Decimal(1), {}, ())


def test_fmt_is_short_and_never_exponent() -> None:
    assert fmt(Decimal("1E+3")) == "1000"
    assert fmt(Decimal("0.1234567891")) == "0.123457"
    assert fmt(0.1 + 0.2) == "0.3"
    assert fmt(7) == "7"


def test_money_is_converted_once_in_the_result_currency(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path), currency="EUR")
    first = ctx.money("inhouse.agent_salary_month")
    assert first == ctx.fx.convert(Decimal(1000), "USD", "EUR")
    assert ctx.money("inhouse.agent_salary_month") is first


def test_empty_work_costs_nothing(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    empty: Workload = workload([0.0] * 168, busy=[0.0] * 168, contacts={})
    assert price_in_house(empty, ctx) == [] and price_hosted(empty, ctx) == []
