"""Hosted: own agents on a contact-centre platform rented per seat from a provider.

The staff side is the in-house one (:func:`~costengine.pricing.inhouse.staff_drafts`): the
business still employs, supervises, hires and seats its agents, and keeps the customer
knowledge. Instead of buying its own tools (or, at scale, building a platform) it rents a
platform seat per agent that includes routing, phone menus, recording and workforce
management (Genesys Cloud, Zendesk Suite with Talk, Twilio Flex...), plus telephony usage
and the agents' devices. Below ``supervision_threshold_fte`` agents the small-team suite price
applies (``hosted.platform_seat_month_small``).

For a small team the two own-agent models converge: both are the team plus a few SaaS seats
(the result says so, see ``note.models_converge``) rather than inventing a difference.
"""

from __future__ import annotations

from costengine.pricing.common import Draft, PricingContext, Workload, draft
from costengine.pricing.inhouse import OwnTeam, devices_draft, own_team
from costengine.results import CostCategory

__all__ = ["price_hosted"]


def price_hosted(work: Workload, ctx: PricingContext, team: OwnTeam | None = None) -> list[Draft]:
    """Every monthly cost of running ``work`` with own agents on a hosted platform."""
    if work.empty:
        return []
    team = team or own_team(work, ctx)
    drafts = list(team.staff)
    heads = ctx.heads(work)
    small = work.fte < float(ctx.value("inhouse.supervision_threshold_fte"))
    path = "hosted.platform_seat_month_small" if small else "hosted.platform_seat_month"
    seat = ctx.money(path)
    drafts.append(
        draft(
            "platform_seats",
            CostCategory.TECHNOLOGY,
            heads * seat,
            {"agents": heads, "per_seat": seat},
            (path, "inhouse.supervision_threshold_fte") if small else (path,),
        )
    )
    drafts.append(devices_draft(work, ctx))
    drafts.extend(team.telephony)
    return drafts
