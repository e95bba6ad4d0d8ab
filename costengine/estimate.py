"""The engine's entry point: a scenario in, a priced, explained comparison out.

The work is found first: the scenario's volumes, an IT help desk's users, or what today's team
carries (:mod:`costengine.staffing.team`). One staffing plan is made for it (plus the parts of
partial outsourcing's splits, each planned with its own floors); the four models are priced
on it, and today's team is priced as it is (the baseline). The what-ifs reuse the plan: a
wage or provider-rate change re-prices it with a scaled rate card; only a volume change
re-plans, through the estimate's one :class:`Planner` (which keeps every hourly solve). Plans
and totals are kept per volume factor. The break-even search prices only the two models it
compares at each volume, so the split plans are made only where partial is compared.

``analysis=False`` skips the break-even search and the sensitivity table (the bot's quick
answer; the full estimate follows on "why?").
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from costengine.coverage import WEEKS_PER_MONTH, open_hours, open_mask
from costengine.errors import InvalidScenario
from costengine.money import FxTable, cents, fx_table
from costengine.pricing import (
    CONVERGE_SHARE,
    MODEL_ORDER,
    Priced,
    PricingContext,
    Workload,
    price_all,
    price_model,
    to_model_cost,
)
from costengine.pricing.baseline import price_baseline
from costengine.pricing.common import dec
from costengine.pricing.destinations import PROVIDER_RATE_ENTRIES, destinations
from costengine.pricing.outsourced import Market, ProviderQuote
from costengine.pricing.partial import overflow_split
from costengine.ratecard import RateCard, load_ratecard
from costengine.recommend import Facts, recommend
from costengine.results import (
    Assumption,
    Baseline,
    BreakEven,
    Estimate,
    ModelCost,
    SensitivityRow,
)
from costengine.scenario import (
    Channel,
    ChannelVolume,
    DeliveryModel,
    OutsourcingKind,
    Scenario,
    SupportKind,
)
from costengine.sensitivity import CHANGES, break_even, sensitivity_row
from costengine.staffing.languages import language_shares, multilingual_share
from costengine.staffing.plan import Planner, StaffingInputs, StaffingPlan
from costengine.staffing.splits import planned_splits
from costengine.staffing.team import TeamWork, team_work, user_volumes

__all__ = ["PROVIDER_RATE_ENTRIES", "WAGE_ENTRIES", "estimate", "staffing_inputs"]


#: Entries a "wage" change scales (own agents; leads and QA follow through the multiplier).
WAGE_ENTRIES: tuple[str, ...] = ("inhouse.agent_salary_month", "inhouse.agent_salary_month_it")
_AHT_ENTRIES = {
    Channel.PHONE: "planning.aht_phone_seconds",
    Channel.CHAT: "planning.aht_chat_seconds",
    Channel.EMAIL: "planning.aht_email_seconds",
    Channel.SOCIAL: "planning.aht_social_seconds",
}


def _planning(card: RateCard, name: str, default: float) -> float:
    """A planning convention the card may not carry yet (older override files)."""
    try:
        entry = card.get(f"planning.{name}")
    except KeyError:
        entry = None
    return default if entry is None else float(entry.typical)


#: IT help-desk conventions used when a rate card predates them (see data/ratecards).
_IT_DEFAULTS = {
    "it_tier1_resolution": 0.70,
    "it_tier3_share": 0.15,
    "aht_it_tier2_seconds": 1800.0,
    "aht_it_tier3_seconds": 5400.0,
}


def staffing_inputs(scenario: Scenario, card: RateCard) -> StaffingInputs:
    """The planning parameters: the card's conventions under the scenario's own choices."""
    aht = {channel: float(card.value(path)) for channel, path in _AHT_ENTRIES.items()}
    for volume in scenario.volumes:
        if volume.aht_seconds is not None:
            aht[volume.channel] = float(volume.aht_seconds)
    tier_seconds: dict[int, float] = {}
    tier_shares: dict[int, float] = {}
    if scenario.kind is SupportKind.IT_HELPDESK and scenario.it_tiers >= 2:
        resolved = _planning(card, "it_tier1_resolution", _IT_DEFAULTS["it_tier1_resolution"])
        tier_shares[2] = 1.0 - resolved
        tier_seconds[2] = _planning(
            card, "aht_it_tier2_seconds", _IT_DEFAULTS["aht_it_tier2_seconds"]
        )
        if scenario.it_tiers >= 3:
            tier_shares[3] = tier_shares[2] * _planning(
                card, "it_tier3_share", _IT_DEFAULTS["it_tier3_share"]
            )
            tier_seconds[3] = _planning(
                card, "aht_it_tier3_seconds", _IT_DEFAULTS["aht_it_tier3_seconds"]
            )
    return StaffingInputs(
        aht_seconds=aht,
        chat_concurrency=(
            scenario.chat_concurrency
            if scenario.chat_concurrency is not None
            else float(card.value("planning.chat_concurrency"))
        ),
        shrinkage=(
            scenario.shrinkage
            if scenario.shrinkage is not None
            else float(card.value("planning.shrinkage"))
        ),
        absence_share=_planning(card, "absence_share", DEFAULT_ABSENCE_SHARE),
        paid_hours_per_fte_week=float(card.value("planning.paid_hours_per_fte_week")),
        service_level=scenario.service_level,
        answer_seconds=float(scenario.answer_seconds),
        max_occupancy=scenario.max_occupancy,
        email_response_hours=scenario.email_response_hours,
        email_utilisation=float(card.value("planning.email_utilisation")),
        floor_agents=scenario.floor_agents,
        pooling=scenario.pooling,
        languages=language_shares(scenario),
        multilingual=multilingual_share(scenario),
        tier_seconds=tier_seconds,
        tier_shares=tier_shares,
    )


#: Absence (leave, public holidays, sickness) when a card predates ``planning.absence_share``.
DEFAULT_ABSENCE_SHARE = 0.12


class _LazyTotals(Mapping[DeliveryModel, Decimal]):
    """Model totals at one volume factor, each priced only when asked for.

    The break-even search compares two models at a time; partial needs its split plans, so
    pairs without partial skip them.
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


@dataclass(frozen=True, slots=True)
class _Work:
    """The volumes the estimate prices and how they were found."""

    volumes: tuple[ChannelVolume, ...]
    assumptions: tuple[Assumption, ...]
    team: TeamWork | None  # the plan of today's team (team size without volumes)


class _Evaluator:
    """Plans and prices one scenario at any volume factor, keeping each plan and total."""

    def __init__(self, scenario: Scenario, card: RateCard, fx: FxTable, currency: str) -> None:
        self.scenario = scenario
        self.card = card
        self.inputs = staffing_inputs(scenario, card)
        self.planner = Planner(scenario, self.inputs)
        self.ctx = self.context(card, fx, currency)
        self.work = self._work()
        self.market = self._market(self.ctx)
        self._plans: dict[float, StaffingPlan] = {}
        self._workloads: dict[float, Workload] = {}
        self._parts: dict[float, dict[str, tuple[Workload, Workload]]] = {}
        self._totals: dict[tuple[float, DeliveryModel], Decimal] = {}
        #: The what-ifs keep today's choices (:meth:`keep`): the partial split, and the
        #: providers of the outsourced and partial models.
        self._split: str | None = None
        self._held: dict[DeliveryModel, ProviderQuote] = {}

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

    def _market(self, ctx: PricingContext, provider_scale: Decimal | None = None) -> Market:
        """Every destination's providers, priced with their own cards (``provider_scale``
        scales their rates: the sensitivity table's provider-rate rows)."""
        scenario = self.scenario
        users = Decimal(scenario.users) if scenario.users is not None else self._implied_users()
        kind = scenario.outsourcing
        if kind is OutsourcingKind.AUTO:  # an operator's card may say how it buys
            kind = _CARD_BILLING.get(self.card.outsourced.billing, kind)
        return Market(
            destinations=destinations(scenario, ctx, provider_scale),
            users=users,
            kind=kind,
            destination=scenario.destination,
            value_per_success=scenario.value_per_success,
        )

    def _implied_users(self) -> Decimal:
        """An IT help desk given as volumes or a team: users = tickets / tickets per user."""
        if self.scenario.kind is not SupportKind.IT_HELPDESK:
            return Decimal(0)
        per_user = self.scenario.tickets_per_user_month or Decimal(
            repr(_planning(self.card, "tickets_per_user_month", float(DEFAULT_TICKETS_PER_USER)))
        )
        tickets = sum((v.contacts_per_month for v in self.work.volumes), Decimal(0))
        return (tickets / per_user).quantize(Decimal(1))

    def _work(self) -> _Work:
        scenario = self.scenario
        if scenario.volumes:
            return _Work(scenario.volumes, (), None)
        if scenario.users is not None:
            per_user = scenario.tickets_per_user_month or Decimal(
                repr(
                    _planning(self.card, "tickets_per_user_month", float(DEFAULT_TICKETS_PER_USER))
                )
            )
            volumes, said = user_volumes(scenario.users, per_user, scenario.channels)
            return _Work(volumes, (said,), None)
        if scenario.team_size is None:  # pragma: no cover - the Scenario validator forbids it
            raise InvalidScenario("team_size", "give a team size, volumes or users")
        team = team_work(
            self.planner, float(scenario.team_size), scenario.channels, kind=scenario.kind
        )
        return _Work(team.plan.volumes, team.assumptions, team)

    @staticmethod
    def _scaled(volumes: tuple[ChannelVolume, ...], factor: float) -> tuple[ChannelVolume, ...]:
        scale = Decimal(repr(factor))
        # Internal what-if: the scaled copies are not re-validated (a 16x volume may pass the
        # input cap on purpose).
        return tuple(
            volume.model_copy(update={"contacts_per_month": volume.contacts_per_month * scale})
            for volume in volumes
        )

    def plan(self, factor: float = 1.0) -> StaffingPlan:
        found = self._plans.get(factor)
        if found is None:
            if factor == 1.0 and self.work.team is not None:
                found = self.work.team.plan
            elif factor == 1.0:
                found = self.planner.plan(self.work.volumes)
            else:
                found = self.planner.plan(self._scaled(self.work.volumes, factor))
            self._plans[factor] = found
        return found

    def workload(self, factor: float = 1.0) -> Workload:
        found = self._workloads.get(factor)
        if found is None:
            found = self._workloads[factor] = Workload.from_plan(self.plan(factor))
        return found

    def parts(self, factor: float = 1.0) -> dict[str, tuple[Workload, Workload]]:
        """Partial outsourcing's splits at ``factor`` (planned once, priced under any card);
        away from today's volume only today's split (see :meth:`keep`)."""
        found = self._parts.get(factor)
        if found is None:
            share = float(self.ctx.value("planning.tier1_share"))
            only = None if factor == 1.0 else self._split
            planned = planned_splits(self.planner, self.plan(factor), tier1_share=share, only=only)
            found = {
                name: (Workload.from_plan(split.kept), Workload.from_plan(split.given))
                for name, split in planned.items()
            }
            if only is None or only == "overflow":
                found["overflow"] = overflow_split(self.workload(factor), self.ctx)
            self._parts[factor] = found
        return found

    def keep(self, priced: Mapping[DeliveryModel, Priced]) -> None:
        """Fix today's choices for the what-ifs (break-even volumes, sensitivity): the split
        partial outsourcing uses, and the provider (destination and kind) each of the
        outsourced and partial models buys from. A what-if then asks "when does in-house beat
        *this* offer?", and prices one offer instead of every destination's."""
        partial = priced[DeliveryModel.PARTIAL]
        self._split = partial.split if partial.split not in (None, "none") else None
        self._held = {}
        for model in (DeliveryModel.OUTSOURCED, DeliveryModel.PARTIAL):
            chosen = priced[model].chosen
            if chosen is not None:
                self._held[model] = chosen

    def what_if_market(self, model: DeliveryModel, market: Market | None = None) -> Market:
        """``market`` (default: the estimate's) held to today's offer for ``model``."""
        market = market or self.market
        quote = self._held.get(model)
        if quote is None:
            return market
        kind = OutsourcingKind.DEDICATED if quote.kind == "dedicated" else OutsourcingKind.SHARED
        kept = tuple(d for d in market.destinations if d.code == quote.destination)
        return replace(market, destinations=kept, kind=kind, destination=quote.destination)

    def what_if_totals(
        self, factor: float, ctx: PricingContext, market: Market
    ) -> dict[DeliveryModel, Decimal]:
        """Every model's total at ``factor`` under ``ctx``/``market``, today's choices held."""
        return {
            model: price_model(
                model,
                self.workload(factor),
                ctx,
                parts=lambda: self.parts(factor),
                market=self.what_if_market(model, market),
                detail=False,
            ).total
            for model in MODEL_ORDER
        }

    def priced(
        self,
        factor: float = 1.0,
        ctx: PricingContext | None = None,
        market: Market | None = None,
        *,
        detail: bool = True,
    ) -> dict[DeliveryModel, Priced]:
        return price_all(
            self.workload(factor),
            ctx or self.ctx,
            parts=lambda: self.parts(factor),
            market=market or self.market,
            detail=detail,
        )

    def total(self, factor: float, model: DeliveryModel) -> Decimal:
        key = (factor, model)
        found = self._totals.get(key)
        if found is None:
            found = price_model(
                model,
                self.workload(factor),
                self.ctx,
                parts=lambda: self.parts(factor),
                market=self.what_if_market(model),
                detail=False,
            ).total
            self._totals[key] = found
        return found

    def remember(self, factor: float, totals: Mapping[DeliveryModel, Decimal]) -> None:
        for model, total in totals.items():
            self._totals[(factor, model)] = total

    def totals(self, factor: float) -> Mapping[DeliveryModel, Decimal]:
        return _LazyTotals(self, factor)


#: A rate card's ``outsourced.billing`` as the kind of outsourcing to show (``auto``: the
#: scenario's choice, by default what a provider would sell).
_CARD_BILLING = {
    "agent_hour": OutsourcingKind.DEDICATED,
    "seat_month": OutsourcingKind.DEDICATED,
    "per_contact": OutsourcingKind.SHARED,
    "shared_hour": OutsourcingKind.SHARED,
}

#: Tickets per user per month when a card predates ``planning.tickets_per_user_month``.
DEFAULT_TICKETS_PER_USER = Decimal("1.5")


def _facts(
    evaluator: _Evaluator,
    plan: StaffingPlan,
    card: RateCard,
    priced: Mapping[DeliveryModel, Priced],
) -> Facts:
    scenario = evaluator.scenario
    live = [summary for summary in plan.summaries if summary.live]
    regimes = {d.code: d.ctx.card.region.privacy_regime for d in evaluator.market.destinations}
    home = card.region.privacy_regime
    quotes = {
        model: result.chosen
        for model, result in priced.items()
        if result.chosen is not None and model in (DeliveryModel.OUTSOURCED, DeliveryModel.PARTIAL)
    }
    return Facts(
        open_hours_per_week=float(open_hours(open_mask(scenario.coverage))),
        live_open_hours=math.fsum(summary.open_hours_per_week for summary in live),
        live_floor_hours=math.fsum(summary.floor_hours_per_week for summary in live),
        languages=len(scenario.languages),
        non_base_languages=sum(
            1 for language in scenario.languages if language not in card.region.languages
        ),
        own_fte=plan.fte,
        current_monthly_cost=(
            None if scenario.current_monthly_cost is None else cents(scenario.current_monthly_cost)
        ),
        own_team_today=scenario.team_size is not None,
        transition={model: quote.transition for model, quote in quotes.items()},
        contract_months={model: quote.contract_months for model, quote in quotes.items()},
        location={model: quote.location for model, quote in quotes.items()},
        cross_border={
            model: regimes.get(quote.destination, home) != home for model, quote in quotes.items()
        },
        night_shift={
            model: quote.location != "onshore" and quote.night_share > NIGHT_SHIFT_SHARE
            for model, quote in quotes.items()
        },
        in_house_builds=any(
            item.key == "platform_build" for item in priced[DeliveryModel.IN_HOUSE].drafts
        ),
    )


#: A provider abroad working more than this share of the hours at its own night: a risk.
NIGHT_SHIFT_SHARE = 0.5


def _provider_card(evaluator: _Evaluator, priced: Mapping[DeliveryModel, Priced]) -> RateCard:
    """The card of the destination whose offer the outsourced model shows (the home card
    when none is shown): where the provider is priced, and its base languages."""
    chosen = priced[DeliveryModel.OUTSOURCED].chosen
    if chosen is not None:
        for destination in evaluator.market.destinations:
            if destination.code == chosen.destination:
                return destination.ctx.card
    return evaluator.card


def _assumptions(
    card: RateCard, provider: RateCard, fx: FxTable, currency: str
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
            params={
                "region": provider.code,
                "base_languages": ", ".join(provider.region.languages),
            },
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
    return tuple(own)


def _sensitivity(
    evaluator: _Evaluator, card: RateCard, fx: FxTable, currency: str
) -> tuple[SensitivityRow, ...]:
    rows: list[SensitivityRow] = []
    for change in CHANGES:
        factor = float(1 + change)
        rows.append(sensitivity_row("volume", change, evaluator.totals(factor), MODEL_ORDER))
    for change in CHANGES:
        ctx = evaluator.context(card.scaled(WAGE_ENTRIES, 1 + change), fx, currency)
        totals = evaluator.what_if_totals(1.0, ctx, evaluator.market)
        rows.append(sensitivity_row("wage", change, totals, MODEL_ORDER))
    for change in CHANGES:
        market = evaluator._market(evaluator.ctx, provider_scale=1 + change)
        totals = evaluator.what_if_totals(1.0, evaluator.ctx, market)
        rows.append(sensitivity_row("provider_rate", change, totals, MODEL_ORDER))
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
    plan = evaluator.plan(1.0)
    priced = evaluator.priced(1.0)
    work = evaluator.workload(1.0)
    models = {
        model: to_model_cost(result, evaluator.ctx, work, evaluator.market)
        for model, result in priced.items()
    }
    models = _converge(models)
    totals = {model: cost.monthly_total for model, cost in models.items()}
    evaluator.remember(1.0, totals)
    evaluator.keep(priced)
    baseline = _baseline(evaluator, plan)
    pairs: tuple[BreakEven, ...] = ()
    rows: tuple[SensitivityRow, ...] = ()
    if analysis:
        base_contacts = sum((volume.contacts_per_month for volume in plan.volumes), Decimal(0))
        pairs = break_even(evaluator.totals, base_contacts, MODEL_ORDER)
        rows = _sensitivity(evaluator, card, fx, currency)
    return Estimate(
        scenario=scenario,
        currency=currency,
        fx_date=fx.date,
        models=models,
        staffing=plan.summaries,
        recommendation=recommend(
            totals,
            _facts(evaluator, plan, card, priced),
            MODEL_ORDER,
            pairs,
            baseline=None if baseline is None else baseline.monthly_total,
        ),
        sensitivity=rows,
        assumptions=(
            *evaluator.work.assumptions,
            *_team_check(evaluator, plan),
            *plan.assumptions,
            *_assumptions(card, _provider_card(evaluator, priced), fx, currency),
        ),
        baseline=baseline,
        languages=plan.language_rows,
        volumes=plan.volumes,
    )


def _converge(models: dict[DeliveryModel, ModelCost]) -> dict[DeliveryModel, ModelCost]:
    """In-house and hosted within a few percent: say they converge (a small team runs on the
    same kind of SaaS either way) rather than let a rounding difference pick a winner."""
    own = models[DeliveryModel.IN_HOUSE].monthly_total
    hosted = models[DeliveryModel.HOSTED].monthly_total
    if own <= 0 or abs(own - hosted) > own * CONVERGE_SHARE:
        return models
    return {
        model: cost.model_copy(update={"notes": (*cost.notes, "note.models_converge")})
        if model in (DeliveryModel.IN_HOUSE, DeliveryModel.HOSTED)
        else cost
        for model, cost in models.items()
    }


def _team_check(evaluator: _Evaluator, plan: StaffingPlan) -> tuple[Assumption, ...]:
    """A team size given together with volumes: does the team meet the target with them?"""
    scenario = evaluator.scenario
    if scenario.team_size is None or not scenario.volumes:
        return ()
    team = float(scenario.team_size)
    needed = plan.fte
    params = {"team_size": f"{team:g}", "needed_fte": f"{needed:.1f}"}
    if team < needed * (1 - TEAM_TOLERANCE):
        return (Assumption(key="assumption.team_short", params=params),)
    if team > needed * TEAM_SURPLUS and team - needed >= 1:
        return (Assumption(key="assumption.team_surplus", params=params),)
    return (Assumption(key="assumption.team_matches", params=params),)


#: A team within 5% of what the volumes need is "about right"; 1.5x or more is a surplus.
TEAM_TOLERANCE = 0.05
TEAM_SURPLUS = 1.5


def _baseline(evaluator: _Evaluator, plan: StaffingPlan) -> Baseline | None:
    """Today's team priced as it is: its people, their pay, tools and a share of supervision."""
    scenario = evaluator.scenario
    if scenario.team_size is None:
        return None
    team = float(scenario.team_size)
    work = evaluator.workload(1.0)
    cost = price_baseline(work, team, evaluator.ctx)
    needed = plan.fte
    return Baseline(
        team_size=scenario.team_size,
        monthly_total=cost.monthly_total,
        currency=cost.currency,
        fte=cost.fte,
        line_items=cost.line_items,
        needed_fte=dec(round(needed, 2)),
        covers_hours=evaluator.work.team.covers_hours if evaluator.work.team else True,
        meets_target=team >= needed * (1 - TEAM_TOLERANCE),
    )
