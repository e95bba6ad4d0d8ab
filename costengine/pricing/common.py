"""What every pricing function shares: the workload a party delivers, and how items are made.

Why a :class:`Workload` and not the staffing plan itself: partial outsourcing prices *parts*
of one plan (the business hours, the primary language, the hours below the own team's
capacity) with the very same in-house, hosted and outsourced functions. A workload is the
plan's hourly agents and contacts per pool, and it splits cleanly (:meth:`Workload.split`)
into two workloads that add up to the original, hour by hour.

Money: every figure is converted to the result currency unrounded
(:meth:`PricingContext.money`) and each :class:`~costengine.results.LineItem` is rounded to
cents once (:func:`line_item`); a model's total is the sum of its rounded items
(:func:`model_cost`), so the items always add up to the total exactly.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import NamedTuple

from costengine.money import FxTable, cents, total_of
from costengine.ratecard import RateCard
from costengine.results import CostCategory, LineItem, ModelCost, SourceRef
from costengine.scenario import Channel, DeliveryModel, Scenario, SupportKind
from costengine.staffing.plan import StaffingPlan

__all__ = [
    "HOURS_PER_WEEK",
    "LABELS",
    "Draft",
    "PricingContext",
    "Workload",
    "dec",
    "draft",
    "drafts_total",
    "fmt",
    "line_item",
    "model_cost",
]

HOURS_PER_WEEK = 168
_ZERO = Decimal(0)
_ZERO_CENTS = Decimal("0.00")
_EPS = 1e-9
_WEEKEND = tuple(hour // 24 >= 5 for hour in range(168))

#: English labels of the stable line-item keys (templates translate by key).
LABELS: Mapping[str, str] = MappingProxyType(
    {
        "agent_salaries": "Agent salaries incl. employer on-costs",
        "shift_premiums": "Night and weekend shift premiums",
        "language_premium": "Language premium for non-local languages",
        "team_leads": "Team leads",
        "supervision_share": "Supervision: a share of a working lead's or the owner's time",
        "qa_wfm": "Quality, workforce management and training staff",
        "recruiting": "Recruiting to replace attrition",
        "training_ramp_up": "Training and ramp-up of new hires",
        "workspace_it": "Office space and desk per seat",
        "devices": "Laptops and headsets",
        "helpdesk_software": "Help-desk software subscriptions",
        "voip_seats": "Cloud phone (VoIP) seats",
        "support_software": "Support software licences",
        "platform_seats": "Hosted contact-centre platform seats",
        "telephony_minutes": "Inbound telephony minutes",
        "telephony_numbers": "Phone numbers",
        "platform_build": "Platform build, amortised",
        "platform_run": "Platform running fee",
        "maintenance": "Platform maintenance and upgrades",
        "provider_agent_hours": "Provider agent-hours",
        "provider_after_hours": "Provider night and weekend surcharge",
        "provider_language_premium": "Provider language premium",
        "provider_phone_minutes": "Provider phone minutes",
        "provider_chats": "Provider chats",
        "provider_emails": "Provider emails and messages",
        "provider_seats": "Provider dedicated seats",
        "provider_base_fee": "Provider monthly base fee",
        "provider_contacts": "Provider fee per contact",
        "provider_commission": "Provider commission on successful outcomes",
        "provider_it_users": "Provider IT help desk per user",
        "provider_it_tickets": "Provider IT help desk per ticket",
        "provider_setup": "Provider setup and transition fee, amortised",
        "vendor_management": "Your vendor-management time",
    }
)


def dec(value: float | int | Decimal) -> Decimal:
    """A float as the Decimal of its shortest repr: deterministic, no binary noise digits."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def fmt(value: float | int | Decimal) -> str:
    """A short, stable text form for ``LineItem.inputs`` (never exponent notation)."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        if value.as_tuple().exponent < -6:  # type: ignore[operator]
            value = round(value, 6)
        return format(value.normalize(), "f")
    if isinstance(value, int):
        return str(value)
    return format(value, ".6g")


@dataclass(frozen=True)
class Workload:
    """The work one party delivers, as the staffing plan sees it (average week).

    ``present``: people on shift per hour (floors, break cover and deferrable extras
    included); ``busy``: agent-hours of work per hour; ``contacts``: first contacts per week by
    channel and ``aht_seconds`` their handle time; ``speaker_hours``: per language, the weekly
    on-shift hours of the speakers it requires (the language premium's base);
    ``tier_hours``: weekly busy hours per support tier (IT pay differs by tier);
    ``fte_divisor``: paid hours per FTE x (1 - absence), so ``fte = present hours / divisor``.
    A part of the work (partial outsourcing) is a workload too: either re-planned on its own
    (its own floors) or an hour-by-hour share of this one (:meth:`split`).
    """

    present: tuple[float, ...]
    busy: tuple[float, ...]
    contacts: Mapping[Channel, float]
    aht_seconds: Mapping[Channel, float]
    speaker_hours: Mapping[str, float]
    languages: tuple[tuple[str, float], ...]
    tier_hours: Mapping[int, float]
    fte_divisor: float
    floor_hours: float = 0.0  # live on-shift hours set by the coverage floor
    open_hours: float = 0.0

    @classmethod
    def from_plan(cls, plan: StaffingPlan) -> Workload:
        contacts: dict[Channel, float] = {}
        aht: dict[Channel, float] = {}
        for stream in plan.streams:
            if stream.channel is not None:
                contacts[stream.channel] = contacts.get(stream.channel, 0.0) + stream.weekly
                aht[stream.channel] = stream.aht_seconds
        inputs = plan.inputs
        live = [team for team in plan.teams if team.live]
        return cls(
            present=plan.present,
            busy=plan.busy,
            contacts=MappingProxyType(contacts),
            aht_seconds=MappingProxyType(aht),
            speaker_hours=MappingProxyType(dict(plan.speaker_hours)),
            languages=inputs.languages,
            tier_hours=MappingProxyType(plan.tier_busy_hours()),
            fte_divisor=inputs.paid_hours_per_fte_week * (1.0 - inputs.absence_share),
            floor_hours=float(sum(team.floor_hours for team in live)),
            open_hours=float(sum(1 for is_open in plan.teams[0].open_mask if is_open))
            if plan.teams
            else 0.0,
        )

    @cached_property
    def present_hours(self) -> float:
        """People-on-shift hours per average week."""
        return math.fsum(self.present)

    @cached_property
    def busy_hours(self) -> float:
        return math.fsum(self.busy)

    @property
    def empty(self) -> bool:
        return self.present_hours <= _EPS and self.busy_hours <= _EPS

    @cached_property
    def fte(self) -> float:
        """Rostered FTE (own or a provider's dedicated agents)."""
        return self.present_hours / self.fte_divisor

    @cached_property
    def busy_fte(self) -> float:
        """The FTE the work itself would occupy with no idle time: shared capacity."""
        return self.busy_hours / self.fte_divisor

    @cached_property
    def occupancy(self) -> float:
        if self.present_hours <= _EPS:
            return 0.0
        return min(1.0, self.busy_hours / self.present_hours)

    @cached_property
    def peak_agents(self) -> float:
        return max(self.present, default=0.0)

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.languages)

    def weekly_contacts(self, channel: Channel) -> float:
        return self.contacts.get(channel, 0.0)

    @cached_property
    def weekly_first_contacts(self) -> float:
        return math.fsum(self.contacts.values())

    @cached_property
    def weekly_handle_minutes(self) -> float:
        """Minutes of handle time per week (chat at its full handle time)."""
        return math.fsum(
            count * self.aht_seconds[channel] / 60.0 for channel, count in self.contacts.items()
        )

    def phone_languages(self) -> tuple[str, ...]:
        return self.language_codes if self.weekly_contacts(Channel.PHONE) > 0 else ()

    def split(self, kept_share: Sequence[float]) -> tuple[Workload, Workload]:
        """Two workloads adding up to this one hour by hour: the kept share of each hour's
        people and work, and the rest (contacts and speakers follow the busy hours)."""
        kept_present = tuple(map(operator.mul, self.present, kept_share))
        kept_busy = tuple(map(operator.mul, self.busy, kept_share))
        busy = self.busy_hours
        kept_ratio = math.fsum(kept_busy) / busy if busy > _EPS else 1.0
        return (
            self._part(kept_present, kept_busy, kept_ratio),
            self._part(
                tuple(map(operator.sub, self.present, kept_present)),
                tuple(map(operator.sub, self.busy, kept_busy)),
                1.0 - kept_ratio,
            ),
        )

    def _part(self, present: tuple[float, ...], busy: tuple[float, ...], ratio: float) -> Workload:
        return replace(
            self,
            present=present,
            busy=busy,
            contacts=MappingProxyType({ch: n * ratio for ch, n in self.contacts.items()}),
            speaker_hours=MappingProxyType(
                {lang: hours * ratio for lang, hours in self.speaker_hours.items()}
            ),
            tier_hours=MappingProxyType({t: h * ratio for t, h in self.tier_hours.items()}),
        )


@dataclass
class PricingContext:
    """Everything prices depend on besides the workload; built once per estimate and card.

    Converted money and source references are kept per entry: an estimate prices parts of a
    plan many times (partial splits, destinations, sensitivity).
    """

    card: RateCard
    fx: FxTable
    currency: str
    scenario: Scenario
    weeks_per_month: float
    shrinkage: float
    paid_hours_per_fte_week: float
    #: Hours to add to the customer's local week to get the card's local week: a provider
    #: abroad pays its night premium on *its* nights (0 for the customer's own region).
    shift_hours: int = 0
    _values: dict[str, Decimal | None] = field(default_factory=dict)
    _money: dict[str, Decimal] = field(default_factory=dict)
    _refs: dict[str, SourceRef] = field(default_factory=dict)
    _masks: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    _rows: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def at(self, card: RateCard, shift_hours: int) -> PricingContext:
        """The same estimate priced with another region's card (an outsourcing destination)."""
        return PricingContext(
            card=card,
            fx=self.fx,
            currency=self.currency,
            scenario=self.scenario,
            weeks_per_month=self.weeks_per_month,
            shrinkage=self.shrinkage,
            paid_hours_per_fte_week=self.paid_hours_per_fte_week,
            shift_hours=shift_hours,
        )

    @property
    def it(self) -> bool:
        return self.scenario.kind is SupportKind.IT_HELPDESK

    def _typical(self, path: str) -> Decimal | None:
        """An entry's typical value, or None when the card lacks the optional entry (kept:
        an estimate prices the same entries many times)."""
        try:
            return self._values[path]
        except KeyError:
            entry = self.card.get(path)
            found = self._values[path] = None if entry is None else entry.typical
            return found

    def has(self, path: str) -> bool:
        return self._typical(path) is not None

    def value(self, path: str) -> Decimal:
        """An entry's typical value in its own unit (KeyError when the card lacks it)."""
        found = self._typical(path)
        if found is None:
            raise KeyError(f"rate card {self.card.code} has no {path}")
        return found

    def money(self, path: str) -> Decimal:
        """A money entry's typical value in the result currency (unrounded)."""
        found = self._money.get(path)
        if found is None:
            entry = self.card.entry(path)
            if entry.currency is None:
                raise ValueError(f"{path} is not a money entry ({entry.unit})")
            found = self._money[path] = self.fx.convert(
                entry.typical, entry.currency, self.currency
            )
        return found

    def ref(self, path: str) -> SourceRef:
        found = self._refs.get(path)
        if found is None:
            found = self._refs[path] = self.card.ref(path)
        return found

    # --- derived conventions ---------------------------------------------------------------

    def fte(self, work: Workload) -> float:
        """Rostered FTE of a workload (people on shift, absence covered)."""
        return work.fte

    def heads(self, work: Workload) -> int:
        """People on the roster (full-time): the FTE rounded up."""
        return math.ceil(work.fte - _EPS) if not work.empty else 0

    def seats(self, work: Workload) -> int:
        """Desks: people on shift at the busiest hour, never more than the head count.

        Shift work (extended hours, 24/7) shares desks between shifts; a one-shift desk has a
        desk per person.
        """
        if work.empty:
            return 0
        return max(1, math.ceil(min(work.fte, work.peak_agents) - _EPS))

    def salary_path(self) -> tuple[str, ...]:
        """Rate-card entries that set an agent's monthly salary for this kind of support."""
        if self.it and self.has("inhouse.agent_salary_month_it"):
            return ("inhouse.agent_salary_month_it",)
        if self.it:
            return ("inhouse.agent_salary_month", "inhouse.it_salary_multiplier")
        return ("inhouse.agent_salary_month",)

    def salary(self) -> Decimal:
        paths = self.salary_path()
        found = self.money(paths[0])
        for path in paths[1:]:
            found *= self.value(path)
        return found

    def lead_span_path(self) -> str:
        return "inhouse.lead_span_it" if self.it else "inhouse.lead_span"

    def agent_rate_path(self) -> tuple[str, ...]:
        if self.it and self.has("outsourced.agent_hour_it"):
            return ("outsourced.agent_hour_it",)
        if self.it:
            return ("outsourced.agent_hour", "outsourced.it_rate_multiplier")
        return ("outsourced.agent_hour",)

    def agent_rate(self) -> Decimal:
        paths = self.agent_rate_path()
        found = self.money(paths[0])
        for path in paths[1:]:
            found *= self.value(path)
        return found

    def base_language(self, language: str) -> bool:
        return language in self.card.region.languages

    def night_mask(self) -> tuple[bool, ...]:
        """The customer's week hours that are night where the card's people work."""
        found = self._masks.get("night")
        if found is None:
            found = self._masks["night"] = _night_row(
                int(self.value("planning.night_start_hour")),
                int(self.value("planning.night_end_hour")),
                self.shift_hours,
            )
        return found

    def weekend_mask(self) -> tuple[bool, ...]:
        """The customer's week hours that fall on the card's local weekend."""
        if not self.shift_hours:
            return _WEEKEND
        found = self._masks.get("weekend")
        if found is None:
            shift = self.shift_hours
            found = self._masks["weekend"] = tuple(
                _WEEKEND[(hour + shift) % HOURS_PER_WEEK] for hour in range(HOURS_PER_WEEK)
            )
        return found

    def after_hours_uplift(self) -> tuple[float, ...]:
        """Per week hour, what a provider adds to its hourly rate as a share of it: the night
        or weekend multiplier (the higher one when both apply) minus one, 0.0 by day."""
        found = self._rows.get("uplift")
        if found is None:
            found = self._rows["uplift"] = _uplift_row(
                float(self.value("outsourced.night_multiplier")),
                float(self.value("outsourced.weekend_multiplier")),
                int(self.value("planning.night_start_hour")),
                int(self.value("planning.night_end_hour")),
                self.shift_hours,
            )
        return found


@lru_cache(maxsize=256)
def _night_row(start: int, end: int, shift: int) -> tuple[bool, ...]:
    """The week hours that are night (``start``–``end`` local) ``shift`` hours ahead."""
    return tuple(
        ((hour + shift) % 24 >= start or (hour + shift) % 24 < end)
        for hour in range(HOURS_PER_WEEK)
    )


@lru_cache(maxsize=256)
def _uplift_row(
    night_mult: float, weekend_mult: float, start: int, end: int, shift: int
) -> tuple[float, ...]:
    """The after-hours uplift of each week hour (see ``after_hours_uplift``): a function of
    a few numbers, the same for every estimate that prices the same destination."""
    rows = []
    for hour in range(HOURS_PER_WEEK):
        local = hour + shift
        night = local % 24 >= start or local % 24 < end
        weekend = _WEEKEND[local % HOURS_PER_WEEK]
        rows.append(max(night_mult if night else 1.0, weekend_mult if weekend else 1.0) - 1.0)
    return tuple(rows)


class Draft(NamedTuple):
    """A line item before it becomes a pydantic :class:`LineItem`: cheap to make and compare.

    Partial outsourcing prices a dozen candidate parts and keeps one; only the winner's
    drafts are turned into validated line items (:func:`model_cost`). An estimate with its
    what-ifs makes thousands, so a named tuple (immutable, and made in a third of the time a
    frozen dataclass takes).
    """

    key: str
    category: CostCategory
    amount: Decimal  # per month, result currency, rounded to cents
    inputs: Mapping[str, float | int | Decimal | str]
    sources: tuple[str, ...]  # rate-card paths, e.g. "inhouse.agent_salary_month"
    #: The card the paths belong to when it is not the estimate's own (a provider abroad).
    card: RateCard | None = None


def draft(
    key: str,
    category: CostCategory,
    amount: Decimal,
    inputs: Mapping[str, float | int | Decimal | str],
    sources: Iterable[str],
) -> Draft:
    """A monthly draft line item, rounded to cents once, here."""
    if key not in LABELS:
        raise KeyError(f"no label for line item {key!r}")
    return Draft(key, category, cents(amount), inputs, tuple(dict.fromkeys(sources)))


def drafts_total(drafts: Iterable[Draft]) -> Decimal:
    """What :func:`model_cost` will report as the total: the sum of the rounded amounts.

    The same figure as :func:`~costengine.money.total_of` without its per-item rounding
    check: a draft's amount is rounded to cents when it is made (:func:`draft` is the only
    maker), and candidates are totalled many times over.
    """
    return sum((item.amount for item in drafts), _ZERO_CENTS)


def line_item(ctx: PricingContext, item: Draft) -> LineItem:
    return LineItem(
        key=item.key,
        label=LABELS[item.key],
        category=item.category,
        amount=item.amount,
        currency=ctx.currency,
        inputs={
            name: value if isinstance(value, str) else fmt(value)
            for name, value in item.inputs.items()
        },
        sources=tuple(
            ctx.ref(path) if item.card is None or item.card is ctx.card else item.card.ref(path)
            for path in item.sources
        ),
    )


def model_cost(
    model: DeliveryModel,
    ctx: PricingContext,
    drafts: Iterable[Draft],
    fte: float,
    *,
    split: str | None = None,
    notes: Iterable[str] = (),
    candidates: Mapping[str, Decimal] | None = None,
    billing: str | None = None,
) -> ModelCost:
    """A model's cost: zero items dropped, total = the sum of the rounded items."""
    items = tuple(line_item(ctx, item) for item in drafts if item.amount != _ZERO)
    return ModelCost(
        model=model,
        monthly_total=total_of(item.amount for item in items),
        currency=ctx.currency,
        fte=dec(round(fte, 2)),
        line_items=items,
        split=split,
        notes=tuple(notes),
        candidates=dict(candidates or {}),
        billing=billing,
    )
