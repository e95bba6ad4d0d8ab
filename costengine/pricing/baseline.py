"""Today's team priced as it is: the figure an owner compares every model with.

The team's own people (``team_size`` FTE) at loaded pay, with the shift and language
premiums of the hours they work, their supervision share, hiring and training from attrition,
desks and tools, and the telephony of the work they carry: the in-house items, for exactly
that many people. The priced workload's shape (which hours, which languages) is kept; only its
size is set to the team, so a team that cannot cover the opening hours is priced for the people
it has, not for the ones it would need.
"""

from __future__ import annotations

from dataclasses import replace

from costengine.pricing.common import PricingContext, Workload, model_cost
from costengine.pricing.inhouse import price_in_house
from costengine.results import ModelCost
from costengine.scenario import DeliveryModel

__all__ = ["price_baseline", "team_workload"]


def team_workload(work: Workload, team_size: float) -> Workload:
    """``work``'s shape with the people on shift scaled to ``team_size`` FTE."""
    if work.fte <= 0:
        return work
    factor = team_size / work.fte
    return replace(
        work,
        present=tuple([people * factor for people in work.present]),
        speaker_hours={lang: hours * factor for lang, hours in work.speaker_hours.items()},
    )


def price_baseline(work: Workload, team_size: float, ctx: PricingContext) -> ModelCost:
    """The monthly cost of today's team (reported as an in-house cost)."""
    team = team_workload(work, team_size)
    return model_cost(DeliveryModel.IN_HOUSE, ctx, price_in_house(team, ctx), team.fte)
