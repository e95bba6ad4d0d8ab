"""The work behind a team size or an IT help desk's users, when no volumes are given.

**Today's team is a fact.** When the owner says "we are 8 people", the work is what those 8
carry: the largest monthly volume (in the channel mix) whose plan — at the chosen service
level, over the opening hours, after breaks, absence and the hourly arrival profile — needs no
more than 8 rostered FTE. In-house for that work then comes out at about 8 FTE, as the owner
knows it does, and every model is priced for the same work.

If the team cannot cover the opening hours at all (one person, 24/7; or one person, business
hours, once leave and sickness need cover: the coverage floor alone needs more people than
there are), the volume is what the smallest team that covers the hours carries at the target,
and the plan (in-house) is that team: the estimate says so plainly, and today's team is still
priced as the people it has.

**An IT help desk** is sized from the users (employees) it supports: tickets a month = users x
tickets per user per month (a cited default unless given), split over the channels by the
help-desk channel mix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from costengine import limits
from costengine.coverage import WEEKS_PER_MONTH, open_hours
from costengine.results import Assumption
from costengine.scenario import Channel, ChannelVolume, SupportKind
from costengine.staffing.plan import Planner, StaffingPlan
from costengine.staffing.volumes import channel_mix, channel_mix_assumption, volumes_from_total

__all__ = ["TeamWork", "team_work", "user_volumes"]

_EPS = 1e-9
#: Relative precision of the volume search (0.1% of the volume, at least one contact).
_PRECISION = 1000


@dataclass(frozen=True, slots=True)
class TeamWork:
    """The work a team carries and the plan for it."""

    total: int  # contacts a month
    plan: StaffingPlan
    covers_hours: bool  # False: the team is smaller than the hours' coverage floor needs
    assumptions: tuple[Assumption, ...]


def _search(fits: Callable[[int], bool], least: int, start: int, ceiling: int) -> int:
    """The largest whole ``v`` in ``[least, ceiling]`` with ``fits(v)`` (``fits(least)``
    holds and ``fits`` is monotone: once false, false for every larger volume)."""
    low, high = least, max(least + 1, start)
    while high < ceiling and fits(high):
        low, high = high, min(ceiling, high * 2)
    if high >= ceiling and fits(ceiling):
        return ceiling
    while high - low > max(1, low // _PRECISION):
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def team_work(
    planner: Planner,
    team_size: float,
    channels: Sequence[Channel],
    *,
    kind: SupportKind,
) -> TeamWork:
    """The monthly volume ``team_size`` FTE carry, and its plan (see the module docs)."""
    inputs = planner.inputs
    shares = channel_mix(kind).for_channels(tuple(dict.fromkeys(channels)))
    plans: dict[int, StaffingPlan] = {}

    def plan_at(total: int) -> StaffingPlan:
        found = plans.get(total)
        if found is None:
            found = plans[total] = planner.plan(volumes_from_total(total, tuple(shares), kind=kind))
        return found

    def fits(total: int) -> bool:
        return plan_at(total).fte <= team_size + _EPS

    seconds = math.fsum(share * inputs.effective_aht(ch) for ch, share in shares.items())
    productive = team_size * inputs.paid_hours_per_fte_week * (1.0 - inputs.shrinkage)
    capacity = max(1, round(productive * _START_OCCUPANCY * 3600.0 / seconds * WEEKS_PER_MONTH))
    ceiling = limits.MAX_CONTACTS_PER_MONTH
    mix = channel_mix_assumption(tuple(shares), kind=kind)
    hours = open_hours(planner.mask)
    # The least volume that gives every channel a contact: the team's floor on every channel.
    least = max(1, math.ceil(1.0 / min(shares.values()) - 1e-9))
    if fits(least):
        total = _search(fits, least, capacity, ceiling)
        plan = plan_at(total)
        assumption = Assumption(
            key="assumption.volume_implied_from_team",
            params={
                "team_size": _fmt(team_size),
                "contacts": str(total),
                "service_level": f"{inputs.service_level:.0%}",
                "answer_seconds": f"{inputs.answer_seconds:g}",
                "open_hours": str(hours),
                "occupancy": f"{plan.occupancy:.0%}",
            },
        )
        return TeamWork(total, plan, True, (assumption, mix))
    # The floor alone needs more people than the team has: the work is what the smallest
    # team that covers the hours carries at the target.
    floor_fte = plan_at(least).fte

    def fits_floor(total: int) -> bool:
        return plan_at(total).fte <= floor_fte + _EPS

    total = _search(
        fits_floor, least, max(least + 1, round(capacity * floor_fte / team_size)), ceiling
    )
    plan = plan_at(total)
    assumptions = (
        Assumption(
            key="assumption.team_cannot_cover",
            params={
                "team_size": _fmt(team_size),
                "needed_fte": f"{plan.fte:.1f}",
                "open_hours": str(hours),
                "contacts": str(total),
                "service_level": f"{inputs.service_level:.0%}",
                "answer_seconds": f"{inputs.answer_seconds:g}",
            },
        ),
        mix,
    )
    return TeamWork(total, plan, False, assumptions)


#: Where the volume search starts: a guess at the occupancy of a small team (the search
#: itself decides; this only saves steps).
_START_OCCUPANCY = 0.5


def user_volumes(
    users: int, tickets_per_user_month: Decimal, channels: Sequence[Channel]
) -> tuple[tuple[ChannelVolume, ...], Assumption]:
    """An IT help desk's first contacts a month from its users, and the assumption said."""
    tickets = Decimal(users) * tickets_per_user_month
    total = max(Decimal(1), tickets.quantize(Decimal(1)))
    volumes = volumes_from_total(total, channels, kind=SupportKind.IT_HELPDESK)
    return volumes, Assumption(
        key="assumption.it_tickets_from_users",
        params={
            "users": str(users),
            "tickets_per_user": _fmt(float(tickets_per_user_month)),
            "tickets": str(total),
        },
    )


def _fmt(value: float) -> str:
    return f"{value:g}"
