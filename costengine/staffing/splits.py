"""Partial outsourcing's splits of the work: what the own team keeps and what a provider takes.

Why each part is planned on its own: a part is staffed the way it will be run. The kept
business hours need a floor only in business hours; the tier-2 escalations the own team keeps
are worked as tickets (no live floor at all); a provider's after-hours part has its floor only
after hours. So no hour ever carries two floors for the same contacts, and a split never
needs more people than the whole (the flaw of splitting volumes and flooring both halves).

- ``after_hours``: keep Monday–Friday 09–17 local (within the open hours), give out the rest;
- ``tier1``: a provider answers the first contacts; customer service keeps the escalated share
  (``1 - tier1_share``) as tickets; an IT help desk keeps its tier-2 and tier-3 work;
- ``overflow``: the own team is sized at a quantile of its hourly staffing; the provider takes
  the people above it in the busiest hours (pay-per-use, by nature: computed by
  :meth:`~costengine.pricing.common.Workload.split`, not here);
- ``languages``: keep the first language, give out the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from costengine.coverage import business_mask
from costengine.staffing.plan import Planner, StaffingPlan, Stream

__all__ = ["PlannedSplit", "planned_splits"]


@dataclass(frozen=True, slots=True)
class PlannedSplit:
    kept: StaffingPlan
    given: StaffingPlan


def _has_work(plan: StaffingPlan) -> bool:
    return plan.present_hours > 1e-9


def _after_hours(planner: Planner, plan: StaffingPlan) -> PlannedSplit | None:
    mask = planner.mask
    business = business_mask()
    kept_mask = tuple(a and b for a, b in zip(mask, business, strict=True))
    given_mask = tuple(a and not b for a, b in zip(mask, business, strict=True))
    if not any(kept_mask) or not any(given_mask):
        return None
    keep = [1.0 if is_kept else 0.0 for is_kept in kept_mask]
    give = [1.0 if is_given else 0.0 for is_given in given_mask]
    return PlannedSplit(
        planner.plan_streams([s.masked(keep) for s in plan.streams], mask=kept_mask),
        planner.plan_streams([s.masked(give) for s in plan.streams], mask=given_mask),
    )


def _tier1(planner: Planner, plan: StaffingPlan, tier1_share: float) -> PlannedSplit | None:
    first = [s for s in plan.streams if s.tier == 1]
    higher = [s for s in plan.streams if s.tier > 1]
    if higher:  # IT: the provider answers every first contact, own engineers keep tiers 2+
        given: list[Stream] = first
        kept: list[Stream] = higher
    elif 0 < tier1_share < 1:
        given = [s.scaled(tier1_share) for s in first]
        kept = [replace(s.scaled(1.0 - tier1_share), live=False, tier=2) for s in first]
    else:
        return None
    return PlannedSplit(planner.plan_streams(kept), planner.plan_streams(given))


def _languages(planner: Planner, plan: StaffingPlan) -> PlannedSplit | None:
    languages = planner.inputs.languages
    if len(languages) < 2:
        return None
    primary, share = languages[0]
    others = languages[1:]
    rest = 1.0 - share
    if share <= 0 or rest <= 0:
        return None
    kept_inputs = planner.inputs.with_languages(((primary, 1.0),))
    given_inputs = planner.inputs.with_languages(
        tuple((language, part / rest) for language, part in others)
    )
    return PlannedSplit(
        planner.plan_streams([s.scaled(share) for s in plan.streams], inputs=kept_inputs),
        planner.plan_streams([s.scaled(rest) for s in plan.streams], inputs=given_inputs),
    )


def planned_splits(
    planner: Planner,
    plan: StaffingPlan,
    *,
    tier1_share: float,
    only: str | None = None,
) -> dict[str, PlannedSplit]:
    """Every re-planned split with work on both sides, in a fixed order (``only``: just
    that one, the what-ifs' case)."""
    makers: dict[str, Callable[[], PlannedSplit | None]] = {
        "after_hours": lambda: _after_hours(planner, plan),
        "tier1": lambda: _tier1(planner, plan, tier1_share),
        "languages": lambda: _languages(planner, plan),
    }
    found = {name: make() for name, make in makers.items() if only is None or name == only}
    return {
        name: split
        for name, split in found.items()
        if split is not None and _has_work(split.kept) and _has_work(split.given)
    }
