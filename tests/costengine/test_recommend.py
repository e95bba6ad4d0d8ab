"""Recommendation rules, break-even search and sensitivity rows, on synthetic totals."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costengine import Channel, Scenario, estimate
from costengine.pricing import MODEL_ORDER
from costengine.recommend import REASON_KEYS, RISK_KEYS, Facts, rank, recommend
from costengine.results import BreakEven
from costengine.scenario import DeliveryModel
from costengine.sensitivity import BISECTIONS, GRID, break_even, cheapest, sensitivity_row

IN, HO, PA, OU = (
    DeliveryModel.IN_HOUSE,
    DeliveryModel.HOSTED,
    DeliveryModel.PARTIAL,
    DeliveryModel.OUTSOURCED,
)


def facts(**changes: object) -> Facts:
    base: dict[str, object] = {
        "open_hours_per_week": 40.0,
        "live_open_hours": 40.0,
        "live_floor_hours": 0.0,
        "languages": 1,
        "non_base_languages": 0,
        "own_fte": 20.0,
        "current_monthly_cost": None,
        "in_house_builds": True,
    }
    base.update(changes)
    return Facts(**base)  # type: ignore[arg-type]


def totals(i: int, h: int, p: int, o: int) -> dict[DeliveryModel, Decimal]:
    return {IN: Decimal(i), HO: Decimal(h), PA: Decimal(p), OU: Decimal(o)}


def test_ranking_is_cheapest_first_with_a_fixed_tie_order() -> None:
    assert rank(totals(4, 3, 2, 1), MODEL_ORDER) == (OU, PA, HO, IN)
    assert rank(totals(1, 1, 1, 1), MODEL_ORDER) == (IN, HO, PA, OU)
    assert rank(totals(2, 1, 2, 1), MODEL_ORDER) == (HO, OU, IN, PA)


def test_savings_against_runner_up_and_today() -> None:
    rec = recommend(
        totals(100, 90, 95, 120), facts(current_monthly_cost=Decimal("130.50")), MODEL_ORDER
    )
    assert rec.model is HO and rec.runner_up is PA
    assert rec.savings_vs_runner_up == Decimal(5)
    assert rec.savings_vs_current == Decimal("40.50")
    assert "reason.below_current" in rec.reasons
    more = recommend(totals(100, 90, 95, 120), facts(current_monthly_cost=Decimal(50)), MODEL_ORDER)
    assert more.savings_vs_current == Decimal(-40)
    assert "reason.below_current" not in more.reasons
    assert recommend(totals(1, 2, 3, 4), facts(), MODEL_ORDER).savings_vs_current is None


def test_outsourced_24x7_small_team_many_languages() -> None:
    rec = recommend(
        totals(100, 90, 80, 50),
        facts(
            open_hours_per_week=168.0,
            live_open_hours=336.0,
            live_floor_hours=200.0,
            languages=3,
            non_base_languages=2,
            own_fte=8.0,
        ),
        MODEL_ORDER,
    )
    assert rec.model is OU
    assert rec.reasons == (
        "reason.cheapest",
        "reason.coverage_24x7_floor",
        "reason.many_languages",
        "reason.small_team",
        "reason.no_capex",
        "reason.fast_start",
    )
    assert rec.risks == (
        "risk.control",
        "risk.data_security",
        "risk.quality",
        "risk.vendor_lock_in",
        "risk.language_coverage",
    )


def test_floor_reason_needs_long_hours_and_many_floor_hours() -> None:
    busy = facts(open_hours_per_week=168.0, live_open_hours=168.0, live_floor_hours=10.0)
    assert (
        "reason.coverage_24x7_floor" not in recommend(totals(9, 9, 9, 1), busy, MODEL_ORDER).reasons
    )
    office = facts(live_floor_hours=40.0)  # floors everywhere, but business hours only
    assert (
        "reason.coverage_24x7_floor"
        not in recommend(totals(9, 9, 9, 1), office, MODEL_ORDER).reasons
    )


def test_large_in_house_team_keeps_knowledge_and_scales() -> None:
    rec = recommend(totals(50, 60, 70, 80), facts(own_fte=120.0, non_base_languages=1), MODEL_ORDER)
    assert rec.model is IN
    assert rec.reasons == ("reason.cheapest", "reason.scale", "reason.keeps_knowledge")
    assert rec.risks == ("risk.ramp_up_time", "risk.language_coverage")
    small = recommend(totals(50, 60, 70, 80), facts(own_fte=4.0), MODEL_ORDER)
    assert small.risks == ("risk.ramp_up_time", "risk.fixed_costs")


def test_hosted_and_partial_reasons_and_risks() -> None:
    hosted = recommend(totals(60, 50, 70, 80), facts(own_fte=6.0), MODEL_ORDER)
    assert hosted.reasons == (
        "reason.cheapest",
        "reason.small_team",
        "reason.keeps_knowledge",
        "reason.no_capex",
    )
    assert hosted.risks == ("risk.vendor_lock_in", "risk.data_security", "risk.ramp_up_time")
    partial = recommend(totals(60, 70, 50, 80), facts(), MODEL_ORDER)
    assert partial.reasons == ("reason.cheapest", "reason.keeps_knowledge")
    assert partial.risks == ("risk.integration", "risk.data_security", "risk.quality")


def test_every_key_given_is_a_declared_key() -> None:
    for winner_totals in (
        totals(1, 2, 3, 4),
        totals(2, 1, 3, 4),
        totals(3, 2, 1, 4),
        totals(4, 3, 2, 1),
    ):
        for extra in (
            facts(),
            facts(
                own_fte=2.0,
                languages=4,
                non_base_languages=3,
                open_hours_per_week=168.0,
                live_open_hours=168.0,
                live_floor_hours=168.0,
                current_monthly_cost=Decimal(99),
            ),
        ):
            rec = recommend(winner_totals, extra, MODEL_ORDER)
            assert set(rec.reasons) <= set(REASON_KEYS)
            assert set(rec.risks) <= set(RISK_KEYS)


# --- break-even and sensitivity ---------------------------------------------------------


def linear(base: Decimal, per_contact: dict[DeliveryModel, tuple[int, int]]):  # type: ignore[no-untyped-def]
    """totals_at for costs fixed + variable x contacts (contacts = base x factor)."""
    calls: list[float] = []

    def totals_at(factor: float) -> dict[DeliveryModel, Decimal]:
        calls.append(factor)
        contacts = base * Decimal(repr(factor))
        return {m: Decimal(f) + Decimal(v) * contacts for m, (f, v) in per_contact.items()}

    totals_at.calls = calls  # type: ignore[attr-defined]
    return totals_at


def test_break_even_between_fixed_heavy_and_variable_heavy_models() -> None:
    # in-house: 3,000 + 5/contact; outsourced: 0 + 15/contact -> equal at 300 contacts
    costs = {IN: (3000, 5), HO: (3000, 6), PA: (10**9, 0), OU: (0, 15)}
    found = break_even(linear(Decimal(100), costs), Decimal(100), MODEL_ORDER)
    pairs = {(b.cheaper_below, b.cheaper_above): b for b in found}
    in_ou = pairs[(OU, IN)]
    assert in_ou.contacts_per_month is not None
    assert abs(in_ou.contacts_per_month - 300) <= 300 * 0.011  # 6 bisections: within 2**(1/64)
    # hosted vs outsourced: 3,000 + 6c = 15c -> c = 333.3
    ho_ou = pairs[(OU, HO)]
    assert ho_ou.contacts_per_month is not None
    assert abs(ho_ou.contacts_per_month - 333) <= 333 * 0.011
    # in-house is never dearer than hosted (same fixed part, lower variable)
    assert pairs[(IN, IN)].contacts_per_month is None
    assert len(found) == 6


def test_crossing_on_a_grid_point_is_exact() -> None:
    costs = {IN: (3000, 5), HO: (10**9, 0), PA: (10**9, 0), OU: (0, 15)}
    found = break_even(linear(Decimal(75), costs), Decimal(75), MODEL_ORDER)  # 300 = 75 x 4
    crossing = next(b for b in found if {b.cheaper_below, b.cheaper_above} == {IN, OU})
    assert crossing.contacts_per_month == 300
    assert 4.0 in GRID


def test_no_crossing_in_range_names_the_cheaper_model() -> None:
    costs = {IN: (1, 1), HO: (2, 2), PA: (3, 3), OU: (4, 4)}
    found = break_even(linear(Decimal(100), costs), Decimal(100), MODEL_ORDER)
    assert all(b.contacts_per_month is None for b in found)
    assert all(b.cheaper_below is b.cheaper_above is IN for b in found[:3])


def test_nearest_crossing_to_todays_volume_is_reported() -> None:
    # a step cost: outsourced is cheaper below 0.4x and between 3x and 6x (two crossings
    # with in-house near today's volume on either side)
    def totals_at(factor: float) -> dict[DeliveryModel, Decimal]:
        cheap_out = factor < 0.4 or 3.0 < factor < 6.0
        return {
            IN: Decimal(100),
            HO: Decimal(200),
            PA: Decimal(300),
            OU: Decimal(50 if cheap_out else 150),
        }

    found = break_even(totals_at, Decimal(1000), MODEL_ORDER)
    in_ou = next(b for b in found if {b.cheaper_below, b.cheaper_above} == {IN, OU})
    assert in_ou.cheaper_below is OU and in_ou.cheaper_above is IN
    assert in_ou.contacts_per_month is not None
    assert abs(in_ou.contacts_per_month - 400) <= 400 * 0.011  # |log 0.4| < |log 3|


def test_search_is_bounded_and_deterministic() -> None:
    costs = {IN: (3000, 5), HO: (3000, 6), PA: (5000, 1), OU: (0, 15)}
    first = linear(Decimal(100), costs)
    second = linear(Decimal(100), costs)
    assert break_even(first, Decimal(100), MODEL_ORDER) == break_even(
        second, Decimal(100), MODEL_ORDER
    )
    assert first.calls == second.calls  # type: ignore[attr-defined]
    assert len(first.calls) <= len(GRID) + 6 * 10 + 6  # type: ignore[attr-defined]


def test_sensitivity_row_names_the_winner() -> None:
    row = sensitivity_row("wage", Decimal("-0.2"), totals(5, 4, 4, 6), MODEL_ORDER)
    assert row.winner is HO
    assert list(row.totals) == list(MODEL_ORDER)
    assert cheapest(totals(1, 1, 1, 1), MODEL_ORDER) is IN
    with pytest.raises(KeyError):
        sensitivity_row("wage", Decimal(0), {IN: Decimal(1)}, MODEL_ORDER)


def test_a_nearer_crossing_in_a_later_region_wins() -> None:
    # Crossings in [1/2, 1] (at 0.55) and in [1, 2] (at 1.1): both regions touch today's
    # volume, and the one searched second holds the nearer crossing.
    def totals_at(factor: float) -> dict[DeliveryModel, Decimal]:
        cheap_out = 0.55 <= factor < 1.1
        return {
            IN: Decimal(100),
            HO: Decimal(200),
            PA: Decimal(300),
            OU: Decimal(50 if cheap_out else 150),
        }

    found = break_even(totals_at, Decimal(1000), MODEL_ORDER)
    in_ou = next(b for b in found if {b.cheaper_below, b.cheaper_above} == {IN, OU})
    assert in_ou.contacts_per_month is not None
    assert abs(in_ou.contacts_per_month - 1100) <= 1100 * 0.011  # 6 bisections: 2**(1/64)
    assert found == _every_interval(totals_at, Decimal(1000), MODEL_ORDER)


def _every_interval(totals_at, base, order):  # type: ignore[no-untyped-def]
    """The straightforward search: every grid interval with a sign change bisected, then the
    crossing nearest today's volume kept (what the nearest-first search must equal)."""

    def sign(factor: float, a: DeliveryModel, b: DeliveryModel) -> int:
        diff = totals_at(factor)[a] - totals_at(factor)[b]
        return (diff > 0) - (diff < 0)

    def bisect(a: DeliveryModel, b: DeliveryModel, low: float, high: float) -> float:
        sign_low = sign(low, a, b)
        for _ in range(BISECTIONS):
            middle = math.sqrt(low * high)
            if sign(middle, a, b) == 0:
                return middle
            if sign(middle, a, b) == sign_low:
                low = middle
            else:
                high = middle
        return math.sqrt(low * high)

    found = []
    for a, b in combinations(order, 2):
        signs = [sign(f, a, b) for f in GRID]
        crossings = []
        for i in range(1, len(GRID)):
            if signs[i - 1] * signs[i] < 0:
                crossings.append((bisect(a, b, GRID[i - 1], GRID[i]), signs[i - 1]))
            elif signs[i] == 0 and i + 1 < len(GRID) and signs[i - 1] * signs[i + 1] < 0:
                crossings.append((GRID[i], signs[i - 1]))
        if not crossings:
            t = totals_at(1.0)
            winner = a if (t[a], order.index(a)) <= (t[b], order.index(b)) else b
            found.append(
                BreakEven(cheaper_below=winner, cheaper_above=winner, contacts_per_month=None)
            )
            continue
        at, below_sign = min(crossings, key=lambda c: (abs(math.log(c[0])), c[0]))
        below, above = (a, b) if below_sign < 0 else (b, a)
        contacts = (base * Decimal(repr(at))).quantize(Decimal(1), ROUND_HALF_EVEN)
        found.append(
            BreakEven(cheaper_below=below, cheaper_above=above, contacts_per_month=contacts)
        )
    return tuple(found)


@settings(max_examples=80, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(MODEL_ORDER),
            st.sampled_from([0.05, 0.3, 0.45, 0.55, 0.7, 0.9, 1.1, 1.4, 1.9, 2.5, 3.5, 6.0, 11.0]),
            st.integers(min_value=-300, max_value=300),
        ),
        max_size=16,
    ),
    slopes=st.lists(st.integers(min_value=0, max_value=3), min_size=4, max_size=4),
    fixed=st.lists(st.integers(min_value=0, max_value=500), min_size=4, max_size=4),
)
def test_nearest_first_search_equals_searching_every_interval(
    steps: list[tuple[DeliveryModel, float, int]], slopes: list[int], fixed: list[int]
) -> None:
    # Steps larger than the slopes make pairs cross many times, often on both sides of
    # today's volume: the reported crossing must not depend on the search order.
    def totals_at(factor: float) -> dict[DeliveryModel, Decimal]:
        contacts = Decimal(100) * Decimal(repr(factor))
        totals = {
            m: Decimal(f) + Decimal(s) * contacts
            for m, f, s in zip(MODEL_ORDER, fixed, slopes, strict=True)
        }
        for model, at, jump in steps:
            if factor >= at:
                totals[model] += jump
        return totals

    assert break_even(totals_at, Decimal(100), MODEL_ORDER) == _every_interval(
        totals_at, Decimal(100), MODEL_ORDER
    )


def test_no_up_front_build_is_a_reason_only_where_in_house_would_build() -> None:
    """A 3-person team runs on SaaS seats: "no up-front platform build" is no reason to
    outsource it (an owner would laugh); a team big enough to build its own platform has one
    to avoid."""
    outsourced_cheapest = totals(100, 90, 80, 50)
    small = recommend(outsourced_cheapest, facts(own_fte=3.0, in_house_builds=False), MODEL_ORDER)
    assert small.model is DeliveryModel.OUTSOURCED
    assert "reason.no_capex" not in small.reasons
    big = recommend(outsourced_cheapest, facts(in_house_builds=True), MODEL_ORDER)
    assert "reason.no_capex" in big.reasons


def test_the_estimate_says_whether_in_house_builds() -> None:
    """The fact comes from in-house's own line items: SaaS seats for a small team."""
    small = estimate(
        Scenario(team_size=3, channels=(Channel.PHONE,), languages=("en",), region="US")
    )
    in_house = small.models[DeliveryModel.IN_HOUSE]
    assert "platform_build" not in {item.key for item in in_house.line_items}
    assert small.recommendation.model in (DeliveryModel.HOSTED, DeliveryModel.OUTSOURCED)
    assert "reason.no_capex" not in small.recommendation.reasons
