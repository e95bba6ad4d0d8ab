"""Outsourced: a provider's agents on the provider's platform, billed by its price list.

Billing models, priced whenever the rate card has the figures they need:

- ``agent_hour`` (the common international quote): the plan's scheduled agent-hours, floors
  included, at the hourly rate; hours at night or at weekends carry the card's multiplier
  (the higher one when both apply);
- ``per_contact``: phone talk minutes x per-minute rate, chats x per-chat rate (or the chat
  package + overage when cheaper), emails and social messages x per-email rate; shared
  agents, so no floors and no after-hours surcharge;
- ``seat_month``: dedicated seats = max(minimum seats, rostered heads) x seat price.

Languages the region does not serve at base rates carry the language premium on their share
of the bill in every model. The card's ``outsourced.billing`` chooses the model used for the
total (falling back to ``agent_hour`` when the card cannot price the chosen one for this
scenario); the others are reported as alternatives. ``auto`` (the shipped default) bills
dedicated agents per agent-hour, except when a dedicated team would be busy less than
``outsourced.shared_below_occupancy`` of its scheduled hours (coverage floors and Erlang's
minimum of one agent per live channel dominate small volumes): then the work goes to shared
agents at per-contact prices, when the card has them.

On top of the provider's bill: the setup or transition fee (months of fees, written off over
the contract) and the client's own vendor-management time (a base share of a manager plus a
share per provider FTE, paid like a team lead).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from costengine.pricing.common import (
    HOURS_PER_WEEK,
    Draft,
    PricingContext,
    Workload,
    dec,
    draft,
    drafts_total,
)
from costengine.results import CostCategory
from costengine.scenario import Channel

__all__ = ["BILLING_MODELS", "ProviderQuote", "price_outsourced"]

BILLING_MODELS = ("agent_hour", "per_contact", "seat_month")


@dataclass(frozen=True, slots=True)
class ProviderQuote:
    """The provider's bill under the chosen billing model, plus the client-side costs."""

    drafts: tuple[Draft, ...]
    billing: str
    alternatives: dict[str, Decimal]  # billing model -> monthly total incl. setup and mgmt
    fte: float  # provider FTE equivalent: rostered (dedicated) or busy share (shared agents)
    notes: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return drafts_total(self.drafts)


def _other_language_share(work: Workload, ctx: PricingContext, weight: str) -> float:
    """Share of the work (by agent-hours or contacts) in languages without base rates."""
    if weight == "hours":
        total = work.agent_hours
        other = math.fsum(p.agent_hours for p in work.pools if not ctx.base_language(p.language))
    else:
        total = math.fsum(p.weekly_contacts for p in work.pools)
        other = math.fsum(
            p.weekly_contacts for p in work.pools if not ctx.base_language(p.language)
        )
    return other / total if total > 0 else 0.0


def _language_draft(work: Workload, ctx: PricingContext, bill: Decimal, weight: str) -> list[Draft]:
    share = _other_language_share(work, ctx, weight)
    premium = ctx.value("outsourced.language_premium")
    if share <= 0 or premium <= 0:
        return []
    share_d = dec(round(share, 6))
    return [
        draft(
            "provider_language_premium",
            CostCategory.PROVIDER,
            bill * share_d * premium,
            {
                "share": share_d,
                "premium": premium,
                "languages": ", ".join(
                    lang for lang in work.languages if not ctx.base_language(lang)
                ),
            },
            ("outsourced.language_premium",),
        )
    ]


def _agent_hour_bill(work: Workload, ctx: PricingContext) -> list[Draft]:
    rate_paths = ctx.agent_rate_path()
    rate = ctx.agent_rate()
    weeks = ctx.weeks_per_month
    hourly = work.hourly_agents
    night = ctx.night_mask()
    weekend = ctx.weekend_mask()
    night_mult = float(ctx.value("outsourced.night_multiplier"))
    weekend_mult = float(ctx.value("outsourced.weekend_multiplier"))
    extra = math.fsum(
        hourly[h]
        * (max(night_mult if night[h] else 1.0, weekend_mult if weekend[h] else 1.0) - 1.0)
        for h in range(HOURS_PER_WEEK)
    )
    hours = dec(round(work.agent_hours * weeks, 4))
    extra_hours = dec(round(extra * weeks, 4))
    base = hours * rate
    surcharge = extra_hours * rate
    drafts = [
        draft(
            "provider_agent_hours",
            CostCategory.PROVIDER,
            base,
            {"agent_hours": hours, "rate": rate},
            rate_paths,
        )
    ]
    if extra_hours > 0:
        drafts.append(
            draft(
                "provider_after_hours",
                CostCategory.PROVIDER,
                surcharge,
                {
                    "surcharge_hours": extra_hours,
                    "rate": rate,
                    "night_multiplier": night_mult,
                    "weekend_multiplier": weekend_mult,
                },
                (
                    "outsourced.night_multiplier",
                    "outsourced.weekend_multiplier",
                    "planning.night_start_hour",
                    *rate_paths,
                ),
            )
        )
    drafts.extend(_language_draft(work, ctx, base + surcharge, "hours"))
    return drafts


def _per_contact_bill(work: Workload, ctx: PricingContext) -> tuple[list[Draft], list[str]] | None:
    weeks = ctx.weeks_per_month
    drafts: list[Draft] = []
    notes: list[str] = []
    bill = Decimal(0)
    calls = work.weekly_contacts(Channel.PHONE) * weeks
    if calls > 0:
        if not ctx.has("outsourced.per_minute"):
            return None
        minutes = dec(round(calls * work.aht_seconds[Channel.PHONE] / 60.0, 4))
        per_minute = ctx.money("outsourced.per_minute")
        drafts.append(
            draft(
                "provider_phone_minutes",
                CostCategory.PROVIDER,
                minutes * per_minute,
                {"minutes": minutes, "per_minute": per_minute},
                ("outsourced.per_minute", "planning.aht_phone_seconds"),
            )
        )
        bill += minutes * per_minute
    chats_f = work.weekly_contacts(Channel.CHAT) * weeks
    if chats_f > 0:
        if not ctx.has("outsourced.per_chat"):
            return None
        chats = dec(round(chats_f, 4))
        per_chat = ctx.money("outsourced.per_chat")
        amount = chats * per_chat
        inputs: dict[str, float | int | Decimal | str] = {"chats": chats, "per_chat": per_chat}
        paths: tuple[str, ...] = ("outsourced.per_chat",)
        if all(
            ctx.has(p)
            for p in (
                "outsourced.chat_package_month",
                "outsourced.chat_package_included",
                "outsourced.chat_overage",
            )
        ):
            included = ctx.value("outsourced.chat_package_included")
            package = ctx.money("outsourced.chat_package_month") + max(
                Decimal(0), chats - included
            ) * ctx.money("outsourced.chat_overage")
            if package < amount:
                amount = package
                inputs = {"chats": chats, "package_included": included}
                paths = (
                    "outsourced.chat_package_month",
                    "outsourced.chat_package_included",
                    "outsourced.chat_overage",
                )
                notes.append("note.chat_package")
        drafts.append(draft("provider_chats", CostCategory.PROVIDER, amount, inputs, paths))
        bill += amount
    messages_f = (
        work.weekly_contacts(Channel.EMAIL) + work.weekly_contacts(Channel.SOCIAL)
    ) * weeks
    if messages_f > 0:
        if not ctx.has("outsourced.per_email"):
            return None
        messages = dec(round(messages_f, 4))
        per_email = ctx.money("outsourced.per_email")
        drafts.append(
            draft(
                "provider_emails",
                CostCategory.PROVIDER,
                messages * per_email,
                {"messages": messages, "per_message": per_email},
                ("outsourced.per_email",),
            )
        )
        bill += messages * per_email
    drafts.extend(_language_draft(work, ctx, bill, "contacts"))
    return drafts, notes


def _seat_month_bill(work: Workload, ctx: PricingContext) -> list[Draft] | None:
    if not ctx.has("outsourced.seat_month"):
        return None
    minimum = ctx.value("outsourced.min_seats") if ctx.has("outsourced.min_seats") else 1
    seats = max(Decimal(ctx.heads(work)), minimum)
    price = ctx.money("outsourced.seat_month")
    paths = ["outsourced.seat_month"]
    if ctx.has("outsourced.min_seats"):
        paths.append("outsourced.min_seats")
    drafts = [
        draft(
            "provider_seats",
            CostCategory.PROVIDER,
            seats * price,
            {"seats": seats, "per_seat": price},
            paths,
        )
    ]
    drafts.extend(_language_draft(work, ctx, seats * price, "hours"))
    return drafts


def _client_side(bill: Decimal, fte: float, ctx: PricingContext) -> list[Draft]:
    setup_months = ctx.value("outsourced.setup_fee_months")
    contract = ctx.value("outsourced.contract_months")
    base_fte = ctx.value("outsourced.vendor_management_base_fte")
    per_agent = ctx.value("outsourced.vendor_management_per_agent")
    managers = base_fte + per_agent * dec(round(fte, 6))
    pay = ctx.loaded_salary() * ctx.value("inhouse.lead_salary_multiplier")
    return [
        draft(
            "provider_setup",
            CostCategory.ONE_TIME,
            bill * setup_months / contract,
            {"monthly_fees": bill, "fee_months": setup_months, "contract_months": contract},
            ("outsourced.setup_fee_months", "outsourced.contract_months"),
        ),
        draft(
            "vendor_management",
            CostCategory.VENDOR_MANAGEMENT,
            managers * pay,
            {"manager_fte": managers, "monthly_pay": pay},
            (
                "outsourced.vendor_management_base_fte",
                "outsourced.vendor_management_per_agent",
                "inhouse.lead_salary_multiplier",
                *ctx.salary_path(),
                "inhouse.employer_load",
            ),
        ),
    ]


def price_outsourced(work: Workload, ctx: PricingContext) -> ProviderQuote | None:
    """The provider's quote for ``work`` (None when there is no work to give out)."""
    if work.empty:
        return None
    fte = ctx.fte(work)
    bills: dict[str, tuple[list[Draft], list[str]]] = {
        "agent_hour": (_agent_hour_bill(work, ctx), [])
    }
    per_contact = _per_contact_bill(work, ctx)
    if per_contact is not None:
        bills["per_contact"] = per_contact
    seat_month = _seat_month_bill(work, ctx)
    if seat_month is not None:
        bills["seat_month"] = (seat_month, [])
    # Dedicated agents: the rostered FTE of the plan; shared agents: only the busy share.
    ftes = {billing: fte * work.occupancy if billing == "per_contact" else fte for billing in bills}
    complete: dict[str, list[Draft]] = {}
    for billing, (drafts, _) in bills.items():
        complete[billing] = drafts + _client_side(drafts_total(drafts), ftes[billing], ctx)
    chosen: str = ctx.card.outsourced.billing
    notes: list[str] = []
    if chosen == "auto":
        shared = work.occupancy < float(ctx.value("outsourced.shared_below_occupancy"))
        chosen = "per_contact" if shared and "per_contact" in complete else "agent_hour"
        if shared and chosen == "per_contact":
            notes.append("note.shared_agents")
    elif chosen not in complete:
        notes.append("note.billing_fallback")
        chosen = "agent_hour"
    notes.extend(bills[chosen][1])
    return ProviderQuote(
        drafts=tuple(complete[chosen]),
        billing=chosen,
        alternatives={billing: drafts_total(complete[billing]) for billing in complete},
        fte=ftes[chosen],
        notes=tuple(notes),
    )
