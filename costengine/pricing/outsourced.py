"""Outsourced: a provider's agents on the provider's platform, billed by its price list.

Billing models, priced whenever the rate card has the figures they need:

- ``agent_hour`` (dedicated agents, the common international quote): the plan's scheduled
  agent-hours, floors included, at the hourly rate; hours at night or at weekends carry the
  card's multiplier (the higher one when both apply);
- ``shared_hour`` (shared agents): only the busy agent-hours (the work's Erlangs), grossed up
  to the occupancy a provider reaches by pooling clients (``outsourced.shared_occupancy``),
  at the same hourly rate and multipliers. This is how "a provider shares the 24/7 floor
  across clients" enters the numbers: no client pays for its own idle night agent;
- ``per_contact``: phone talk minutes x per-minute rate, chats x per-chat rate (or the chat
  package + overage when cheaper), emails and social messages x per-email rate;
- ``seat_month``: dedicated seats = max(minimum seats, rostered heads) x seat price.

Languages the region does not serve at base rates carry the language premium on their share
of the bill in every model. The card's ``outsourced.billing`` names the model used for the
total; ``auto`` (the shipped default) takes the cheapest the card can price (ties in
:data:`BILLING_MODELS` order), which keeps the outsourced total non-decreasing in volume and
in opening hours. A named model the card cannot price falls back to ``agent_hour``. Every
priced model's total is reported as an alternative.

On top of the provider's bill: the setup or transition fee (months of fees, written off over
the contract) and the client's own vendor-management time (a base share of a manager plus a
share per provider FTE, paid like a team lead).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from decimal import Decimal

from costengine.pricing.common import (
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

#: Billing models, in the order that breaks ties between equal totals.
BILLING_MODELS = ("agent_hour", "shared_hour", "per_contact", "seat_month")


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


def _language_draft(
    work: Workload, ctx: PricingContext, bill: Decimal, by_contacts: bool
) -> list[Draft]:
    """The language premium on the share of ``bill`` in non-base languages: by the required
    speakers' hours for dedicated agents, by the languages' share of contacts per contact."""
    premium = ctx.value("outsourced.language_premium")
    if premium <= 0:
        return []
    if by_contacts:
        other = math.fsum(
            share for language, share in work.languages if not ctx.base_language(language)
        )
        total = 1.0
    else:
        other = math.fsum(
            hours
            for language, hours in work.speaker_hours.items()
            if not ctx.base_language(language)
        )
        total = work.present_hours
    if other <= 0 or total <= 0:
        return []
    share = dec(round(min(1.0, other / total), 6))
    return [
        draft(
            "provider_language_premium",
            CostCategory.PROVIDER,
            bill * share * premium,
            {
                "share": share,
                "premium": premium,
                "languages": ", ".join(
                    lang for lang in work.language_codes if not ctx.base_language(lang)
                ),
            },
            ("outsourced.language_premium",),
        )
    ]


def _hourly_bill(
    work: Workload,
    ctx: PricingContext,
    *,
    key: str,
    hourly: tuple[float, ...],
    by_contacts: bool,
    extra_inputs: dict[str, float | int | Decimal | str],
    extra_paths: tuple[str, ...] = (),
) -> list[Draft]:
    """Agent-hours per week hour x rate, night/weekend hours at the higher multiplier."""
    rate_paths = ctx.agent_rate_path()
    rate = ctx.agent_rate()
    weeks = ctx.weeks_per_month
    night_mult = float(ctx.value("outsourced.night_multiplier"))
    weekend_mult = float(ctx.value("outsourced.weekend_multiplier"))
    extra = math.fsum(map(operator.mul, hourly, ctx.after_hours_uplift()))
    hours = dec(round(math.fsum(hourly) * weeks, 4))
    extra_hours = dec(round(extra * weeks, 4))
    base = hours * rate
    surcharge = extra_hours * rate
    drafts = [
        draft(
            key,
            CostCategory.PROVIDER,
            base,
            {"agent_hours": hours, "rate": rate, **extra_inputs},
            (*rate_paths, *extra_paths),
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
    drafts.extend(_language_draft(work, ctx, base + surcharge, by_contacts))
    return drafts


def _agent_hour_bill(work: Workload, ctx: PricingContext) -> list[Draft]:
    """Dedicated agents: every scheduled agent-hour of the plan, floors included."""
    return _hourly_bill(
        work,
        ctx,
        key="provider_agent_hours",
        hourly=work.hourly_agents,
        by_contacts=False,
        extra_inputs={},
    )


def _shared_hour_bill(work: Workload, ctx: PricingContext) -> list[Draft]:
    """Shared agents: the busy agent-hours, grossed up to the provider's pooled occupancy."""
    occupancy = ctx.value("outsourced.shared_occupancy")
    scale = 1.0 / float(occupancy)
    hourly = tuple([busy * scale for busy in work.hourly_busy])
    return _hourly_bill(
        work,
        ctx,
        key="provider_shared_hours",
        hourly=hourly,
        by_contacts=True,
        extra_inputs={"provider_occupancy": occupancy},
        extra_paths=("outsourced.shared_occupancy",),
    )


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
    drafts.extend(_language_draft(work, ctx, bill, True))
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
    drafts.extend(_language_draft(work, ctx, seats * price, False))
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
    fte = work.fte
    busy_fte = work.busy_fte
    bills: dict[str, tuple[list[Draft], list[str], float]] = {
        "agent_hour": (_agent_hour_bill(work, ctx), [], fte),
        "shared_hour": (
            _shared_hour_bill(work, ctx),
            [],
            busy_fte / float(ctx.value("outsourced.shared_occupancy")),
        ),
    }
    per_contact = _per_contact_bill(work, ctx)
    if per_contact is not None:
        bills["per_contact"] = (*per_contact, busy_fte)
    seat_month = _seat_month_bill(work, ctx)
    if seat_month is not None:
        bills["seat_month"] = (seat_month, [], fte)
    complete = {
        billing: (*drafts, *_client_side(drafts_total(drafts), provider_fte, ctx))
        for billing, (drafts, _, provider_fte) in bills.items()
    }
    totals = {billing: drafts_total(drafts) for billing, drafts in complete.items()}
    chosen: str = ctx.card.outsourced.billing
    notes: list[str] = []
    if chosen == "auto":
        chosen = min(totals, key=lambda billing: (totals[billing], BILLING_MODELS.index(billing)))
    elif chosen not in complete:
        notes.append("note.billing_fallback")
        chosen = "agent_hour"
    notes.extend(bills[chosen][1])
    return ProviderQuote(
        drafts=complete[chosen],
        billing=chosen,
        alternatives=totals,
        fte=bills[chosen][2],
        notes=tuple(notes),
    )
