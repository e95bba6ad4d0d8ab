"""Which model to recommend, why, and what to watch out for: fixed, documented rules.

Ranking: cheapest monthly total first; equal totals follow the fixed order in-house, hosted,
partial, outsourced (:data:`~costengine.pricing.MODEL_ORDER`). The winner is the first.

Reasons (template keys) for the winner W, in this order:

- ``reason.cheapest``: always;
- ``reason.coverage_24x7_floor``: W is outsourced or partial, the desk is open beyond business
  hours (> 40 h/week) and coverage floors, not workload, set staffing in at least a quarter
  of the live pools' open hours;
- ``reason.many_languages``: W is outsourced or partial and there are 3+ languages, or 2+
  with one the region does not staff at base pay;
- ``reason.small_team``: W is not in-house and the own team would be under 10 FTE (too small
  to carry a platform build);
- ``reason.scale``: W is in-house with 50+ FTE (the build is spread over many seats);
- ``reason.keeps_knowledge``: W is in-house, hosted or partial (own agents keep the customer
  knowledge);
- ``reason.no_capex``: W is hosted or outsourced (no platform build);
- ``reason.fast_start``: W is outsourced;
- ``reason.below_current``: W costs less than the monthly cost the user gave for today.

Risks for W: outsourced: control, data security, quality, vendor lock-in (+ language coverage
with 2+ languages); partial: integration of two centres, data security, quality; hosted:
vendor lock-in, data security, ramp-up time; in-house: ramp-up time, fixed costs when under
10 FTE, language coverage when a language is not staffed at base pay locally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from costengine.results import BreakEven, Recommendation
from costengine.scenario import DeliveryModel

__all__ = ["REASON_KEYS", "RISK_KEYS", "Facts", "rank", "recommend"]

#: Every reason key :func:`recommend` can give, in the order it lists them.
REASON_KEYS: tuple[str, ...] = (
    "reason.cheapest",
    "reason.coverage_24x7_floor",
    "reason.many_languages",
    "reason.small_team",
    "reason.scale",
    "reason.keeps_knowledge",
    "reason.no_capex",
    "reason.fast_start",
    "reason.below_current",
)
#: Every risk key :func:`recommend` can give.
RISK_KEYS: tuple[str, ...] = (
    "risk.control",
    "risk.data_security",
    "risk.quality",
    "risk.vendor_lock_in",
    "risk.language_coverage",
    "risk.integration",
    "risk.ramp_up_time",
    "risk.fixed_costs",
)

SMALL_TEAM_FTE = 10.0
LARGE_TEAM_FTE = 50.0
BUSINESS_HOURS_PER_WEEK = 40.0
FLOOR_SHARE = 0.25
MANY_LANGUAGES = 3

_OWN_AGENTS = (DeliveryModel.IN_HOUSE, DeliveryModel.HOSTED, DeliveryModel.PARTIAL)
_USES_PROVIDER = (DeliveryModel.OUTSOURCED, DeliveryModel.PARTIAL)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules look at besides the totals."""

    open_hours_per_week: float
    live_open_hours: float  # summed over live pools
    live_floor_hours: float  # hours where the floor set staffing, summed over live pools
    languages: int
    non_base_languages: int  # languages the region does not staff at base pay
    own_fte: float  # the in-house team's rostered FTE
    current_monthly_cost: Decimal | None


def rank(
    totals: Mapping[DeliveryModel, Decimal], order: Sequence[DeliveryModel]
) -> tuple[DeliveryModel, ...]:
    """Cheapest first; ties keep ``order``."""
    return tuple(sorted(order, key=lambda model: (totals[model], order.index(model))))


def _reasons(winner: DeliveryModel, facts: Facts, savings_vs_current: Decimal | None) -> list[str]:
    reasons = ["reason.cheapest"]
    floor_share = facts.live_floor_hours / facts.live_open_hours if facts.live_open_hours else 0.0
    if (
        winner in _USES_PROVIDER
        and facts.open_hours_per_week > BUSINESS_HOURS_PER_WEEK
        and floor_share >= FLOOR_SHARE
    ):
        reasons.append("reason.coverage_24x7_floor")
    if winner in _USES_PROVIDER and (
        facts.languages >= MANY_LANGUAGES or (facts.languages >= 2 and facts.non_base_languages > 0)
    ):
        reasons.append("reason.many_languages")
    if winner is not DeliveryModel.IN_HOUSE and facts.own_fte < SMALL_TEAM_FTE:
        reasons.append("reason.small_team")
    if winner is DeliveryModel.IN_HOUSE and facts.own_fte >= LARGE_TEAM_FTE:
        reasons.append("reason.scale")
    if winner in _OWN_AGENTS:
        reasons.append("reason.keeps_knowledge")
    if winner in (DeliveryModel.HOSTED, DeliveryModel.OUTSOURCED):
        reasons.append("reason.no_capex")
    if winner is DeliveryModel.OUTSOURCED:
        reasons.append("reason.fast_start")
    if savings_vs_current is not None and savings_vs_current > 0:
        reasons.append("reason.below_current")
    return reasons


def _risks(winner: DeliveryModel, facts: Facts) -> list[str]:
    if winner is DeliveryModel.OUTSOURCED:
        risks = ["risk.control", "risk.data_security", "risk.quality", "risk.vendor_lock_in"]
        if facts.languages >= 2:
            risks.append("risk.language_coverage")
        return risks
    if winner is DeliveryModel.PARTIAL:
        return ["risk.integration", "risk.data_security", "risk.quality"]
    if winner is DeliveryModel.HOSTED:
        return ["risk.vendor_lock_in", "risk.data_security", "risk.ramp_up_time"]
    risks = ["risk.ramp_up_time"]
    if facts.own_fte < SMALL_TEAM_FTE:
        risks.append("risk.fixed_costs")
    if facts.non_base_languages > 0:
        risks.append("risk.language_coverage")
    return risks


def recommend(
    totals: Mapping[DeliveryModel, Decimal],
    facts: Facts,
    order: Sequence[DeliveryModel],
    break_even: tuple[BreakEven, ...] = (),
    *,
    baseline: Decimal | None = None,
) -> Recommendation:
    """The recommendation for these monthly totals (one per model in ``order``).

    ``baseline``: today's team priced as it is (a team size was given); savings are measured
    against the user's own figure for today when there is one, else against it.
    """
    ranking = rank(totals, order)
    winner, runner_up = ranking[0], ranking[1]
    savings_vs_current = (
        None if facts.current_monthly_cost is None else facts.current_monthly_cost - totals[winner]
    )
    savings_vs_baseline = None if baseline is None else baseline - totals[winner]
    if savings_vs_current is not None:
        today, savings_vs_today = "current_cost", savings_vs_current
    elif savings_vs_baseline is not None:
        today, savings_vs_today = "baseline", savings_vs_baseline
    else:
        today, savings_vs_today = None, None
    return Recommendation(
        model=winner,
        ranking=ranking,
        runner_up=runner_up,
        savings_vs_runner_up=totals[runner_up] - totals[winner],
        savings_vs_current=savings_vs_current,
        reasons=tuple(_reasons(winner, facts, savings_vs_current)),
        risks=tuple(_risks(winner, facts)),
        break_even=break_even,
        savings_vs_baseline=savings_vs_baseline,
        today=today,
        savings_vs_today=savings_vs_today,
    )
