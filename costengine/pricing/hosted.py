"""Hosted: own agents on a rented contact-centre platform (Genesys, Zendesk, Twilio Flex...).

The staff side is the in-house one (:func:`~costengine.pricing.inhouse.staff_drafts`): the
business still employs, manages, hires and seats its agents, and keeps the customer
knowledge. Instead of building and maintaining a platform and buying support software, it
pays a platform seat per agent (named user, so per head on the roster) plus telephony usage.
No capital outlay.
"""

from __future__ import annotations

from costengine.pricing.common import Draft, PricingContext, Workload, draft
from costengine.pricing.inhouse import own_team
from costengine.results import CostCategory

__all__ = ["price_hosted"]


def price_hosted(work: Workload, ctx: PricingContext) -> list[Draft]:
    """Every monthly cost of running ``work`` with own agents on a hosted platform."""
    if work.empty:
        return []
    team = own_team(work, ctx)
    drafts = list(team.staff)
    heads = ctx.heads(work)
    seat = ctx.money("hosted.platform_seat_month")
    drafts.append(
        draft(
            "platform_seats",
            CostCategory.TECHNOLOGY,
            heads * seat,
            {"agents": heads, "per_seat": seat},
            ("hosted.platform_seat_month",),
        )
    )
    drafts.extend(team.telephony)
    return drafts
