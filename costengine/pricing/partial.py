"""Partial outsourcing: keep part of the work, give the rest to a provider, pick the best split.

Candidate splits (each priced only when both parts have work):

- ``after_hours``: keep business hours (Mon-Fri 09-17 local, within the open hours), give
  out evenings, nights and weekends: the own team no longer needs round-the-clock floors;
- ``tier1``: give out the simple first-contact share of the volume (``planning.tier1_share``)
  and keep tier 2+; both parts are planned on their own (each needs its floors), so the caller
  passes them in already staffed;
- ``overflow``: the own team is sized at a quantile (the median by default) of each pool's
  open-hour staffing; the provider takes the agents above it in the peak hours;
- ``languages``: keep the primary (first) language, give out the others.

The kept part is priced both in-house and hosted, and the cheaper one is used (ties go to
in-house); the given-out part with the outsourced prices. Everything reuses the three other
pricing functions on the split workloads. The cheapest candidate wins (ties in the order
above); all candidates' totals are reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from costengine.coverage import business_mask
from costengine.pricing.common import (
    Draft,
    IdentityMemo,
    PricingContext,
    Workload,
    drafts_total,
)
from costengine.pricing.hosted import price_hosted
from costengine.pricing.inhouse import price_in_house
from costengine.pricing.outsourced import ProviderQuote, price_outsourced
from costengine.scenario import DeliveryModel

__all__ = ["SPLITS", "PartialQuote", "price_partial", "split_workloads"]

SPLITS = ("after_hours", "tier1", "overflow", "languages")


@dataclass(frozen=True, slots=True)
class PartialQuote:
    drafts: tuple[Draft, ...]
    split: str
    own_model: DeliveryModel  # in_house or hosted, for the kept part
    billing: str  # the provider's billing model
    candidates: dict[str, Decimal]  # split -> monthly total
    fte: float  # own rostered FTE + provider FTE equivalent
    notes: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return drafts_total(self.drafts)


@cache
def _business_shares() -> tuple[float, ...]:
    """The kept share of each week hour in the after-hours split: 1 in business hours."""
    return tuple(1.0 if is_business else 0.0 for is_business in business_mask())


def _below_cap(agents: Sequence[float], *, quantile: float) -> tuple[float, ...]:
    """The kept share of each hour in the overflow split: all of it up to the own team's
    size (the ``quantile`` of the pool's staffed hours), the cap's share above it."""
    staffed = sorted([a for a in agents if a > 0])
    cap = staffed[max(0, math.ceil(quantile * len(staffed)) - 1)] if staffed else 0.0
    return tuple([1.0 if a <= cap else cap / a for a in agents])


def split_workloads(
    work: Workload,
    ctx: PricingContext,
    *,
    primary_language: str,
    tier_parts: tuple[Workload, Workload] | None,
) -> dict[str, tuple[Workload, Workload]]:
    """Every candidate split as ``(kept, given out)``, in :data:`SPLITS` order."""
    found: dict[str, tuple[Workload, Workload]] = {}
    business = _business_shares()
    found["after_hours"] = work.split_once("after_hours", lambda _pool: business)
    if tier_parts is not None:
        found["tier1"] = tier_parts
    quantile = float(ctx.value("planning.overflow_quantile"))
    below_cap = IdentityMemo(lambda agents: _below_cap(agents, quantile=quantile))  # once a pool
    found["overflow"] = work.split_once(("overflow", quantile), lambda pool: below_cap(pool.agents))
    if len(work.languages) > 1:
        found["languages"] = work.split_once(
            ("languages", primary_language),
            lambda pool: 1.0 if pool.language == primary_language else 0.0,
        )
    return {key: parts for key, parts in found.items() if not parts[0].empty and not parts[1].empty}


def _own(work: Workload, ctx: PricingContext) -> tuple[DeliveryModel, list[Draft]]:
    in_house = price_in_house(work, ctx)
    hosted = price_hosted(work, ctx)
    if drafts_total(hosted) < drafts_total(in_house):
        return DeliveryModel.HOSTED, hosted
    return DeliveryModel.IN_HOUSE, in_house


def price_partial(
    work: Workload,
    ctx: PricingContext,
    *,
    primary_language: str,
    tier_parts: tuple[Workload, Workload] | None,
) -> PartialQuote | None:
    """The cheapest split of ``work`` (None when no split leaves work on both sides)."""
    best: PartialQuote | None = None
    candidates: dict[str, Decimal] = {}
    splits = split_workloads(work, ctx, primary_language=primary_language, tier_parts=tier_parts)
    for key, (kept, given) in splits.items():
        own_model, own = _own(kept, ctx)
        quote: ProviderQuote | None = price_outsourced(given, ctx)
        if quote is None:  # pragma: no cover - split_workloads drops empty parts
            continue
        drafts = (*own, *quote.drafts)
        total = drafts_total(drafts)
        candidates[key] = total
        if best is None or total < best.total:
            best = PartialQuote(
                drafts=drafts,
                split=key,
                own_model=own_model,
                billing=quote.billing,
                candidates={},
                fte=ctx.fte(kept) + quote.fte,
                notes=(f"note.own_{own_model.value}", *quote.notes),
            )
    if best is None:
        return None
    return PartialQuote(
        drafts=best.drafts,
        split=best.split,
        own_model=best.own_model,
        billing=best.billing,
        candidates=candidates,
        fte=best.fte,
        notes=best.notes,
    )
