"""Pricing of the four delivery models over one staffing plan.

Each model is a function of a :class:`~costengine.pricing.common.Workload` (the plan's hourly
people on shift, work and contacts) and a :class:`~costengine.pricing.common.PricingContext`
(rate card, currency, conventions) returning draft line items; :func:`price_all` runs the four
and :func:`to_model_cost` turns a result into the public, validated
:class:`~costengine.results.ModelCost`, with its cost per contact and per handled minute.

Outsourcing is priced at every destination whose providers can take the work (a
:class:`Market`); partial outsourcing prices the splits it is handed (planned elsewhere, each
part with its own floors).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from costengine.pricing.common import (
    LABELS,
    Draft,
    PricingContext,
    Workload,
    drafts_total,
    model_cost,
)
from costengine.pricing.hosted import price_hosted
from costengine.pricing.inhouse import own_team, price_in_house
from costengine.pricing.outsourced import (
    BILLING_MODELS,
    Destination,
    Market,
    ProviderQuote,
    choose,
    quotes,
)
from costengine.pricing.partial import SPLITS, price_partial
from costengine.results import ModelCost, OutsourcingOption
from costengine.scenario import DeliveryModel

__all__ = [
    "BILLING_MODELS",
    "LINE_ITEM_KEYS",
    "MODEL_ORDER",
    "NOTE_KEYS",
    "SPLITS",
    "Destination",
    "Market",
    "Parts",
    "Priced",
    "PricingContext",
    "Workload",
    "price_all",
    "price_model",
    "to_model_cost",
]

#: Fixed order: how models are listed, and how ties between equal totals are broken.
MODEL_ORDER: tuple[DeliveryModel, ...] = (
    DeliveryModel.IN_HOUSE,
    DeliveryModel.HOSTED,
    DeliveryModel.PARTIAL,
    DeliveryModel.OUTSOURCED,
)

#: Every line-item key a model can report (templates translate by key).
LINE_ITEM_KEYS: tuple[str, ...] = tuple(LABELS)

#: Every note key a model can report.
NOTE_KEYS: tuple[str, ...] = (
    "note.own_in_house",
    "note.own_hosted",
    "note.no_split",
    "note.below_minimum_seats",
    "note.commission_outbound",
    "note.models_converge",
    "note.no_provider",
    "note.commission_not_applicable",
)

#: Why ``models.outsourced`` shows the option it shows (template keys).
CHOICE_KEYS: tuple[str, ...] = (
    "choice.dedicated_fills_minimum",
    "choice.dedicated_minimum",
    "choice.shared_below_minimum",
    "choice.dedicated_only",
    "choice.user_dedicated",
    "choice.user_shared",
)

#: In-house and hosted within this share of each other "converge" (say so, not a winner).
CONVERGE_SHARE = Decimal("0.05")


@dataclass(frozen=True, slots=True)
class Priced:
    """One model's drafts and facts, before they become a :class:`ModelCost`."""

    model: DeliveryModel
    drafts: tuple[Draft, ...]
    fte: float
    split: str | None = None
    notes: tuple[str, ...] = ()
    candidates: dict[str, Decimal] = field(default_factory=dict)
    billing: str | None = None
    equivalent_fte: float = 0.0
    kind: str | None = None
    destination: str | None = None
    location: str | None = None
    choice: str | None = None
    options: tuple[ProviderQuote, ...] = ()
    chosen: ProviderQuote | None = None

    @property
    def total(self) -> Decimal:
        return drafts_total(self.drafts)


#: Supplies partial outsourcing's splits ``{split: (kept, given out)}`` on demand: they
#: cost several staffing plans.
Parts = Callable[[], Mapping[str, tuple[Workload, Workload]]]


def _outsourced(work: Workload, market: Market, *, detail: bool) -> Priced:
    # Only destinations whose providers serve the languages make offers (the onshore one and
    # the user's own choice always do).
    served = set(market.served) | ({market.destination} if market.destination else set())
    destinations = tuple(d for d in market.destinations if d.code in served)
    options = quotes(
        work,
        destinations,
        users=market.users,
        value_per_success=market.value_per_success if detail else None,
    )
    picked = choose(options, market.kind, market.destination, market.served)
    if picked is None:
        return Priced(DeliveryModel.OUTSOURCED, (), 0.0, notes=("note.no_provider",))
    quote = picked.quote
    notes = quote.notes
    if detail and market.value_per_success is None:
        notes = (*notes, "note.commission_not_applicable")
    return Priced(
        DeliveryModel.OUTSOURCED,
        quote.drafts,
        quote.fte,
        notes=notes,
        candidates=dict(quote.alternatives),
        billing=quote.billing,
        equivalent_fte=quote.equivalent_fte if quote.kind == "shared" else 0.0,
        kind=quote.kind,
        destination=quote.destination,
        location=quote.location,
        choice=picked.reason,
        options=tuple(options),
        chosen=quote,
    )


def price_model(
    model: DeliveryModel,
    work: Workload,
    ctx: PricingContext,
    *,
    parts: Parts,
    market: Market,
    detail: bool = True,
) -> Priced:
    """One model for ``work``. ``parts`` is called only for partial (it plans the splits);
    without ``detail`` the outsourced model skips the options the choice cannot take (the
    what-ifs need only the totals)."""
    if model is DeliveryModel.IN_HOUSE:
        return Priced(model, tuple(price_in_house(work, ctx)), work.fte)
    if model is DeliveryModel.HOSTED:
        return Priced(model, tuple(price_hosted(work, ctx)), work.fte)
    if model is DeliveryModel.OUTSOURCED:
        return _outsourced(work, market, detail=detail)
    quote = price_partial(parts(), ctx, market)
    if quote is None:
        team = own_team(work, ctx)
        in_house = price_in_house(work, ctx, team)
        hosted = price_hosted(work, ctx, team)
        own = (
            (DeliveryModel.HOSTED, hosted)
            if drafts_total(hosted) < drafts_total(in_house)
            else (DeliveryModel.IN_HOUSE, in_house)
        )
        return Priced(
            model,
            tuple(own[1]),
            work.fte,
            split="none",
            notes=("note.no_split", f"note.own_{own[0].value}"),
        )
    given = quote.provider
    return Priced(
        model,
        quote.drafts,
        quote.own_fte + given.fte,
        split=quote.split,
        notes=quote.notes,
        candidates=quote.candidates,
        billing=given.billing,
        equivalent_fte=given.equivalent_fte if given.kind == "shared" else 0.0,
        kind=given.kind,
        destination=given.destination,
        location=given.location,
        chosen=given,
    )


def price_all(
    work: Workload, ctx: PricingContext, *, parts: Parts, market: Market, detail: bool = True
) -> dict[DeliveryModel, Priced]:
    """All four models for the same work, in :data:`MODEL_ORDER`."""
    return {
        model: price_model(model, work, ctx, parts=parts, market=market, detail=detail)
        for model in MODEL_ORDER
    }


def _per(total: Decimal, units: float, places: str) -> Decimal | None:
    if units <= 1e-9:
        return None
    return (total / Decimal(repr(units))).quantize(Decimal(places), ROUND_HALF_EVEN)


def _option(
    quote: ProviderQuote, chosen: ProviderQuote | None, served: Sequence[str]
) -> OutsourcingOption:
    return OutsourcingOption(
        kind=quote.kind,
        destination=quote.destination,
        location=quote.location,
        billing=quote.billing,
        monthly_total=quote.total,
        fte=Decimal(repr(round(quote.fte, 2))),
        equivalent_fte=Decimal(repr(round(quote.equivalent_fte, 2))),
        sellable=quote.sellable,
        serves_languages=quote.destination in served,
        chosen=quote is chosen,
        notes=quote.notes,
    )


def to_model_cost(priced: Priced, ctx: PricingContext, work: Workload, market: Market) -> ModelCost:
    """The public cost of one model, with its cost per contact and per handled minute."""
    cost = model_cost(
        priced.model,
        ctx,
        priced.drafts,
        priced.fte,
        split=priced.split,
        notes=priced.notes,
        candidates=priced.candidates,
        billing=priced.billing,
    )
    weeks = ctx.weeks_per_month
    return cost.model_copy(
        update={
            "equivalent_fte": Decimal(repr(round(priced.equivalent_fte, 2))),
            "cost_per_contact": _per(
                cost.monthly_total, work.weekly_first_contacts * weeks, "0.01"
            ),
            "cost_per_minute": _per(
                cost.monthly_total, work.weekly_handle_minutes * weeks, "0.001"
            ),
            "kind": priced.kind,
            "destination": priced.destination,
            "location": priced.location,
            "choice": priced.choice,
            "options": tuple(_option(q, priced.chosen, market.served) for q in priced.options),
        }
    )
