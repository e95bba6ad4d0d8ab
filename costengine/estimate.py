"""The engine's entry point: a scenario in, a priced, explained comparison out.

One staffing plan is made for the scenario (plus the two halves of the tier-1 split, which
need their own Erlang solves and floors); the four models are priced on it. The what-ifs
reuse it: a wage or provider-rate change re-prices the same plan with a scaled rate card;
only a volume change re-plans, through the estimate's one :class:`Planner` (which keeps every
hourly solve). Plans and totals are kept per volume factor. The break-even search prices only
the two models it compares at each volume, so the tier-1 plans are made only where partial
is compared, and it stops once no farther crossing could be reported.

``analysis=False`` skips the break-even search and the sensitivity table (the bot's quick
answer; the full estimate follows on "why?").
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from costengine.coverage import WEEKS_PER_MONTH, open_hours, open_mask
from costengine.money import FxTable, cents, fx_table
from costengine.pricing import (
    MODEL_ORDER,
    Priced,
    PricingContext,
    Workload,
    price_all,
    price_model,
    to_model_cost,
)
from costengine.ratecard import RateCard, load_ratecard
from costengine.recommend import Facts, recommend
from costengine.results import Assumption, BreakEven, Estimate, SensitivityRow
from costengine.scenario import Channel, ChannelVolume, DeliveryModel, Scenario
from costengine.sensitivity import CHANGES, break_even, sensitivity_row
from costengine.staffing.plan import Planner, StaffingInputs, StaffingPlan

__all__ = ["PROVIDER_RATE_ENTRIES", "WAGE_ENTRIES", "estimate", "staffing_inputs"]

#: Entries a "wage" change scales (own agents; leads and QA follow through the multiplier).
WAGE_ENTRIES: tuple[str, ...] = ("inhouse.agent_salary_month", "inhouse.agent_salary_month_it")
#: Entries a "provider rate" change scales.
PROVIDER_RATE_ENTRIES: tuple[str, ...] = (
    "outsourced.agent_hour",
    "outsourced.agent_hour_it",
    "outsourced.per_minute",
    "outsourced.per_email",
    "outsourced.per_chat",
    "outsourced.chat_package_month",
    "outsourced.chat_overage",
    "outsourced.seat_month",
)

_AHT_ENTRIES = {
    Channel.PHONE: "planning.aht_phone_seconds",
    Channel.CHAT: "planning.aht_chat_seconds",
    Channel.EMAIL: "planning.aht_email_seconds",
    Channel.SOCIAL: "planning.aht_social_seconds",
}


def staffing_inputs(scenario: Scenario, card: RateCard) -> StaffingInputs:
    """The planning parameters: the card's conventions under the scenario's own choices."""
    return StaffingInputs.from_scenario(
        scenario,
        aht_defaults={channel: float(card.value(path)) for channel, path in _AHT_ENTRIES.items()},
        chat_concurrency_default=float(card.value("planning.chat_concurrency")),
        shrinkage_default=float(card.value("planning.shrinkage")),
        paid_hours_per_fte_week=float(card.value("planning.paid_hours_per_fte_week")),
        email_utilisation=float(card.value("planning.email_utilisation")),
    )


@dataclass(frozen=True, slots=True)
class _Planned:
    plan: StaffingPlan
    work: Workload


class _LazyTotals(Mapping[DeliveryModel, Decimal]):
    """Model totals at one volume factor, each priced only when asked for.

    The break-even search compares two models at a time; in-house, hosted and outsourced
    need one plan, partial three (its tier-1 split), so pairs without partial skip two.
    """

    def __init__(self, evaluator: _Evaluator, factor: float) -> None:
        self._evaluator = evaluator
        self._factor = factor

    def __getitem__(self, model: DeliveryModel) -> Decimal:
        return self._evaluator.total(self._factor, model)

    def __iter__(self) -> Iterator[DeliveryModel]:
        return iter(MODEL_ORDER)

    def __len__(self) -> int:
        return len(MODEL_ORDER)


class _Evaluator:
    """Plans and prices one scenario at any volume factor, caching each plan and total."""

    def __init__(self, scenario: Scenario, card: RateCard, fx: FxTable, currency: str) -> None:
        self.scenario = scenario
        self.inputs = staffing_inputs(scenario, card)
        self.planner = Planner(scenario, self.inputs)
        self.ctx = self.context(card, fx, currency)
        self._plans: dict[float, _Planned] = {}
        self._tiers: dict[float, tuple[Workload, Workload] | None] = {}
        self._totals: dict[tuple[float, DeliveryModel], Decimal] = {}

    def context(self, card: RateCard, fx: FxTable, currency: str) -> PricingContext:
        return PricingContext(
            card=card,
            fx=fx,
            currency=currency,
            scenario=self.scenario,
            weeks_per_month=WEEKS_PER_MONTH,
            shrinkage=self.inputs.shrinkage,
            paid_hours_per_fte_week=self.inputs.paid_hours_per_fte_week,
        )

    def _workload(self, plan: StaffingPlan) -> Workload:
        volumes: dict[Channel, float] = {}
        for volume in plan.volumes:
            volumes[volume.channel] = volumes.get(volume.channel, 0.0) + float(
                volume.contacts_per_month
            )
        return Workload.from_pools(
            plan.pools, channel_volumes=volumes, aht_seconds=self.inputs.aht_seconds
        )

    @staticmethod
    def _scaled(volumes: tuple[ChannelVolume, ...], factor: float) -> tuple[ChannelVolume, ...]:
        scale = Decimal(repr(factor))
        # Internal what-if: the scaled copies are not re-validated (a 16x volume may pass the
        # input cap on purpose).
        return tuple(
            volume.model_copy(update={"contacts_per_month": volume.contacts_per_month * scale})
            for volume in volumes
        )

    def planned(self, factor: float = 1.0) -> _Planned:
        found = self._plans.get(factor)
        if found is None:
            if factor == 1.0:
                plan = self.planner.plan()
            else:
                base = self.planned(1.0).plan
                plan = self.planner.plan(self._scaled(base.volumes, factor))
            found = _Planned(plan, self._workload(plan))
            self._plans[factor] = found
        return found

    def tier_parts(self, factor: float = 1.0) -> tuple[Workload, Workload] | None:
        """(kept tier 2+, given-out tier 1), each staffed on its own, floors included."""
        if factor in self._tiers:
            return self._tiers[factor]
        volumes = self.planned(factor).plan.volumes
        share = float(self.ctx.value("planning.tier1_share"))
        parts: tuple[Workload, Workload] | None = None
        if 0 < share < 1:
            tier2 = self.planner.plan(self._scaled(volumes, 1.0 - share))
            tier1 = self.planner.plan(self._scaled(volumes, share))
            parts = (self._workload(tier2), self._workload(tier1))
        self._tiers[factor] = parts
        return parts

    def priced(
        self, factor: float = 1.0, ctx: PricingContext | None = None
    ) -> dict[DeliveryModel, Priced]:
        return price_all(
            self.planned(factor).work,
            ctx or self.ctx,
            primary_language=self.scenario.languages[0],
            tier_parts=self.tier_parts(factor),
        )

    def total(self, factor: float, model: DeliveryModel) -> Decimal:
        key = (factor, model)
        found = self._totals.get(key)
        if found is None:
            found = price_model(
                model,
                self.planned(factor).work,
                self.ctx,
                primary_language=self.scenario.languages[0],
                tier_parts=lambda: self.tier_parts(factor),
            ).total
            self._totals[key] = found
        return found

    def remember(self, factor: float, totals: Mapping[DeliveryModel, Decimal]) -> None:
        for model, total in totals.items():
            self._totals[(factor, model)] = total

    def totals(self, factor: float) -> Mapping[DeliveryModel, Decimal]:
        return _LazyTotals(self, factor)


def _facts(evaluator: _Evaluator, plan: StaffingPlan, card: RateCard) -> Facts:
    scenario = evaluator.scenario
    live = [summary for summary in plan.summaries if summary.live]
    return Facts(
        open_hours_per_week=float(open_hours(open_mask(scenario.coverage))),
        live_open_hours=math.fsum(summary.open_hours_per_week for summary in live),
        live_floor_hours=math.fsum(summary.floor_hours_per_week for summary in live),
        languages=len(scenario.languages),
        non_base_languages=sum(
            1 for language in scenario.languages if language not in card.region.languages
        ),
        own_fte=plan.total_fte,
        current_monthly_cost=(
            None if scenario.current_monthly_cost is None else cents(scenario.current_monthly_cost)
        ),
    )


def _assumptions(
    plan: StaffingPlan, card: RateCard, fx: FxTable, currency: str
) -> tuple[Assumption, ...]:
    overridden = [path for path, entry in card.entries() if entry.overridden]
    own = [
        Assumption(
            key="assumption.currency",
            params={"currency": currency, "fx_date": fx.date, "source": fx.source},
        ),
        Assumption(
            key="assumption.ratecard",
            params={"region": card.code, "name": card.region.name, "value": "typical"},
        ),
        Assumption(
            key="assumption.provider_location",
            params={"region": card.code, "base_languages": ", ".join(card.region.languages)},
        ),
        Assumption(key="assumption.seats_shared_by_shifts", params={}),
        Assumption(
            key="assumption.steady_state_hiring",
            params={"attrition": str(card.value("inhouse.attrition_annual"))},
        ),
        Assumption(
            key="assumption.night_hours",
            params={
                "start": str(card.value("planning.night_start_hour")),
                "end": str(card.value("planning.night_end_hour")),
            },
        ),
    ]
    if overridden:
        own.append(
            Assumption(
                key="assumption.ratecard_overridden", params={"entries": ", ".join(overridden)}
            )
        )
    return (*plan.assumptions, *own)


def _sensitivity(
    evaluator: _Evaluator, card: RateCard, fx: FxTable, currency: str
) -> tuple[SensitivityRow, ...]:
    rows: list[SensitivityRow] = []
    for change in CHANGES:
        factor = float(1 + change)
        rows.append(sensitivity_row("volume", change, evaluator.totals(factor), MODEL_ORDER))
    for name, entries in (("wage", WAGE_ENTRIES), ("provider_rate", PROVIDER_RATE_ENTRIES)):
        for change in CHANGES:
            ctx = evaluator.context(card.scaled(entries, 1 + change), fx, currency)
            priced = evaluator.priced(1.0, ctx)
            totals = {model: result.total for model, result in priced.items()}
            rows.append(sensitivity_row(name, change, totals, MODEL_ORDER))
    return tuple(rows)


def estimate(
    scenario: Scenario, ratecard: RateCard | None = None, *, analysis: bool = True
) -> Estimate:
    """Price the four delivery models for ``scenario`` and recommend one.

    ``ratecard`` defaults to the built-in card of ``scenario.region``; the result currency
    is ``scenario.currency`` or the card's. ``analysis=False`` leaves out the break-even
    volumes and the sensitivity table (the slow part).

    Raises :class:`~costengine.errors.UnknownRegion`, :class:`~costengine.errors.RateCardError`,
    :class:`~costengine.errors.UnknownCurrency` or :class:`~costengine.errors.InvalidScenario`.
    """
    card = ratecard if ratecard is not None else load_ratecard(scenario.region)
    fx = fx_table()
    currency = fx.check(scenario.currency or card.currency)
    evaluator = _Evaluator(scenario, card, fx, currency)
    planned = evaluator.planned(1.0)
    priced = evaluator.priced(1.0)
    models = {model: to_model_cost(result, evaluator.ctx) for model, result in priced.items()}
    totals = {model: cost.monthly_total for model, cost in models.items()}
    evaluator.remember(1.0, totals)
    pairs: tuple[BreakEven, ...] = ()
    rows: tuple[SensitivityRow, ...] = ()
    if analysis:
        base_contacts = sum(
            (volume.contacts_per_month for volume in planned.plan.volumes), Decimal(0)
        )
        pairs = break_even(evaluator.totals, base_contacts, MODEL_ORDER)
        rows = _sensitivity(evaluator, card, fx, currency)
    return Estimate(
        scenario=scenario,
        currency=currency,
        fx_date=fx.date,
        models=models,
        staffing=planned.plan.summaries,
        recommendation=recommend(totals, _facts(evaluator, planned.plan, card), MODEL_ORDER, pairs),
        sensitivity=rows,
        assumptions=_assumptions(planned.plan, card, fx, currency),
    )
