"""Partial outsourcing: keep part of the work, give the rest to a provider, pick the best split.

The candidate splits (:mod:`costengine.staffing.splits`) come in already planned, each part
with its own floors (so no hour carries two floors for the same contacts); the ``overflow``
split is made here, hour by hour, from the whole workload: the own team is sized at a
quantile (the median by default) of its open-hour staffing and the provider takes the people
above it in the peak hours.

The kept part is priced both in-house and hosted, and the cheaper one is used (ties go to
in-house); the given-out part goes to whichever provider offer is cheapest for it (dedicated
at its minimum seats, or pay-per-use, at any destination that serves its languages) — the
buyer's choice, which also keeps each split's cost from ever falling as the volume grows. The
cheapest of the after-hours, tier-1 and language splits wins (ties in :data:`SPLITS` order):
each is a pair of whole plans, so partial outsourcing never costs less for more work. The
overflow split is priced and reported among the candidates, but does not set the total: its
own team steps up with the median hour, moving hours from the provider to the own team, so it
can cost less for more work (a property the partial figure must keep).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from costengine.pricing.common import Draft, PricingContext, Workload, drafts_total
from costengine.pricing.hosted import price_hosted
from costengine.pricing.inhouse import own_team, price_in_house
from costengine.pricing.outsourced import Market, ProviderQuote, cheapest_quote
from costengine.scenario import DeliveryModel

__all__ = ["SPLITS", "PartialQuote", "overflow_split", "price_partial"]

SPLITS = ("after_hours", "tier1", "overflow", "languages")
#: The splits that can set the partial total (see the module docs).
DECIDING = ("after_hours", "tier1", "languages")


@dataclass(frozen=True, slots=True)
class PartialQuote:
    drafts: tuple[Draft, ...]
    split: str
    own_model: DeliveryModel  # in_house or hosted, for the kept part
    provider: ProviderQuote  # the given-out part's offer
    candidates: dict[str, Decimal]  # split -> monthly total
    own_fte: float  # the kept part's rostered FTE
    notes: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return drafts_total(self.drafts)


def _below_cap(present: Sequence[float], *, quantile: float) -> tuple[float, ...]:
    """The kept share of each hour in the overflow split: all of it up to the own team's
    size (the ``quantile`` of the staffed hours), the cap's share above it."""
    staffed = sorted([a for a in present if a > 0])
    cap = staffed[max(0, math.ceil(quantile * len(staffed)) - 1)] if staffed else 0.0
    return tuple([1.0 if a <= cap else cap / a for a in present])


def overflow_split(work: Workload, ctx: PricingContext) -> tuple[Workload, Workload]:
    quantile = float(ctx.value("planning.overflow_quantile"))
    return work.split(_below_cap(work.present, quantile=quantile))


def _own(work: Workload, ctx: PricingContext) -> tuple[DeliveryModel, list[Draft]]:
    team = own_team(work, ctx)
    in_house = price_in_house(work, ctx, team)
    hosted = price_hosted(work, ctx, team)
    if drafts_total(hosted) < drafts_total(in_house):
        return DeliveryModel.HOSTED, hosted
    return DeliveryModel.IN_HOUSE, in_house


def price_partial(
    parts: Mapping[str, tuple[Workload, Workload]], ctx: PricingContext, market: Market
) -> PartialQuote | None:
    """The cheapest split (None when no split leaves work on both sides)."""
    best: PartialQuote | None = None
    candidates: dict[str, Decimal] = {}
    for key in SPLITS:
        if key not in parts:
            continue
        kept, given = parts[key]
        if kept.empty or given.empty:
            continue
        # A per-user price buys the whole help desk: a part is bought per ticket or agent.
        quote = cheapest_quote(
            given, market.destinations, users=Decimal(0), destination=market.destination
        )
        if quote is None:
            continue
        own_model, own = _own(kept, ctx)
        drafts = (*own, *quote.drafts)
        total = drafts_total(drafts)
        candidates[key] = total
        if key in DECIDING and (best is None or total < best.total):
            best = PartialQuote(
                drafts=drafts,
                split=key,
                own_model=own_model,
                provider=quote,
                candidates={},
                own_fte=kept.fte,
                notes=(f"note.own_{own_model.value}", *quote.notes),
            )
    if best is None:
        return None
    return PartialQuote(
        drafts=best.drafts,
        split=best.split,
        own_model=best.own_model,
        provider=best.provider,
        candidates=candidates,
        own_fte=best.own_fte,
        notes=best.notes,
    )
