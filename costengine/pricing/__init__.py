"""Pricing of the four delivery models over one staffing plan.

Each model is a function of a :class:`~costengine.pricing.common.Workload` (the plan's hourly
agents and contacts) and a :class:`~costengine.pricing.common.PricingContext` (rate card,
currency, conventions) returning draft line items; :func:`price_all` runs the four and
:func:`to_model_cost` turns a result into the public, validated
:class:`~costengine.results.ModelCost`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from costengine.pricing.common import (
    LABELS,
    Draft,
    PricingContext,
    Workload,
    drafts_total,
    model_cost,
)
from costengine.pricing.hosted import price_hosted
from costengine.pricing.inhouse import price_in_house
from costengine.pricing.outsourced import BILLING_MODELS, price_outsourced
from costengine.pricing.partial import SPLITS, price_partial
from costengine.results import ModelCost
from costengine.scenario import DeliveryModel

__all__ = [
    "BILLING_MODELS",
    "LINE_ITEM_KEYS",
    "MODEL_ORDER",
    "NOTE_KEYS",
    "SPLITS",
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

#: Every note key a model can report: the own part of a partial split (in-house or hosted),
#: no split possible, the card's billing model not priceable here, the chat package used.
NOTE_KEYS: tuple[str, ...] = (
    "note.own_in_house",
    "note.own_hosted",
    "note.no_split",
    "note.billing_fallback",
    "note.chat_package",
)


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

    @property
    def total(self) -> Decimal:
        return drafts_total(self.drafts)


#: Supplies partial outsourcing's splits ``{split: (kept, given out)}`` on demand: they
#: cost several staffing plans.
Parts = Callable[[], Mapping[str, tuple[Workload, Workload]]]


def price_model(
    model: DeliveryModel,
    work: Workload,
    ctx: PricingContext,
    *,
    parts: Parts,
) -> Priced:
    """One model for ``work``. ``parts`` is called only for partial (it plans the splits)."""
    if model is DeliveryModel.IN_HOUSE:
        return Priced(model, tuple(price_in_house(work, ctx)), work.fte)
    if model is DeliveryModel.HOSTED:
        return Priced(model, tuple(price_hosted(work, ctx)), work.fte)
    if model is DeliveryModel.OUTSOURCED:
        quote = price_outsourced(work, ctx)
        if quote is None:
            return Priced(model, (), 0.0)
        return Priced(
            model,
            quote.drafts,
            quote.fte,
            notes=quote.notes,
            candidates=quote.alternatives,
            billing=quote.billing,
        )
    partial_quote = price_partial(parts(), ctx)
    if partial_quote is None:
        in_house = price_model(DeliveryModel.IN_HOUSE, work, ctx, parts=parts)
        hosted = price_model(DeliveryModel.HOSTED, work, ctx, parts=parts)
        own = hosted if hosted.total < in_house.total else in_house
        return Priced(
            model,
            own.drafts,
            own.fte,
            split="none",
            notes=("note.no_split", f"note.own_{own.model.value}"),
        )
    return Priced(
        model,
        partial_quote.drafts,
        partial_quote.fte,
        split=partial_quote.split,
        notes=partial_quote.notes,
        candidates=partial_quote.candidates,
        billing=partial_quote.billing,
    )


def price_all(work: Workload, ctx: PricingContext, *, parts: Parts) -> dict[DeliveryModel, Priced]:
    """All four models for the same work, in :data:`MODEL_ORDER`."""
    return {model: price_model(model, work, ctx, parts=parts) for model in MODEL_ORDER}


def to_model_cost(priced: Priced, ctx: PricingContext) -> ModelCost:
    return model_cost(
        priced.model,
        ctx,
        priced.drafts,
        priced.fte,
        split=priced.split,
        notes=priced.notes,
        candidates=priced.candidates,
        billing=priced.billing,
    )
