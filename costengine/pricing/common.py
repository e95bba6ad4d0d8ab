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
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Generic, NamedTuple, Protocol, TypeVar, cast, overload

from costengine.money import FxTable, cents, total_of
from costengine.ratecard import RateCard
from costengine.results import CostCategory, LineItem, ModelCost, SourceRef
from costengine.scenario import Channel, DeliveryModel, Scenario, SupportKind

__all__ = [
    "HOURS_PER_WEEK",
    "LABELS",
    "Draft",
    "IdentityMemo",
    "PoolLike",
    "PoolWork",
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
_T = TypeVar("_T")
_ZERO = Decimal(0)
_ZERO_CENTS = Decimal("0.00")
_EPS = 1e-9
_ABSENT = Decimal("NaN")  # cache marker for an optional entry the card does not have
_WEEKEND = tuple(hour // 24 >= 5 for hour in range(168))

#: English labels of the stable line-item keys (templates translate by key).
LABELS: Mapping[str, str] = MappingProxyType(
    {
        "agent_salaries": "Agent salaries incl. employer on-costs",
        "shift_premiums": "Night and weekend shift premiums",
        "language_premium": "Language premium for non-local languages",
        "team_leads": "Team leads",
        "qa_wfm": "Quality, workforce management and training staff",
        "recruiting": "Recruiting to replace attrition",
        "training_ramp_up": "Training and ramp-up of new hires",
        "workspace_it": "Workspace and desk IT per seat",
        "support_software": "Support software licences",
        "platform_seats": "Hosted contact-centre platform seats",
        "telephony_minutes": "Inbound telephony minutes",
        "telephony_numbers": "Phone numbers",
        "platform_build": "Platform build, amortised",
        "platform_run": "Platform running fee",
        "maintenance": "Platform maintenance and upgrades",
        "provider_agent_hours": "Provider agent-hours",
        "provider_shared_hours": "Provider shared agent-hours (busy time at pooled occupancy)",
        "provider_after_hours": "Provider night and weekend surcharge",
        "provider_language_premium": "Provider language premium",
        "provider_phone_minutes": "Provider phone minutes",
        "provider_chats": "Provider chats",
        "provider_emails": "Provider emails and messages",
        "provider_seats": "Provider dedicated seats",
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


_O = TypeVar("_O")
_V = TypeVar("_V")


class _memo(Generic[_O, _V]):
    """``functools.cached_property`` without its lock.

    Python 3.11 takes a lock on every first use, which costs more than most of the sums kept
    here (an estimate with its what-ifs makes thousands of workloads). The values are pure
    functions of immutable data, so a race could only work one out twice.
    """

    def __init__(self, func: Callable[[_O], _V]) -> None:
        self._func = func
        self._name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type[_O], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type[_O]) -> _memo[_O, _V]: ...

    @overload
    def __get__(self, instance: _O, owner: type[_O]) -> _V: ...

    def __get__(self, instance: _O | None, owner: type[_O]) -> _memo[_O, _V] | _V:
        if instance is None:
            return self
        value = self._func(instance)
        # Straight into the instance's dict, as cached_property does (frozen or not).
        vars(instance)[self._name] = value
        return value


class PoolLike(Protocol):
    """What pricing reads from a staffing pool (``costengine.staffing.plan.HourlyPool``)."""

    @property
    def language(self) -> str: ...
    @property
    def channels(self) -> tuple[Channel, ...]: ...
    @property
    def live(self) -> bool: ...
    @property
    def contacts(self) -> Sequence[float]: ...
    @property
    def agents(self) -> Sequence[float]: ...
    @property
    def erlangs(self) -> Sequence[float]: ...


@dataclass(frozen=True)
class PoolWork:
    """One pool's share of the work: scheduled agents and arriving contacts per week hour."""

    language: str
    live: bool
    channel_shares: Mapping[Channel, float]  # share of the pool's contacts per channel
    agents: tuple[float, ...]  # scheduled agents (floors included), 168 hours
    contacts: tuple[float, ...]  # contacts arriving, 168 hours of the average week
    busy: tuple[float, ...]  # agent-hours of work arriving (Erlangs), 168 hours

    @_memo
    def agent_hours(self) -> float:
        return math.fsum(self.agents)

    @_memo
    def weekly_contacts(self) -> float:
        return math.fsum(self.contacts)

    @_memo
    def busy_hours(self) -> float:
        """Agent-hours of work arriving in the average week."""
        return math.fsum(self.busy)


@dataclass(frozen=True)
class Workload:
    """The work one party delivers: pools of hourly agents and contacts (average week)."""

    pools: tuple[PoolWork, ...]
    aht_seconds: Mapping[Channel, float]
    _splits: dict[Hashable, tuple[Workload, Workload]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _contacts: dict[Channel, float] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_pools(
        cls,
        pools: Iterable[PoolLike],
        *,
        channel_volumes: Mapping[Channel, float],
        aht_seconds: Mapping[Channel, float],
    ) -> Workload:
        """Build from staffing pools; a multi-channel pool splits contacts by channel volume.

        Pools that share their hourly data (every language's pools of one plan do) share it
        here too, so that :meth:`split` works each distinct pool out once.
        """
        floats = IdentityMemo(_floats)
        works = []
        for pool in pools:
            weights = {ch: max(0.0, float(channel_volumes.get(ch, 0.0))) for ch in pool.channels}
            total = math.fsum(weights.values())
            if total <= 0:
                shares = {ch: 1.0 / len(pool.channels) for ch in pool.channels}
            else:
                shares = {ch: weight / total for ch, weight in weights.items()}
            works.append(
                PoolWork(
                    language=pool.language,
                    live=pool.live,
                    channel_shares=MappingProxyType(shares),
                    agents=floats(pool.agents),
                    contacts=floats(pool.contacts),
                    busy=floats(pool.erlangs),
                )
            )
        return cls(pools=tuple(works), aht_seconds=MappingProxyType(dict(aht_seconds)))

    @property
    def empty(self) -> bool:
        return self.agent_hours <= _EPS

    @_memo
    def agent_hours(self) -> float:
        """Scheduled agent-hours per average week (before shrinkage)."""
        return math.fsum(pool.agent_hours for pool in self.pools)

    @_memo
    def hourly_agents(self) -> tuple[float, ...]:
        """Scheduled agents per hour of the week, all pools together."""
        return _hour_sums([pool.agents for pool in self.pools])

    @_memo
    def hourly_busy(self) -> tuple[float, ...]:
        """Agent-hours of work arriving in each hour of the week, all pools together."""
        return _hour_sums([pool.busy for pool in self.pools])

    @_memo
    def occupancy(self) -> float:
        """Share of scheduled agent-hours spent on work (the rest is waiting, floors included)."""
        if self.empty:
            return 0.0
        busy = math.fsum(pool.busy_hours for pool in self.pools)
        return min(1.0, busy / self.agent_hours)

    @_memo
    def peak_agents(self) -> float:
        return max(self.hourly_agents, default=0.0)

    @_memo
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(pool.language for pool in self.pools))

    def weekly_contacts(self, channel: Channel) -> float:
        """Contacts of ``channel`` in the average week (kept: several bills ask)."""
        found = self._contacts.get(channel)
        if found is None:
            found = self._contacts[channel] = math.fsum(
                pool.weekly_contacts * pool.channel_shares.get(channel, 0.0) for pool in self.pools
            )
        return found

    def phone_languages(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                pool.language
                for pool in self.pools
                if pool.channel_shares.get(Channel.PHONE, 0.0) > 0 and pool.weekly_contacts > 0
            )
        )

    def split_once(
        self, rule: Hashable, share: Callable[[PoolWork], float | Sequence[float]]
    ) -> tuple[Workload, Workload]:
        """:meth:`split`, kept with this workload under ``rule`` (which must name the share
        function exactly): an estimate prices the same plan under several rate cards (the
        sensitivity table), and the parts keep their own derived figures too."""
        found = self._splits.get(rule)
        if found is None:
            found = self._splits[rule] = self.split(share)
        return found

    def split(
        self, share: Callable[[PoolWork], float | Sequence[float]]
    ) -> tuple[Workload, Workload]:
        """Two workloads that add up to this one, hour by hour: kept and given out.

        ``share(pool)`` is the kept share of the pool: one number for the whole pool (1 keeps
        it, 0 gives it out) or 168 numbers in [0, 1], one per hour of the week.
        """
        kept: list[PoolWork] = []
        given: list[PoolWork] = []
        # The same rows under the same shares (every language's pools) are split once.
        products = IdentityMemo(_split_row)
        for pool in self.pools:
            shares = share(pool)
            if isinstance(shares, int | float):
                if shares >= 1:
                    kept.append(pool)
                    continue
                if shares <= 0:
                    given.append(pool)
                    continue
                shares = (float(shares),) * HOURS_PER_WEEK
            if len(shares) != HOURS_PER_WEEK:
                raise ValueError("a split needs one share per hour of the week")
            rows = (pool.agents, pool.contacts, pool.busy)
            parts = [products(row, shares) for row in rows]
            kept.append(_part(pool, *(part for part, _ in parts)))
            given.append(_part(pool, *(rest for _, rest in parts)))
        return (
            Workload(tuple(p for p in kept if p.agent_hours > _EPS), self.aht_seconds),
            Workload(tuple(p for p in given if p.agent_hours > _EPS), self.aht_seconds),
        )


class IdentityMemo(Generic[_T]):
    """Results of ``make`` per argument objects, by identity, for one pass over some pools.

    Identity, not equality: comparing 168 floats would cost what it saves. The arguments
    are kept referenced, so no id is reused while the memo lives; keep it short-lived.
    """

    def __init__(self, make: Callable[..., _T]) -> None:
        self._make = make
        self._known: dict[tuple[int, ...], tuple[tuple[object, ...], _T]] = {}

    def __call__(self, *args: object) -> _T:
        key = tuple(map(id, args))
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = (args, self._make(*args))
        return found[1]


def _hour_sums(rows: Sequence[Sequence[float]]) -> tuple[float, ...]:
    """Hour-by-hour ``math.fsum`` of the pools' rows (168 hours of agents or work, >= 0).

    ``fsum`` of one value is the value, of two their correctly rounded sum, which is what
    one float addition gives (only a -0.0 could tell them apart, and no row holds one):
    one- and two-pool workloads (one language) skip ``fsum`` with the very same result.
    """
    if not rows:
        return (0.0,) * HOURS_PER_WEEK
    if len(rows) == 1:
        return tuple(map(float, rows[0]))
    if len(rows) == 2:
        return tuple(map(operator.add, rows[0], rows[1]))
    return tuple(map(math.fsum, zip(*rows, strict=True)))


def _floats(row: Sequence[float]) -> tuple[float, ...]:
    return tuple(map(float, row))


def _split_row(
    row: Sequence[float], shares: Sequence[float]
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """One pool row split hour by hour: the kept share, and what is left of the row."""
    kept = tuple(map(operator.mul, row, shares))
    return kept, tuple(map(operator.sub, row, kept))


def _part(
    pool: PoolWork,
    agents: tuple[float, ...],
    contacts: tuple[float, ...],
    busy: tuple[float, ...],
) -> PoolWork:
    return PoolWork(
        language=pool.language,
        live=pool.live,
        channel_shares=pool.channel_shares,
        agents=agents,
        contacts=contacts,
        busy=busy,
    )


@dataclass(slots=True)
class PricingContext:
    """Everything prices depend on besides the workload; built once per estimate and card.

    Caches converted money and source references, so re-pricing parts of a plan (partial
    candidates, sensitivity) does not redo conversions or pydantic validation.
    """

    card: RateCard
    fx: FxTable
    currency: str
    scenario: Scenario
    weeks_per_month: float
    shrinkage: float
    paid_hours_per_fte_week: float
    _values: dict[str, Decimal] = field(default_factory=dict)
    _money: dict[str, Decimal] = field(default_factory=dict)
    _refs: dict[str, SourceRef] = field(default_factory=dict)
    _masks: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    _uplift: list[tuple[float, ...]] = field(default_factory=list)
    _derived: dict[str, Decimal] = field(default_factory=dict)  # salary, agent rate, ...
    _per_work: dict[tuple[str, int], tuple[Workload, object]] = field(default_factory=dict)

    @property
    def it(self) -> bool:
        return self.scenario.kind is SupportKind.IT_HELPDESK

    def has(self, path: str) -> bool:
        found = self._values.get(path)
        if found is None:
            entry = self.card.get(path)
            found = _ABSENT if entry is None else entry.typical
            self._values[path] = found
        return found is not _ABSENT

    def value(self, path: str) -> Decimal:
        """An entry's typical value in its own unit (KeyError when the card lacks it)."""
        found = self._values.get(path)
        if found is None or found is _ABSENT:  # not looked up yet, or absent
            if not self.has(path):
                raise KeyError(f"rate card {self.card.code} has no {path}")
            found = self._values[path]
        return found

    def money(self, path: str) -> Decimal:
        """A money entry's typical value in the result currency (unrounded)."""
        found = self._money.get(path)
        if found is None:
            entry = self.card.entry(path)
            if entry.currency is None:
                raise ValueError(f"{path} is not a money entry ({entry.unit})")
            found = self.fx.convert(entry.typical, entry.currency, self.currency)
            self._money[path] = found
        return found

    def ref(self, path: str) -> SourceRef:
        found = self._refs.get(path)
        if found is None:
            found = _source_ref(_EntryOf(self.card, path))
            self._refs[path] = found
        return found

    def per_work(self, kind: str, work: Workload, make: Callable[[], _T]) -> _T:
        """``make()``, kept for this workload under this context: in-house and hosted share
        their own-team items, and an estimate asks for both on the same plan."""
        key = (kind, id(work))
        found = self._per_work.get(key)
        if found is None or found[0] is not work:  # the workload is kept, so ids stay unique
            found = self._per_work[key] = (work, make())
        return cast(_T, found[1])

    # --- derived conventions ---------------------------------------------------------------

    def fte(self, work: Workload) -> float:
        """Rostered FTE: scheduled agent-hours / (paid hours x (1 - shrinkage))."""
        return work.agent_hours / (self.paid_hours_per_fte_week * (1.0 - self.shrinkage))

    def heads(self, work: Workload) -> int:
        """People on the roster (full-time): the FTE rounded up."""
        return math.ceil(self.fte(work) - _EPS) if not work.empty else 0

    def seats(self, work: Workload) -> int:
        """Desks: people present at the busiest hour, never more than the head count.

        ``peak scheduled agents / (1 - shrinkage)`` is everyone rostered in that hour (on the
        phones or in breaks and meetings). Shift work (extended hours, 24/7) shares desks
        between shifts; a one-shift desk has a desk per person.
        """
        if work.empty:
            return 0
        present = work.peak_agents / (1.0 - self.shrinkage)
        return max(1, math.ceil(min(self.fte(work), present) - _EPS))

    def salary_path(self) -> tuple[str, ...]:
        """Rate-card entries that set an agent's monthly salary for this kind of support."""
        if self.it and self.has("inhouse.agent_salary_month_it"):
            return ("inhouse.agent_salary_month_it",)
        if self.it:
            return ("inhouse.agent_salary_month", "inhouse.it_salary_multiplier")
        return ("inhouse.agent_salary_month",)

    def salary(self) -> Decimal:
        found = self._derived.get("salary")
        if found is None:
            paths = self.salary_path()
            found = self.money(paths[0])
            for path in paths[1:]:
                found *= self.value(path)
            self._derived["salary"] = found
        return found

    def loaded_salary(self) -> Decimal:
        found = self._derived.get("loaded_salary")
        if found is None:
            found = self._derived["loaded_salary"] = self.salary() * (
                1 + self.value("inhouse.employer_load")
            )
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
        found = self._derived.get("agent_rate")
        if found is None:
            paths = self.agent_rate_path()
            found = self.money(paths[0])
            for path in paths[1:]:
                found *= self.value(path)
            self._derived["agent_rate"] = found
        return found

    def base_language(self, language: str) -> bool:
        return language in self.card.region.languages

    def night_mask(self) -> tuple[bool, ...]:
        found = self._masks.get("night")
        if found is None:
            start = int(self.value("planning.night_start_hour"))
            end = int(self.value("planning.night_end_hour"))
            found = tuple((hour % 24 >= start or hour % 24 < end) for hour in range(HOURS_PER_WEEK))
            self._masks["night"] = found
        return found

    def weekend_mask(self) -> tuple[bool, ...]:
        return _WEEKEND

    def after_hours_uplift(self) -> tuple[float, ...]:
        """Per week hour, what a provider adds to its hourly rate as a share of it: the night
        or weekend multiplier (the higher one when both apply) minus one, 0.0 by day."""
        if not self._uplift:
            night_mult = float(self.value("outsourced.night_multiplier"))
            weekend_mult = float(self.value("outsourced.weekend_multiplier"))
            self._uplift.append(
                tuple(
                    max(night_mult if night else 1.0, weekend_mult if weekend else 1.0) - 1.0
                    for night, weekend in zip(self.night_mask(), _WEEKEND, strict=True)
                )
            )
        return self._uplift[0]


class _EntryOf:
    """A card's entry as a cache key: the card's code, the path and the entry object itself.

    By identity, as comparing a validated entry field by field costs about what the cached
    reference saves; the key holds the entry, so its id is not reused while it is cached.
    """

    __slots__ = ("_hash", "card", "entry", "path")

    def __init__(self, card: RateCard, path: str) -> None:
        self.card = card
        self.path = path
        self.entry = card.entry(path)
        self._hash = hash((card.code, path, id(self.entry)))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _EntryOf)
            and self.entry is other.entry
            and self.path == other.path
            and self.card.code == other.card.code
        )


@lru_cache(maxsize=4096)
def _source_ref(of: _EntryOf) -> SourceRef:
    """Source references, kept across estimates: every estimate cites the same few entries,
    and each reference is a validated model costing more than the line item's arithmetic."""
    return of.card.ref(of.path)


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
        sources=tuple(ctx.ref(path) for path in item.sources),
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
