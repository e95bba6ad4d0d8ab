"""Which model to recommend, why, and what to watch out for: fixed, documented rules.

Ranking: cheapest monthly total first; equal totals follow the fixed order in-house, hosted,
partial, outsourced (:data:`~costengine.pricing.MODEL_ORDER`).

**Judgement.** The cheapest model is not always the one to recommend. Changing how support
is run costs money and attention the monthly totals do not show, so:

- a **second vendor** (partial) is recommended only when it saves at least
  :data:`SWITCH_MARGIN` (5%) of the best single model's monthly cost *and* that saving over
  the provider's contract term pays for the transition (the provider's setup fee plus a month
  of its fees while the two teams overlap); otherwise the best single model is;
- a **switch away from today's set-up** (a team size was given: today's own team, in-house or
  hosted) to outsourcing or partial needs the same: 5% below the own team's cost and the
  transition paid back within the contract term. Otherwise the own team is recommended, and
  the reasons say the saving does not justify the switch.

``Recommendation.cheapest`` is always the cheapest model; ``model`` the recommended one and
``judgement`` the rule that made them differ (None when they agree).

Reasons (template keys) for the recommended model W, in this order:

- ``reason.cheapest`` (W is the cheapest) or ``reason.switch_not_worth_it`` /
  ``reason.partial_margin_too_small`` (the judgement);
- ``reason.coverage_24x7_floor``: W uses a provider, the desk is open beyond business hours
  and coverage floors, not workload, set staffing in at least a quarter of the open hours;
- ``reason.many_languages``: W uses a provider and there are 3+ languages, or 2+ with one the
  region does not staff at base pay;
- ``reason.offshore_rates``: W uses a provider abroad (nearshore or offshore);
- ``reason.small_team``: W is not in-house and the own team would be under 10 FTE;
- ``reason.scale``: W is in-house with 50+ FTE;
- ``reason.keeps_knowledge``: W is in-house, hosted or partial;
- ``reason.no_capex``: W is hosted or outsourced and in-house would build a platform (a
  team on SaaS seats has no up-front build to avoid);
- ``reason.fast_start``: W is outsourced;
- ``reason.below_current``: W costs less than today (the user's figure or today's team).

Risks for W: outsourced: control, data security, quality, vendor lock-in (+ language coverage
with 2+ languages); partial: integration of two centres, data security, quality; hosted:
vendor lock-in, data security, ramp-up time; in-house: ramp-up time, fixed costs when under
10 FTE, language coverage when a language is not staffed at base pay locally. A provider
abroad adds ``risk.time_zone`` (it works the customer's hours on its night shift) and
``risk.cross_border_data`` (the customer's data leaves its data-protection regime).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from costengine.results import BreakEven, Recommendation
from costengine.scenario import DeliveryModel

__all__ = [
    "JUDGEMENT_KEYS",
    "REASON_KEYS",
    "RISK_KEYS",
    "SWITCH_MARGIN",
    "Facts",
    "rank",
    "recommend",
]

#: Every reason key :func:`recommend` can give, in the order it lists them.
REASON_KEYS: tuple[str, ...] = (
    "reason.cheapest",
    "reason.switch_not_worth_it",
    "reason.partial_margin_too_small",
    "reason.coverage_24x7_floor",
    "reason.many_languages",
    "reason.offshore_rates",
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
    "risk.time_zone",
    "risk.cross_border_data",
)
#: The rules that can override the cheapest model.
JUDGEMENT_KEYS: tuple[str, ...] = ("partial_margin", "switch_not_worth_it")

#: A change of set-up (a second vendor, or outsourcing today's team) must save at least
#: this share of the monthly cost it replaces (an estimate: a margin against the figures'
#: own uncertainty, which the ±20% sensitivity table shows is larger than a few percent).
SWITCH_MARGIN = Decimal("0.05")

SMALL_TEAM_FTE = 10.0
LARGE_TEAM_FTE = 50.0
BUSINESS_HOURS_PER_WEEK = 40.0
FLOOR_SHARE = 0.25
MANY_LANGUAGES = 3

_OWN_AGENTS = (DeliveryModel.IN_HOUSE, DeliveryModel.HOSTED, DeliveryModel.PARTIAL)
_USES_PROVIDER = (DeliveryModel.OUTSOURCED, DeliveryModel.PARTIAL)
_OWN_TEAM = (DeliveryModel.IN_HOUSE, DeliveryModel.HOSTED)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules look at besides the totals."""

    open_hours_per_week: float
    live_open_hours: float  # summed over live teams
    live_floor_hours: float  # hours where the floor set staffing, summed over live teams
    languages: int
    non_base_languages: int  # languages the region does not staff at base pay
    own_fte: float  # the in-house team's rostered FTE
    current_monthly_cost: Decimal | None
    #: Today's set-up is an own team (a team size was given).
    own_team_today: bool = False
    #: One-off cost of moving to each provider-using model (setup fee + a month's overlap).
    transition: Mapping[DeliveryModel, Decimal] = field(default_factory=dict)
    #: Contract term of each provider-using model's provider, months.
    contract_months: Mapping[DeliveryModel, Decimal] = field(default_factory=dict)
    #: Where each provider-using model's provider is: "onshore", "nearshore", "offshore".
    location: Mapping[DeliveryModel, str] = field(default_factory=dict)
    #: The provider works under another data-protection regime than the customer.
    cross_border: Mapping[DeliveryModel, bool] = field(default_factory=dict)
    #: The provider works the customer's open hours mostly at its own night.
    night_shift: Mapping[DeliveryModel, bool] = field(default_factory=dict)
    #: In-house would build its own platform (a big team, where that is cheaper than SaaS).
    in_house_builds: bool = False


def rank(
    totals: Mapping[DeliveryModel, Decimal], order: Sequence[DeliveryModel]
) -> tuple[DeliveryModel, ...]:
    """Cheapest first; ties keep ``order``."""
    return tuple(sorted(order, key=lambda model: (totals[model], order.index(model))))


def _worth_switching(
    new: DeliveryModel, old_total: Decimal, totals: Mapping[DeliveryModel, Decimal], facts: Facts
) -> bool:
    """Whether moving to ``new`` from a set-up costing ``old_total`` a month pays: the
    saving clears the margin and pays back the one-off transition within the contract."""
    saving = old_total - totals[new]
    if saving < old_total * SWITCH_MARGIN:
        return False
    term = facts.contract_months.get(new, Decimal(12))
    return saving * term >= facts.transition.get(new, Decimal(0))


def _judge(
    ranking: tuple[DeliveryModel, ...],
    totals: Mapping[DeliveryModel, Decimal],
    facts: Facts,
) -> tuple[DeliveryModel, str | None]:
    winner = ranking[0]
    if winner is DeliveryModel.PARTIAL:
        single = next(model for model in ranking if model is not DeliveryModel.PARTIAL)
        if not _worth_switching(winner, totals[single], totals, facts):
            return _judge_single(single, ranking, totals, facts, "partial_margin")
    return _judge_single(winner, ranking, totals, facts, None)


def _judge_single(
    winner: DeliveryModel,
    ranking: tuple[DeliveryModel, ...],
    totals: Mapping[DeliveryModel, Decimal],
    facts: Facts,
    rule: str | None,
) -> tuple[DeliveryModel, str | None]:
    if facts.own_team_today and winner in _USES_PROVIDER:
        own = min(_OWN_TEAM, key=lambda model: (totals[model], ranking.index(model)))
        if not _worth_switching(winner, totals[own], totals, facts):
            return own, "switch_not_worth_it"
    return winner, rule


def _reasons(
    winner: DeliveryModel,
    rule: str | None,
    facts: Facts,
    savings_vs_today: Decimal | None,
) -> list[str]:
    if rule == "switch_not_worth_it":
        reasons = ["reason.switch_not_worth_it"]
    elif rule == "partial_margin":
        reasons = ["reason.partial_margin_too_small"]
    else:
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
    if winner in _USES_PROVIDER and facts.location.get(winner) in ("nearshore", "offshore"):
        reasons.append("reason.offshore_rates")
    if winner is not DeliveryModel.IN_HOUSE and facts.own_fte < SMALL_TEAM_FTE:
        reasons.append("reason.small_team")
    if winner is DeliveryModel.IN_HOUSE and facts.own_fte >= LARGE_TEAM_FTE:
        reasons.append("reason.scale")
    if winner in _OWN_AGENTS:
        reasons.append("reason.keeps_knowledge")
    if facts.in_house_builds and winner in (DeliveryModel.HOSTED, DeliveryModel.OUTSOURCED):
        reasons.append("reason.no_capex")
    if winner is DeliveryModel.OUTSOURCED:
        reasons.append("reason.fast_start")
    if savings_vs_today is not None and savings_vs_today > 0:
        reasons.append("reason.below_current")
    return reasons


def _risks(winner: DeliveryModel, facts: Facts) -> list[str]:
    if winner is DeliveryModel.OUTSOURCED:
        risks = ["risk.control", "risk.data_security", "risk.quality", "risk.vendor_lock_in"]
        if facts.languages >= 2:
            risks.append("risk.language_coverage")
    elif winner is DeliveryModel.PARTIAL:
        risks = ["risk.integration", "risk.data_security", "risk.quality"]
    elif winner is DeliveryModel.HOSTED:
        risks = ["risk.vendor_lock_in", "risk.data_security", "risk.ramp_up_time"]
    else:
        risks = ["risk.ramp_up_time"]
        if facts.own_fte < SMALL_TEAM_FTE:
            risks.append("risk.fixed_costs")
        if facts.non_base_languages > 0:
            risks.append("risk.language_coverage")
    if winner in _USES_PROVIDER:
        if facts.night_shift.get(winner, False):
            risks.append("risk.time_zone")
        if facts.cross_border.get(winner, False):
            risks.append("risk.cross_border_data")
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
    winner, rule = _judge(ranking, totals, facts)
    others = [model for model in ranking if model is not winner]
    runner_up = others[0]
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
        savings_vs_runner_up=max(Decimal(0), totals[runner_up] - totals[winner]),
        savings_vs_current=savings_vs_current,
        reasons=tuple(_reasons(winner, rule, facts, savings_vs_today)),
        risks=tuple(_risks(winner, facts)),
        break_even=break_even,
        savings_vs_baseline=savings_vs_baseline,
        today=today,
        savings_vs_today=savings_vs_today,
        cheapest=ranking[0],
        judgement=rule,
    )
