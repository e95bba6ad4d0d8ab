"""Shared pricing machinery: workloads split exactly, FTE/heads/seats, drafts and totals."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from costengine.pricing.common import LABELS, dec, draft, drafts_total, fmt, model_cost
from costengine.results import CostCategory
from costengine.scenario import Channel, DeliveryModel
from tests.costengine._pricing_fixtures import (
    BUSINESS,
    HOURS,
    business_pool,
    context,
    pool,
    round_the_clock_pool,
    simple_card,
    workload,
)


def test_fte_heads_and_seats_for_one_shift(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(business_pool())
    assert work.agent_hours == 40
    assert ctx.fte(work) == 2.0  # 40 h / (40 h x (1 - 0.5))
    assert ctx.heads(work) == 2
    assert ctx.seats(work) == 2  # one shift: a desk per person


def test_round_the_clock_shifts_share_desks(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(round_the_clock_pool())
    assert ctx.fte(work) == pytest.approx(8.4)
    assert ctx.heads(work) == 9
    # one agent on the phones at any hour -> two people present (50% shrinkage)
    assert ctx.seats(work) == 2


def test_empty_workload_needs_nobody(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload()
    assert work.empty
    assert ctx.heads(work) == 0 and ctx.seats(work) == 0
    assert work.hourly_agents == (0.0,) * HOURS


def test_split_by_hours_adds_up_hour_by_hour() -> None:
    work = workload(round_the_clock_pool(), round_the_clock_pool(language="de"))
    mask = tuple(1.0 if b else 0.0 for b in BUSINESS)
    kept, given = work.split(lambda _pool: mask)
    assert kept.agent_hours == 80
    assert given.agent_hours == 2 * 128
    for hour in range(HOURS):
        assert kept.hourly_agents[hour] + given.hourly_agents[hour] == work.hourly_agents[hour]
    assert kept.weekly_contacts(Channel.PHONE) + given.weekly_contacts(
        Channel.PHONE
    ) == pytest.approx(work.weekly_contacts(Channel.PHONE))


def test_split_whole_pools_and_empty_sides() -> None:
    work = workload(business_pool(), business_pool(language="de"))
    kept, given = work.split(lambda p: 1.0 if p.language == "en" else 0.0)
    assert kept.languages == ("en",) and given.languages == ("de",)
    everything, nothing = work.split(lambda _p: 1)
    assert everything.agent_hours == 80 and nothing.empty
    with pytest.raises(ValueError, match="one share per hour"):
        work.split(lambda _p: (0.5, 0.5))


def test_contacts_per_channel_follow_the_pool_shares() -> None:
    mixed = pool([1.0] * HOURS, channels={Channel.PHONE: 0.75, Channel.CHAT: 0.25})
    work = workload(mixed)
    assert work.weekly_contacts(Channel.PHONE) == pytest.approx(0.75 * 1680)
    assert work.weekly_contacts(Channel.CHAT) == pytest.approx(0.25 * 1680)
    assert work.weekly_contacts(Channel.EMAIL) == 0
    assert work.phone_languages() == ("en",)


def test_occupancy_is_busy_over_scheduled_hours() -> None:
    work = workload(pool([2.0] * HOURS, busy=[0.5] * HOURS))
    assert work.occupancy == pytest.approx(0.25)


def test_money_is_converted_once_and_cached(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path), currency="EUR")
    salary = ctx.money("inhouse.agent_salary_month")
    assert salary == Decimal(1000) / Decimal("1.1252")
    assert ctx.money("inhouse.agent_salary_month") is salary
    with pytest.raises(ValueError, match="not a money entry"):
        ctx.money("inhouse.employer_load")
    with pytest.raises(KeyError):
        ctx.value("outsourced.seat_month")
    assert not ctx.has("outsourced.seat_month")


def test_drafts_round_once_and_total_is_their_sum(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    drafts = [
        draft(
            "agent_salaries", CostCategory.LABOUR, Decimal("10.005"), {}, ["inhouse.employer_load"]
        ),
        draft("team_leads", CostCategory.MANAGEMENT, Decimal("0.015"), {}, ["inhouse.lead_span"]),
        draft("qa_wfm", CostCategory.MANAGEMENT, Decimal("0.001"), {}, ["inhouse.qa_wfm_ratio"]),
    ]
    assert [d.amount for d in drafts] == [Decimal("10.00"), Decimal("0.02"), Decimal("0.00")]
    assert drafts_total(drafts) == Decimal("10.02")
    cost = model_cost(DeliveryModel.IN_HOUSE, ctx, drafts, 1.234)
    assert cost.monthly_total == Decimal("10.02")
    assert [item.key for item in cost.line_items] == [
        "agent_salaries",
        "team_leads",
    ]  # zero dropped
    assert cost.fte == Decimal("1.23")
    assert cost.line_items[0].label == LABELS["agent_salaries"]
    assert cost.line_items[0].sources[0].entry == "US.inhouse.employer_load"
    assert cost.line_items[0].sources[0].overridden is True


def test_unknown_line_item_key_is_refused() -> None:
    with pytest.raises(KeyError, match="no label"):
        draft("mystery", CostCategory.LABOUR, Decimal(1), {}, [])


def test_fmt_is_short_and_never_exponent() -> None:
    assert fmt(Decimal("10")) == "10"
    assert fmt(Decimal("4.7E+3")) == "4700"
    assert fmt(Decimal("0.10")) == "0.1"
    assert fmt(Decimal("82867.31312139437829876027984")) == "82867.313121"
    assert fmt(12.345678912) == "12.3457"
    assert fmt(3) == "3"
    assert dec(0.1) == Decimal("0.1")
    assert dec(math.pi) == Decimal(repr(math.pi))
