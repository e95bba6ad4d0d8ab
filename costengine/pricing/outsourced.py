"""Outsourced: what a provider would sell for the work, at home and at other destinations.

A buyer compares two kinds of outsourcing (primer §9), and so does this module:

- **dedicated** agents: the plan's people on shift, floors included, billed per agent-hour
  (night and weekend hours at the card's multipliers, on the *provider's* local clock) or per
  seat-month, never fewer than the provider's minimum seats; a language premium on the hours
  of the speakers a non-local language requires; a setup fee written off over the contract;
- **shared / pay-per-use**: phone minutes with the wrap-up minute, at a per-minute rate (never
  below the smallest package's monthly price: such plans have a minimum) or as a monthly
  package plus overage (whichever is cheaper), chats and emails per contact (or a
  chat package), or a monthly base fee plus a fee per contact; an IT help desk per user or per
  ticket. Its capacity is reported as ``equivalent_fte`` (the work's busy time), never as FTE.

Every destination whose providers serve the scenario's languages is priced (onshore always),
converted to the user's currency: :func:`quotes`. What ``models.outsourced`` shows
(:func:`choose`) is what a provider would actually sell: once the work fills some provider's
minimum dedicated seats (its busy time at the provider's occupancy), dedicated agents at the
cheapest destination (a cheaper one billing its minimum seats included); below every minimum,
the cheaper of pay-per-use and a provider's minimum dedicated seats; or what the user asked
for. Shown this way the outsourced cost never falls as the work grows: the offers only grow,
and pay-per-use leaves the choice once dedicated agents are what a provider would sell. The
client's own costs come on top of every bill: vendor management as a share of it
(proportional to the contract's size).

Commission on success (seed 004's fourth billing model) is priced only when the user gives
the value of a successful outcome, and never chosen on its own: inbound support rarely has one.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress

from costengine.pricing.common import (
    Draft,
    PricingContext,
    Workload,
    dec,
    draft,
    drafts_total,
)
from costengine.results import CostCategory
from costengine.scenario import Channel, OutsourcingKind

__all__ = [
    "BILLING_MODELS",
    "Destination",
    "Market",
    "ProviderQuote",
    "cheapest_quote",
    "choose",
    "quotes",
]

#: Billing models, in the order that breaks ties between equal totals.
BILLING_MODELS = (
    "agent_hour",
    "seat_month",
    "per_minute",
    "package",
    "per_contact",
    "base_fee",
    "per_user",
    "per_ticket",
    "commission",
)

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Destination:
    """A region whose providers could take the work, priced with its own card."""

    ctx: PricingContext
    location: str  # "onshore" | "nearshore" | "offshore"
    serves_languages: bool  # its providers serve every language of the scenario

    @property
    def code(self) -> str:
        return self.ctx.card.code


@dataclass(frozen=True)
class Market:
    """Where and how outsourcing can be bought for this scenario."""

    destinations: tuple[Destination, ...]
    users: Decimal  # IT help desk users (for per-user pricing), 0 otherwise
    kind: OutsourcingKind = OutsourcingKind.AUTO
    destination: str | None = None  # the user's choice of destination
    value_per_success: Decimal | None = None

    @property
    def served(self) -> tuple[str, ...]:
        return tuple(
            d.code for d in self.destinations if d.serves_languages or d.location == "onshore"
        )


@dataclass(frozen=True, slots=True)
class ProviderQuote:
    """One provider's bill for the work, plus the client-side costs."""

    kind: str  # "dedicated" | "shared"
    destination: str
    location: str
    billing: str
    drafts: tuple[Draft, ...]
    fte: float  # dedicated: the provider's rostered FTE billed; shared: 0
    equivalent_fte: float  # the FTE the work occupies (shared capacity, or the dedicated FTE)
    sellable: bool  # dedicated: the work fills the provider's minimum seats; shared: True
    notes: tuple[str, ...] = ()
    alternatives: dict[str, Decimal] = field(default_factory=dict)
    #: One-off cost of moving the work to this provider: its setup fee and a month of its
    #: fees while the old and new teams overlap (an estimate, see recommend.py).
    transition: Decimal = Decimal(0)
    contract_months: Decimal = Decimal(12)
    #: Share of the work's hours that fall in the provider's local night.
    night_share: float = 0.0

    @property
    def total(self) -> Decimal:
        return drafts_total(self.drafts)


def _cheapest_bill(
    bills: Mapping[str, Sequence[Draft]], work: Workload, ctx: PricingContext, *, dedicated: bool
) -> tuple[str, tuple[Draft, ...], dict[str, Decimal]]:
    """Each way the provider could bill ``work``, completed with its language premium and the
    client's own costs, and the cheapest of them (ties to the first in BILLING_MODELS): a
    buyer takes the provider's cheapest offer for the same work, all costs counted."""
    totals: dict[str, Decimal] = {}
    complete: dict[str, tuple[Draft, ...]] = {}
    for billing, drafts in bills.items():
        premium = _language_premium(work, ctx, drafts_total(drafts), by_contacts=not dedicated)
        provider = [*drafts, *premium]
        bill = drafts_total(provider)
        complete[billing] = (*provider, *_client_side(bill, ctx, dedicated=dedicated))
        totals[billing] = drafts_total(complete[billing])
    billing = min(totals, key=lambda b: (totals[b], BILLING_MODELS.index(b)))
    return billing, complete[billing], totals


def _client_side(bill: Decimal, ctx: PricingContext, *, dedicated: bool) -> list[Draft]:
    """The setup fee (months of fees over the contract) and the client's vendor management."""
    setup_months = ctx.value("outsourced.setup_fee_months")
    contract = ctx.value("outsourced.contract_months")
    share = ctx.value("outsourced.vendor_management_share")
    drafts = [
        draft(
            "vendor_management",
            CostCategory.VENDOR_MANAGEMENT,
            bill * share,
            {"provider_bill": bill, "share": share},
            ("outsourced.vendor_management_share",),
        )
    ]
    if dedicated:
        drafts.insert(
            0,
            draft(
                "provider_setup",
                CostCategory.ONE_TIME,
                bill * setup_months / contract,
                {"monthly_fees": bill, "fee_months": setup_months, "contract_months": contract},
                ("outsourced.setup_fee_months", "outsourced.contract_months"),
            ),
        )
    return drafts


def _language_premium(
    work: Workload, ctx: PricingContext, bill: Decimal, *, by_contacts: bool
) -> list[Draft]:
    """The premium on the share of ``bill`` in languages the destination does not staff at
    base rates: by the required speakers' hours (dedicated), by contacts (pay-per-use)."""
    premium = ctx.value("outsourced.language_premium")
    if premium <= 0 or bill <= 0:
        return []
    if by_contacts:
        other = math.fsum(share for lang, share in work.languages if not ctx.base_language(lang))
        total = 1.0
    else:
        other = math.fsum(
            hours for lang, hours in work.speaker_hours.items() if not ctx.base_language(lang)
        )
        total = work.present_hours
    if other <= _EPS or total <= _EPS:
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


def _min_seats(ctx: PricingContext) -> Decimal:
    return ctx.value("outsourced.min_seats") if ctx.has("outsourced.min_seats") else Decimal(1)


def _cited(drafts: Iterable[Draft], ctx: PricingContext) -> tuple[Draft, ...]:
    """The drafts, citing the destination's own card."""
    return tuple(item._replace(card=ctx.card) for item in drafts)


def _facts(
    work: Workload, ctx: PricingContext, drafts: Sequence[Draft]
) -> dict[str, Decimal | float]:
    """Transition cost, contract term and night share of a quote (see :class:`ProviderQuote`)."""
    bill = drafts_total(item for item in drafts if item.category is CostCategory.PROVIDER)
    hours = work.present_hours
    night = math.fsum(compress(work.present, ctx.night_mask())) / hours if hours > _EPS else 0.0
    return {
        "transition": bill * (ctx.value("outsourced.setup_fee_months") + 1),
        "contract_months": ctx.value("outsourced.contract_months"),
        "night_share": night,
    }


def dedicated_quote(work: Workload, dest: Destination) -> ProviderQuote | None:
    """Dedicated agents for ``work`` at ``dest``: agent-hours or seat-months, minimum seats."""
    if work.empty:
        return None
    ctx = dest.ctx
    weeks = ctx.weeks_per_month
    paid = ctx.paid_hours_per_fte_week
    minimum = _min_seats(ctx)
    hours = work.present_hours
    billed_week = max(hours, float(minimum) * paid)
    rate_paths = ctx.agent_rate_path()
    rate = ctx.agent_rate()
    uplift = math.fsum(map(operator.mul, work.present, ctx.after_hours_uplift()))
    billed_hours = dec(round(billed_week * weeks, 4))
    extra_hours = dec(round(uplift * weeks, 4))
    hour_drafts = [
        draft(
            "provider_agent_hours",
            CostCategory.PROVIDER,
            billed_hours * rate,
            {
                "agent_hours": billed_hours,
                "rate": rate,
                "minimum_seats": minimum,
                "destination": dest.code,
            },
            (*rate_paths, "outsourced.min_seats")
            if ctx.has("outsourced.min_seats")
            else rate_paths,
        )
    ]
    if extra_hours > 0:
        hour_drafts.append(
            draft(
                "provider_after_hours",
                CostCategory.PROVIDER,
                extra_hours * rate,
                {
                    "surcharge_hours": extra_hours,
                    "rate": rate,
                    "provider_hour_shift": ctx.shift_hours,
                },
                (
                    "outsourced.night_multiplier",
                    "outsourced.weekend_multiplier",
                    "planning.night_start_hour",
                    *rate_paths,
                ),
            )
        )
    bills: dict[str, list[Draft]] = {"agent_hour": hour_drafts}
    if ctx.has("outsourced.seat_month"):
        seats = max(Decimal(math.ceil(hours / paid - _EPS)), minimum)
        price = ctx.money("outsourced.seat_month")
        seat_paths: tuple[str, ...] = ("outsourced.seat_month",)
        if ctx.it:  # a seat is quoted for customer service: IT seats at the IT rate's ratio
            price = price * rate / ctx.money("outsourced.agent_hour")
            seat_paths = (*seat_paths, *rate_paths, "outsourced.agent_hour")
        # The surcharge is on the night and weekend hours worked, spread over the seats'
        # hours (not over the hours needed: that share falls as daytime work grows while the
        # seats stay, and a seat bill would then fall with more work).
        uplift_dec = dec(round(uplift / (float(seats) * paid), 6))
        seat_drafts = [
            draft(
                "provider_seats",
                CostCategory.PROVIDER,
                seats * price * (1 + uplift_dec),
                {"seats": seats, "per_seat": price, "after_hours_uplift": uplift_dec},
                (*seat_paths, "outsourced.min_seats", "outsourced.night_multiplier"),
            )
        ]
        bills["seat_month"] = seat_drafts
    billing, chosen, totals = _cheapest_bill(bills, work, ctx, dedicated=True)
    fte = work.fte * billed_week / hours if hours > _EPS else 0.0
    occupancy = float(ctx.value("outsourced.shared_occupancy"))
    fills = work.busy_hours / (paid * occupancy) >= float(minimum) - _EPS
    return ProviderQuote(
        kind="dedicated",
        destination=dest.code,
        location=dest.location,
        billing=billing,
        drafts=_cited(chosen, ctx),
        fte=fte,
        equivalent_fte=fte,
        sellable=fills,
        notes=() if fills else ("note.below_minimum_seats",),
        alternatives=totals,
        **_facts(work, ctx, chosen),  # type: ignore[arg-type]
    )


def _package_cost(
    units: Decimal, rows: Iterable[tuple[str, Decimal, Decimal, Decimal]]
) -> tuple[str, Decimal] | None:
    """The cheapest ``(path, cost)`` over package rows ``(path, included, price, overage)``."""
    best: tuple[str, Decimal] | None = None
    for path, included, price, overage in rows:
        cost = price + max(Decimal(0), units - included) * overage
        if best is None or cost < best[1]:
            best = (path, cost)
    return best


def _packages(ctx: PricingContext, name: str) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    rows = getattr(ctx.card.outsourced, name)
    found = []
    for index, row in enumerate(rows):
        rate = ctx.fx.convert(Decimal(1), row.currency, ctx.currency)
        found.append(
            (f"outsourced.{name}.{index}", row.included, row.price * rate, row.overage * rate)
        )
    return found


def _channel_bill(work: Workload, ctx: PricingContext) -> tuple[list[Draft], str] | None:
    """Pay-per-use by channel: phone minutes (per minute or package), chats, messages."""
    weeks = ctx.weeks_per_month
    drafts: list[Draft] = []
    billing = "per_contact"  # chats and messages priced one by one
    calls = work.weekly_contacts(Channel.PHONE) * weeks
    if calls > 0:
        wrap = (
            ctx.value("outsourced.wrap_up_minutes") if ctx.has("outsourced.wrap_up_minutes") else 0
        )
        talk = dec(round(calls * work.aht_seconds[Channel.PHONE] / 60.0, 4))
        minutes = talk + dec(round(calls, 4)) * wrap
        options: list[tuple[str, Decimal, dict[str, object], tuple[str, ...]]] = []
        packages = _packages(ctx, "minute_packages")
        if ctx.has("outsourced.per_minute"):
            per_minute = ctx.money("outsourced.per_minute")
            # A per-minute plan is not sold for less than the smallest package costs.
            least = min((price for _, _, price, _ in packages), default=Decimal(0))
            options.append(
                (
                    "per_minute",
                    max(minutes * per_minute, least),
                    {
                        "minutes": minutes,
                        "wrap_up_minutes_per_call": wrap,
                        "per_minute": per_minute,
                    },
                    ("outsourced.per_minute", "outsourced.wrap_up_minutes"),
                )
            )
        package = _package_cost(minutes, packages)
        if package is not None:
            options.append(
                (
                    "package",
                    package[1],
                    {"minutes": minutes, "wrap_up_minutes_per_call": wrap},
                    (package[0], "outsourced.wrap_up_minutes"),
                )
            )
        if not options:
            return None
        name, amount, inputs, paths = min(options, key=lambda o: o[1])
        billing = name
        drafts.append(
            draft(
                "provider_phone_minutes",
                CostCategory.PROVIDER,
                amount,
                inputs,  # type: ignore[arg-type]
                tuple(p for p in paths if p.count(".") == 2 or ctx.has(p)),
            )
        )
    chats = dec(round(work.weekly_contacts(Channel.CHAT) * weeks, 4))
    if chats > 0:
        chat_options: list[tuple[Decimal, dict[str, object], tuple[str, ...]]] = []
        if ctx.has("outsourced.per_chat"):
            per_chat = ctx.money("outsourced.per_chat")
            chat_options.append(
                (chats * per_chat, {"chats": chats, "per_chat": per_chat}, ("outsourced.per_chat",))
            )
        package = _package_cost(chats, _packages(ctx, "chat_packages"))
        if package is not None:
            chat_options.append((package[1], {"chats": chats}, (package[0],)))
        legacy = (
            "outsourced.chat_package_month",
            "outsourced.chat_package_included",
            "outsourced.chat_overage",
        )
        if all(ctx.has(path) for path in legacy):
            cost = ctx.money(legacy[0]) + max(Decimal(0), chats - ctx.value(legacy[1])) * ctx.money(
                legacy[2]
            )
            chat_options.append((cost, {"chats": chats}, legacy))
        if not chat_options:
            return None
        amount, inputs, paths = min(chat_options, key=lambda o: o[0])
        drafts.append(draft("provider_chats", CostCategory.PROVIDER, amount, inputs, paths))  # type: ignore[arg-type]
    messages = dec(
        round(
            (work.weekly_contacts(Channel.EMAIL) + work.weekly_contacts(Channel.SOCIAL)) * weeks, 4
        )
    )
    if messages > 0:
        if not ctx.has("outsourced.per_email"):
            return None
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
    return drafts, billing


def _base_fee_bill(work: Workload, ctx: PricingContext) -> list[Draft] | None:
    if not (ctx.has("outsourced.per_contact") and ctx.has("outsourced.base_fee_month")):
        return None
    contacts = dec(round(work.weekly_first_contacts * ctx.weeks_per_month, 4))
    base = ctx.money("outsourced.base_fee_month")
    per = ctx.money("outsourced.per_contact")
    return [
        draft(
            "provider_base_fee",
            CostCategory.PROVIDER,
            base,
            {"per_month": base},
            ("outsourced.base_fee_month",),
        ),
        draft(
            "provider_contacts",
            CostCategory.PROVIDER,
            contacts * per,
            {"contacts": contacts, "per_contact": per},
            ("outsourced.per_contact",),
        ),
    ]


def _it_bills(work: Workload, ctx: PricingContext, users: Decimal) -> dict[str, list[Draft]]:
    found: dict[str, list[Draft]] = {}
    if ctx.has("outsourced.it_per_user_month") and users > 0:
        per_user = ctx.money("outsourced.it_per_user_month")
        found["per_user"] = [
            draft(
                "provider_it_users",
                CostCategory.PROVIDER,
                users * per_user,
                {"users": users, "per_user": per_user},
                ("outsourced.it_per_user_month",),
            )
        ]
    if ctx.has("outsourced.it_per_ticket"):
        tickets = dec(round(work.weekly_first_contacts * ctx.weeks_per_month, 4))
        per_ticket = ctx.money("outsourced.it_per_ticket")
        found["per_ticket"] = [
            draft(
                "provider_it_tickets",
                CostCategory.PROVIDER,
                tickets * per_ticket,
                {"tickets": tickets, "per_ticket": per_ticket},
                ("outsourced.it_per_ticket",),
            )
        ]
    return found


def shared_quote(work: Workload, dest: Destination, *, users: Decimal) -> ProviderQuote | None:
    """Pay-per-use for ``work`` at ``dest`` (None when its providers price none of it)."""
    if work.empty or work.weekly_first_contacts <= _EPS:
        return None
    ctx = dest.ctx
    bills: dict[str, list[Draft]] = {}
    if ctx.it:
        bills.update(_it_bills(work, ctx, users))
    if not bills:
        by_channel = _channel_bill(work, ctx)
        if by_channel is not None:
            bills[by_channel[1]] = by_channel[0]
        base_fee = _base_fee_bill(work, ctx)
        if base_fee is not None:
            bills["base_fee"] = base_fee
    if not bills:
        return None
    billing, chosen, totals = _cheapest_bill(bills, work, ctx, dedicated=False)
    return ProviderQuote(
        kind="shared",
        destination=dest.code,
        location=dest.location,
        billing=billing,
        drafts=_cited(chosen, ctx),
        fte=0.0,
        equivalent_fte=work.busy_fte,
        sellable=True,
        alternatives=totals,
        **_facts(work, ctx, chosen),  # type: ignore[arg-type]
    )


def commission_quote(
    work: Workload, dest: Destination, value_per_success: Decimal
) -> ProviderQuote | None:
    """Commission on successful outcomes (billing model 4): only with a value per success."""
    ctx = dest.ctx
    if not ctx.has("outsourced.commission_rate"):
        return None
    contacts = dec(round(work.weekly_first_contacts * ctx.weeks_per_month, 4))
    rate = ctx.value("outsourced.commission_rate")
    success = ctx.value("planning.success_rate")
    bill = [
        draft(
            "provider_commission",
            CostCategory.PROVIDER,
            contacts * success * value_per_success * rate,
            {
                "contacts": contacts,
                "success_rate": success,
                "value_per_success": value_per_success,
                "commission_rate": rate,
            },
            ("outsourced.commission_rate", "planning.success_rate"),
        )
    ]
    drafts = (*bill, *_client_side(drafts_total(bill), ctx, dedicated=False))
    return ProviderQuote(
        kind="shared",
        destination=dest.code,
        location=dest.location,
        billing="commission",
        drafts=_cited(drafts, ctx),
        fte=0.0,
        equivalent_fte=work.busy_fte,
        sellable=False,  # listed, never chosen on its own
        notes=("note.commission_outbound",),
    )


def quotes(
    work: Workload,
    destinations: Sequence[Destination],
    *,
    users: Decimal,
    value_per_success: Decimal | None = None,
) -> list[ProviderQuote]:
    """Every destination's dedicated and shared quote (where it prices them), cheapest first."""
    found: list[ProviderQuote] = []
    for dest in destinations:
        for quote in (dedicated_quote(work, dest), shared_quote(work, dest, users=users)):
            if quote is not None:
                found.append(quote)
        if value_per_success is not None:
            commission = commission_quote(work, dest, value_per_success)
            if commission is not None:
                found.append(commission)
    return sorted(found, key=_order)


def _order(quote: ProviderQuote) -> tuple[Decimal, int, str, int]:
    return (
        quote.total,
        0 if quote.kind == "dedicated" else 1,
        quote.destination,
        BILLING_MODELS.index(quote.billing),
    )


@dataclass(frozen=True, slots=True)
class Choice:
    quote: ProviderQuote
    reason: str  # template key of why this is the option shown


def choose(
    options: Sequence[ProviderQuote],
    kind: OutsourcingKind,
    destination: str | None,
    served: Iterable[str],
) -> Choice | None:
    """What ``models.outsourced`` shows (see the module docs); ``served``: destinations whose
    providers serve every language (the onshore one always counts)."""
    allowed = set(served)
    pool = [
        q
        for q in options
        if q.billing != "commission"
        and (q.destination == destination if destination else q.destination in allowed)
    ]
    if not pool:
        return None
    dedicated = [q for q in pool if q.kind == "dedicated"]
    shared = [q for q in pool if q.kind == "shared"]
    if kind is OutsourcingKind.DEDICATED and dedicated:
        return Choice(min(dedicated, key=_order), "choice.user_dedicated")
    if kind is OutsourcingKind.SHARED and shared:
        return Choice(min(shared, key=_order), "choice.user_shared")
    if any(q.sellable for q in dedicated) or not shared:
        # The work fills some provider's minimum dedicated seats: a provider would sell
        # dedicated agents (the cheapest, even where a minimum is billed).
        best = min(dedicated, key=_order)
        reason = "choice.dedicated_fills_minimum" if best.sellable else "choice.dedicated_minimum"
        return Choice(best, reason if shared else "choice.dedicated_only")
    # Below every minimum: pay-per-use, unless paying a provider's minimum seats costs less.
    best = min([*shared, *dedicated], key=_order)
    if best.kind == "dedicated":
        return Choice(best, "choice.dedicated_minimum")
    return Choice(best, "choice.shared_below_minimum")


def cheapest_quote(
    work: Workload,
    destinations: Sequence[Destination],
    *,
    users: Decimal,
    destination: str | None,
) -> ProviderQuote | None:
    """The cheapest sellable-or-not quote for part of the work (partial outsourcing): the
    buyer takes whichever costs less, so the part's cost never falls as it grows.

    Only the :data:`SHORTLIST` destinations with the lowest hourly rate are asked for
    dedicated agents, and those with the lowest per-minute (or per-message) price for
    pay-per-use: a part of the work is bought where the whole would be cheapest per unit. The
    shortlist depends on the cards alone, never on the volume, so the part's cost still never
    falls as it grows.
    """
    served = [d for d in destinations if d.serves_languages or d.location == "onshore"]
    if destination:
        served = [d for d in destinations if d.code == destination] or served
    found: list[ProviderQuote] = []
    for dest in sorted(served, key=_hourly_key)[:SHORTLIST]:
        quote = dedicated_quote(work, dest)
        if quote is not None:
            found.append(quote)
    for dest in sorted(served, key=_per_use_key)[:SHORTLIST]:
        quote = shared_quote(work, dest, users=users)
        if quote is not None:
            found.append(quote)
    return min(found, key=_order) if found else None


#: Destinations a part of the work is quoted at, for each kind of outsourcing.
SHORTLIST = 2


def _hourly_key(dest: Destination) -> tuple[Decimal, str]:
    return dest.ctx.agent_rate(), dest.code


def _per_use_key(dest: Destination) -> tuple[Decimal, str]:
    ctx = dest.ctx
    for path in ("outsourced.per_minute", "outsourced.per_email", "outsourced.per_contact"):
        if ctx.has(path):
            return ctx.money(path), dest.code
    return Decimal("Infinity"), dest.code
