"""Hosted pricing: the in-house staff side plus platform seats, no build or licences."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costengine.pricing.common import drafts_total
from costengine.pricing.hosted import price_hosted
from costengine.pricing.inhouse import price_in_house, staff_drafts
from tests.costengine._pricing_fixtures import (
    business_pool,
    context,
    round_the_clock_pool,
    simple_card,
    workload,
)


def test_business_hours_team_by_hand(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    drafts = price_hosted(workload(business_pool()), ctx)
    by_key = {d.key: d.amount for d in drafts}
    assert by_key["platform_seats"] == Decimal("200.00")  # 2 agents x 100
    assert {"platform_build", "platform_run", "maintenance", "support_software"}.isdisjoint(by_key)
    assert drafts_total(drafts) == Decimal("6468.00")


def test_staff_side_is_identical_to_in_house(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(round_the_clock_pool(), business_pool(language="de"))
    staff = {d.key: d.amount for d in staff_drafts(work, ctx)}
    hosted = {d.key: d.amount for d in price_hosted(work, ctx)}
    in_house = {d.key: d.amount for d in price_in_house(work, ctx)}
    for key, amount in staff.items():
        assert hosted[key] == amount == in_house[key]


def test_seats_are_named_users_per_head(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    drafts = price_hosted(workload(round_the_clock_pool()), ctx)
    seats = next(d for d in drafts if d.key == "platform_seats")
    assert seats.inputs["agents"] == 9  # 8.4 FTE rounded up
    assert seats.amount == Decimal("900.00")


def test_no_work_no_cost(tmp_path: Path) -> None:
    assert price_hosted(workload(), context(simple_card(tmp_path))) == []
