"""The staffing plan of a scenario: agents per hour of the average week, per pool, and FTE.

This is what pricing calls. A *pool* is one language x one channel group:

- the **live** group (phone + chat): every live channel is staffed for every hour on its own
  with Erlang C (Erlang A when a caller patience is given), chat on ``AHT / concurrency``;
  the agents are summed and the group's coverage floor (``floor_agents``, 1 or 2) applies to
  that sum in every open hour, however small the volume (``floor_hours_per_week`` counts the
  open hours staffed at the floor: the workload needed no more);
- the **deferrable** group (email + social): staffed by workload within the response target
  (:mod:`costengine.staffing.workload`), fractional agents, no floor.

Volumes come from ``scenario.volumes`` or, with only a team size, from what that team handles
(:func:`costengine.staffing.volumes.team_volumes`). Each channel's volume is split evenly
across the languages and spread over the open hours of the average week by the arrival profile
(:mod:`costengine.coverage`). Every simplification is returned as an
:class:`~costengine.results.Assumption` so the bot can say it.

Everything is deterministic. An estimate plans one scenario many times (the tier-1 split,
the break-even search, the sensitivity table), so a :class:`Planner` works out once what does
not depend on the volume (open hours, arrival weights, assumptions) and keeps every hourly
head count it solves; the pools of all languages are built once (the volume is split evenly,
so they differ only by name), and the validated summaries are made only when asked for.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import compress
from types import MappingProxyType

from costengine.coverage import (
    WEEKS_PER_MONTH,
    Arrivals,
    ChannelClass,
    arrival_profile,
    open_hours,
    open_mask,
)
from costengine.errors import InvalidScenario, RateCardError
from costengine.results import Assumption, PoolStaffing
from costengine.scenario import LIVE_CHANNELS, Channel, ChannelVolume, Scenario
from costengine.staffing import _validate, erlang_c, workload
from costengine.staffing.volumes import channel_mix_assumption, implied_occupancy, team_volumes

__all__ = [
    "HourlyPool",
    "Planner",
    "StaffingInputs",
    "StaffingPlan",
    "plan_staffing",
]

_HOURS = 168
_SECONDS_PER_HOUR = 3600.0
_LIVE_ORDER = (Channel.PHONE, Channel.CHAT)
_DEFERRABLE_ORDER = (Channel.EMAIL, Channel.SOCIAL)


@dataclass(frozen=True)
class StaffingInputs:
    """Planning parameters after the scenario's overrides are laid on the rate-card defaults.

    ``aht_seconds`` is the handle time per contact for each channel (chat *before*
    concurrency); ``service_level`` / ``answer_seconds`` the live target (e.g. 80% in 20 s);
    ``email_utilisation`` the share of an agent's time that becomes deferrable work;
    ``patience_seconds`` switches live channels from Erlang C to Erlang A.
    """

    aht_seconds: Mapping[Channel, float]
    chat_concurrency: float
    shrinkage: float
    paid_hours_per_fte_week: float
    service_level: float
    answer_seconds: float
    max_occupancy: float | None
    email_response_hours: float
    email_utilisation: float
    floor_agents: int
    patience_seconds: float | None = None

    def __post_init__(self) -> None:
        aht = {}
        for channel, seconds in self.aht_seconds.items():
            aht[Channel(channel)] = _validate.positive(f"aht_seconds.{channel}", seconds)
        object.__setattr__(self, "aht_seconds", MappingProxyType(aht))
        workload.chat_effective_aht(1.0, self.chat_concurrency)  # validates concurrency
        _validate.fraction("shrinkage", self.shrinkage, low_open=False)
        _validate.positive("paid_hours_per_fte_week", self.paid_hours_per_fte_week)
        _validate.fraction("service_level", self.service_level)
        _validate.positive("answer_seconds", self.answer_seconds)
        _validate.optional_fraction("max_occupancy", self.max_occupancy)
        _validate.positive("email_response_hours", self.email_response_hours)
        _validate.fraction("email_utilisation", self.email_utilisation, high_open=False)
        _validate.positive_int("floor_agents", self.floor_agents, minimum=0)
        if self.patience_seconds is not None:
            _validate.positive("patience_seconds", self.patience_seconds)

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        *,
        aht_defaults: Mapping[Channel, float],
        chat_concurrency_default: float,
        shrinkage_default: float,
        paid_hours_per_fte_week: float,
        email_utilisation: float,
        patience_seconds: float | None = None,
    ) -> StaffingInputs:
        """Defaults (from the rate card) overridden by what the scenario says.

        A handle time given on a scenario volume replaces the default for that channel;
        ``shrinkage`` and ``chat_concurrency`` replace the defaults when set; the service
        level, answer time, occupancy cap, email response time and floor come from the
        scenario (which has its own defaults).
        """
        aht = {Channel(channel): float(seconds) for channel, seconds in aht_defaults.items()}
        for volume in scenario.volumes:
            if volume.aht_seconds is not None:
                aht[volume.channel] = float(volume.aht_seconds)
        for channel in scenario.channels:
            if channel not in aht:
                raise RateCardError(f"aht_seconds.{channel.value}", "no default handle time")
        return cls(
            aht_seconds=aht,
            chat_concurrency=(
                scenario.chat_concurrency
                if scenario.chat_concurrency is not None
                else chat_concurrency_default
            ),
            shrinkage=scenario.shrinkage if scenario.shrinkage is not None else shrinkage_default,
            paid_hours_per_fte_week=paid_hours_per_fte_week,
            service_level=scenario.service_level,
            answer_seconds=float(scenario.answer_seconds),
            max_occupancy=scenario.max_occupancy,
            email_response_hours=scenario.email_response_hours,
            email_utilisation=email_utilisation,
            floor_agents=scenario.floor_agents,
            patience_seconds=patience_seconds,
        )

    def effective_aht(self, channel: Channel) -> float:
        """Agent seconds one contact costs: chat divided by its concurrency."""
        try:
            seconds = self.aht_seconds[channel]
        except KeyError:
            raise RateCardError(f"aht_seconds.{channel.value}", "no handle time") from None
        if channel is Channel.CHAT:
            return workload.chat_effective_aht(seconds, self.chat_concurrency)
        return seconds

    def fte(self, agent_hours_per_week: float) -> float:
        """Rostered FTE for scheduled agent-hours per week, after shrinkage."""
        return workload.rostered_fte(
            agent_hours_per_week, self.paid_hours_per_fte_week, self.shrinkage
        )


@dataclass(frozen=True)
class HourlyPool:
    """One pool's average week, hour by hour (168 entries, Monday 00:00 local first).

    ``contacts`` are all the pool's channels together; ``workload_agents`` what the work
    needs before the floor; ``agents`` what is scheduled (floor included; whole agents for
    live pools, fractional for deferrable ones); ``erlangs`` the offered load per hour
    (agent-hours of work arriving in that hour).
    """

    language: str
    channels: tuple[Channel, ...]
    live: bool
    open_mask: tuple[bool, ...]
    contacts: tuple[float, ...]
    workload_agents: tuple[float, ...]
    agents: tuple[int | float, ...]
    erlangs: tuple[float, ...] = field(default=())

    @property
    def agent_hours_per_week(self) -> float:
        """Scheduled agent-hours in the average week, before shrinkage."""
        return math.fsum(self.agents)

    def fte(self, inputs: StaffingInputs) -> float:
        """Rostered FTE for this pool, after shrinkage."""
        return inputs.fte(self.agent_hours_per_week)


@dataclass(frozen=True)
class StaffingPlan:
    """Every pool's hourly staffing, the per-pool summaries, and what was assumed.

    ``summaries`` (validated result models) and ``total_fte`` are built on first use: an
    estimate's what-if plans (break-even, sensitivity) are priced from their pools alone.
    """

    pools: tuple[HourlyPool, ...]
    volumes: tuple[ChannelVolume, ...]
    assumptions: tuple[Assumption, ...]
    weeks_per_month: float
    summarise: Callable[[], tuple[PoolStaffing, ...]] = field(repr=False, compare=False)

    @cached_property
    def summaries(self) -> tuple[PoolStaffing, ...]:
        """One summary per pool, in pool order."""
        return self.summarise()

    @cached_property
    def total_fte(self) -> float:
        """Rostered FTE of every pool together."""
        return math.fsum(summary.fte for summary in self.summaries)


@dataclass(frozen=True, slots=True)
class _LiveHour:
    agents: int
    service_level: float
    asa_seconds: float


_NO_WORK = _LiveHour(0, 1.0, 0.0)


class _LiveChannel:
    """One live channel's staffing rule, hour by hour: Erlang C, or Erlang A with a patience.

    Head counts are kept per traffic for the planner's life (days, languages and what-if
    volumes repeat traffics); the service level and ASA are worked out only where a summary
    reports them (each pool's peak hour).
    """

    def __init__(self, aht: float, inputs: StaffingInputs) -> None:
        self._aht = aht
        self._inputs = inputs
        # Erlang C's target, checked once; or the callers' patience for Erlang A.
        self._rule: erlang_c.Target | float = (
            erlang_c.Target(aht, inputs.answer_seconds, inputs.service_level, inputs.max_occupancy)
            if inputs.patience_seconds is None
            else inputs.patience_seconds
        )
        self._agents: dict[float, int] = {0.0: 0}

    def week(self, traffics: Sequence[float]) -> list[int]:
        """Agents for each hour's traffic, each new traffic solved once."""
        known = self._agents
        rule = self._rule
        missing = list(set(traffics).difference(known))
        if isinstance(rule, erlang_c.Target):
            known.update(zip(missing, rule.agents_each(missing), strict=True))
        else:
            known.update((traffic, self.hour(traffic).agents) for traffic in missing)
        return list(map(known.__getitem__, traffics))

    def hour(self, traffic: float) -> _LiveHour:
        """Agents, service level and ASA for one hour's traffic."""
        if traffic == 0:
            return _NO_WORK
        rule, inputs = self._rule, self._inputs
        if isinstance(rule, erlang_c.Target):
            c = rule.solve(traffic)
            return _LiveHour(c.agents, c.service_level, c.asa_seconds)
        from costengine.staffing import erlang_a

        a = erlang_a.solve(
            traffic,
            self._aht,
            inputs.answer_seconds,
            inputs.service_level,
            rule,
            max_occupancy=inputs.max_occupancy,
        )
        return _LiveHour(a.agents, a.service_level, a.asa_seconds)


def _column_sums(rows: Sequence[Sequence[float]]) -> tuple[float, ...]:
    """Hour-by-hour ``math.fsum`` of several 168-hour rows of floats >= 0.

    A group has at most two channels, and ``fsum`` of one value is the value, of two their
    correctly rounded sum, which is what one float addition gives: the common cases skip
    ``fsum`` with the very same result.
    """
    if len(rows) == 1:
        return tuple(rows[0])
    if len(rows) == 2:
        return tuple(map(operator.add, rows[0], rows[1]))
    return tuple(map(math.fsum, zip(*rows, strict=True)))


def _head_sums(rows: Sequence[Sequence[int]]) -> tuple[int, ...]:
    """Hour-by-hour sums of whole head counts (exact in any order)."""
    if len(rows) == 1:
        return tuple(rows[0])
    if len(rows) == 2:
        return tuple(map(operator.add, rows[0], rows[1]))
    return tuple(map(sum, zip(*rows, strict=True)))


@dataclass(frozen=True, slots=True)
class _Built:
    """A pool built once for every language (the volume is split evenly, so the pools of
    all languages are the same but for their name) and how to summarise it."""

    pool: HourlyPool
    summarise: Callable[[], PoolStaffing]

    def for_language(self, language: str) -> HourlyPool:
        pool = self.pool  # dataclasses.replace() would cost more than the pool's other work
        return HourlyPool(
            language=language,
            channels=pool.channels,
            live=pool.live,
            open_mask=pool.open_mask,
            contacts=pool.contacts,
            workload_agents=pool.workload_agents,
            agents=pool.agents,
            erlangs=pool.erlangs,
        )


@dataclass(frozen=True, slots=True)
class _Week:
    """The open hours of a scenario's week, in the forms the pools use."""

    mask: tuple[bool, ...]
    closed: tuple[bool, ...]
    floors: tuple[int, ...]  # the live coverage floor in open hours, 0 in closed ones

    @classmethod
    def of(cls, mask: tuple[bool, ...], floor: int) -> _Week:
        return cls(
            mask,
            tuple(not is_open for is_open in mask),
            tuple(floor if is_open else 0 for is_open in mask),
        )


def _live_pool(
    channels: tuple[Channel, ...],
    contacts: Mapping[Channel, tuple[float, ...]],
    week: _Week,
    inputs: StaffingInputs,
    solvers: Mapping[Channel, _LiveChannel],
) -> _Built:
    erlangs_by_channel: dict[Channel, list[float]] = {}
    agents_by_channel: list[list[int]] = []
    for channel in channels:
        aht = inputs.effective_aht(channel)
        erlangs_by_channel[channel] = [n * aht / _SECONDS_PER_HOUR for n in contacts[channel]]
        agents_by_channel.append(solvers[channel].week(erlangs_by_channel[channel]))
    needed = _head_sums(agents_by_channel)
    # The floor applies in open hours; closed hours get no contacts (checked), so no agents.
    if any(compress(needed, week.closed)):
        raise InvalidScenario("coverage", "live contacts arrive while the desk is closed")
    agents = tuple(
        [need if need > floor else floor for need, floor in zip(needed, week.floors, strict=True)]
    )
    mask = week.mask
    pool = HourlyPool(
        language="",
        channels=channels,
        live=True,
        open_mask=mask,
        contacts=_column_sums([contacts[c] for c in channels]),
        workload_agents=tuple(map(float, needed)),
        agents=agents,
        erlangs=_column_sums([erlangs_by_channel[c] for c in channels]),
    )

    def summarise() -> PoolStaffing:
        return _live_summary(pool, contacts, erlangs_by_channel, solvers, needed, inputs)

    return _Built(pool, summarise)


def _live_summary(
    pool: HourlyPool,
    contacts: Mapping[Channel, tuple[float, ...]],
    erlangs_by_channel: Mapping[Channel, list[float]],
    solvers: Mapping[Channel, _LiveChannel],
    needed: tuple[int, ...],
    inputs: StaffingInputs,
) -> PoolStaffing:
    channels, erlangs, mask = pool.channels, pool.erlangs, pool.open_mask
    peak = max(range(_HOURS), key=lambda h: (erlangs[h], -h))
    service: float | None = None
    asa: float | None = None
    if pool.contacts[peak] > 0:
        weight = pool.contacts[peak]
        at_peak = {c: solvers[c].hour(erlangs_by_channel[c][peak]) for c in channels}
        service = math.fsum(contacts[c][peak] * at_peak[c].service_level for c in channels)
        asa = math.fsum(contacts[c][peak] * at_peak[c].asa_seconds for c in channels)
        service, asa = service / weight, asa / weight
    floor = inputs.floor_agents
    return PoolStaffing(
        language=pool.language,
        channels=channels,
        live=True,
        peak_erlangs=erlangs[peak],
        peak_agents=max(pool.agents),
        peak_service_level=service,
        peak_asa_seconds=asa,
        open_hours_per_week=float(open_hours(mask)),
        agent_hours_per_week=pool.agent_hours_per_week,
        floor_hours_per_week=float(
            sum(1 for n, is_open in zip(needed, mask, strict=True) if is_open and n <= floor)
        ),
        fte=pool.fte(inputs),
    )


def _deferrable_pool(
    channels: tuple[Channel, ...],
    contacts: Mapping[Channel, tuple[float, ...]],
    mask: tuple[bool, ...],
    inputs: StaffingInputs,
) -> _Built:
    agents = _column_sums(
        [
            workload.spread_deferrable(
                contacts[channel],
                mask,
                aht_seconds=inputs.aht_seconds[channel],
                utilisation=inputs.email_utilisation,
                response_hours=inputs.email_response_hours,
            )
            for channel in channels
        ]
    )
    erlangs = _column_sums(
        [[n * inputs.aht_seconds[c] / _SECONDS_PER_HOUR for n in contacts[c]] for c in channels]
    )
    pool = HourlyPool(
        language="",
        channels=channels,
        live=False,
        open_mask=mask,
        contacts=_column_sums([contacts[c] for c in channels]),
        workload_agents=agents,
        agents=agents,
        erlangs=erlangs,
    )

    def summarise() -> PoolStaffing:
        return PoolStaffing(
            language=pool.language,
            channels=channels,
            live=False,
            peak_erlangs=max(erlangs),
            peak_agents=math.ceil(max(agents) - 1e-9),
            peak_service_level=None,
            peak_asa_seconds=None,
            open_hours_per_week=float(open_hours(mask)),
            agent_hours_per_week=pool.agent_hours_per_week,
            floor_hours_per_week=0.0,
            fte=pool.fte(inputs),
        )

    return _Built(pool, summarise)


def _volumes(
    scenario: Scenario, inputs: StaffingInputs
) -> tuple[tuple[ChannelVolume, ...], list[Assumption]]:
    if scenario.volumes:
        return scenario.volumes, []
    if scenario.team_size is None:  # pragma: no cover - the Scenario validator forbids it
        raise InvalidScenario("team_size", "give a team size or volumes")
    effective = {channel: inputs.effective_aht(channel) for channel in scenario.channels}
    volumes, total = team_volumes(
        scenario.team_size,
        scenario.channels,
        kind=scenario.kind,
        paid_hours_per_fte_week=inputs.paid_hours_per_fte_week,
        shrinkage=inputs.shrinkage,
        effective_aht_seconds=effective,
    )
    assumptions = [
        Assumption(
            key="assumption.volume_implied_from_team",
            params={
                "team_size": str(scenario.team_size),
                "contacts": str(total),
                "occupancy": f"{implied_occupancy():.0%}",
            },
        ),
        channel_mix_assumption(scenario.channels, kind=scenario.kind),
    ]
    return volumes, assumptions


def _general_assumptions(scenario: Scenario, inputs: StaffingInputs) -> list[Assumption]:
    found: list[Assumption] = []
    if len(scenario.languages) > 1:
        found.append(
            Assumption(
                key="assumption.language_split_even",
                params={
                    "languages": ", ".join(scenario.languages),
                    "count": str(len(scenario.languages)),
                },
            )
        )
    found.append(
        Assumption(key="assumption.weeks_per_month", params={"weeks": f"{WEEKS_PER_MONTH:.3f}"})
    )
    live = [channel for channel in scenario.channels if channel in LIVE_CHANNELS]
    deferrable = [channel for channel in scenario.channels if channel not in LIVE_CHANNELS]
    for channel_class, selected in (
        (ChannelClass.LIVE, live),
        (ChannelClass.DEFERRABLE, deferrable),
    ):
        if selected:
            profile = arrival_profile(channel_class)
            found.append(
                Assumption(
                    key="assumption.arrival_profile",
                    params={
                        "channels": ", ".join(channel.value for channel in selected),
                        "source": profile.source,
                        "estimate": "true" if profile.estimate else "false",
                        "why": profile.why,
                    },
                )
            )
    if live:
        model = "erlang_c" if inputs.patience_seconds is None else "erlang_a"
        params = {
            "model": model,
            "service_level": f"{inputs.service_level:.0%}",
            "answer_seconds": f"{inputs.answer_seconds:g}",
            "floor_agents": str(inputs.floor_agents),
        }
        if inputs.patience_seconds is not None:
            params["patience_seconds"] = f"{inputs.patience_seconds:g}"
        found.append(Assumption(key="assumption.live_queue_model", params=params))
    if Channel.CHAT in scenario.channels:
        found.append(
            Assumption(
                key="assumption.chat_concurrency",
                params={"concurrency": f"{inputs.chat_concurrency:g}"},
            )
        )
    if deferrable:
        found.append(
            Assumption(
                key="assumption.deferrable_workload",
                params={
                    "utilisation": f"{inputs.email_utilisation:.0%}",
                    "response_hours": f"{inputs.email_response_hours:g}",
                },
            )
        )
    return found


class Planner:
    """Plans one scenario at any volumes, working out once what does not depend on them.

    An estimate plans the same scenario many times (the tier-1 split, the break-even search,
    the sensitivity table): the open mask, the assumptions and every hourly Erlang solve
    already made are shared by all those plans. Each plan is exactly what
    :func:`plan_staffing` returns for the scenario with those volumes.
    """

    def __init__(self, scenario: Scenario, inputs: StaffingInputs) -> None:
        self.scenario = scenario
        self.inputs = inputs
        self._mask = open_mask(scenario.coverage)
        self._week = _Week.of(self._mask, inputs.floor_agents)
        self._arrivals = {
            channel_class: Arrivals.of(self._mask, arrival_profile(channel_class))
            for channel_class in ChannelClass
        }
        self._solvers = {
            channel: _LiveChannel(inputs.effective_aht(channel), inputs)
            for channel in _LIVE_ORDER
            if channel in scenario.channels
        }
        self._general: tuple[Assumption, ...] | None = None

    def plan(self, volumes: tuple[ChannelVolume, ...] | None = None) -> StaffingPlan:
        """The plan for ``volumes``, or for the scenario's own (or implied) volumes."""
        assumptions: list[Assumption] = []
        if volumes is None:
            volumes, assumptions = _volumes(self.scenario, self.inputs)
        if self._general is None:
            self._general = tuple(_general_assumptions(self.scenario, self.inputs))
        built = self._pools(volumes)
        languages = self.scenario.languages
        return StaffingPlan(
            pools=tuple(one.for_language(lang) for lang in languages for one in built),
            volumes=volumes,
            assumptions=(*assumptions, *self._general),
            weeks_per_month=WEEKS_PER_MONTH,
            summarise=partial(_summaries, built, languages),
        )

    def _pools(self, volumes: tuple[ChannelVolume, ...]) -> list[_Built]:
        """The live and deferrable pools of one language (every language's are the same)."""
        scenario, inputs, mask = self.scenario, self.inputs, self._mask
        monthly = {channel: 0.0 for channel in scenario.channels}
        for volume in volumes:
            monthly[volume.channel] += float(volume.contacts_per_month)
        contacts: dict[Channel, tuple[float, ...]] = {}
        for channel, total in monthly.items():
            channel_class = (
                ChannelClass.LIVE if channel in LIVE_CHANNELS else ChannelClass.DEFERRABLE
            )
            contacts[channel] = self._arrivals[channel_class].hourly(
                total / len(scenario.languages)
            )
        live = tuple(channel for channel in _LIVE_ORDER if channel in monthly)
        deferrable = tuple(channel for channel in _DEFERRABLE_ORDER if channel in monthly)
        built: list[_Built] = []
        if live:
            built.append(_live_pool(live, contacts, self._week, inputs, self._solvers))
        if deferrable:
            built.append(_deferrable_pool(deferrable, contacts, mask, inputs))
        return built


def _summaries(built: list[_Built], languages: tuple[str, ...]) -> tuple[PoolStaffing, ...]:
    """Every language's pool summaries, in pool order: one summary per built pool, renamed."""
    made = [one.summarise() for one in built]
    return tuple(
        summary.model_copy(update={"language": language})
        for language in languages
        for summary in made
    )


def plan_staffing(scenario: Scenario, inputs: StaffingInputs) -> StaffingPlan:
    """Hour-by-hour staffing of every pool for the scenario's average week."""
    return Planner(scenario, inputs).plan()
