"""The staffing plan of a scenario: people on shift per hour of the average week, and FTE.

Why this shape: a small business runs **one blended team**. The same people answer the phone
and the chats and do the emails between them; they speak the languages the business serves
between them; one of them is on shift in every open hour. Staffing that team the way a
300-seat contact centre staffs separate queues (a pool per channel and per language, each
with its own floor) turns 8 people into 36. So, by default:

- **Live work** (phone and chat) is one queue: chat joins as traffic at ``AHT / concurrency``
  and the hour's combined traffic gets one Erlang C solve (Erlang A with a caller patience)
  at the handle time of the mix, against the service-level target. In every open hour the
  team has at least ``floor_agents`` on shift.
- **Languages are skills** (:mod:`costengine.staffing.languages`): the pooled count must also
  give each language enough speakers for its share of the traffic, and one speaker of each in
  every open hour; who speaks what (everyone everything, one language each, or a share of
  multilingual agents) decides how many people that takes.
- **Deferrable work** (email, social messages, IT tickets escalated to tiers 2 and 3) fills the
  live agents' idle time up to the occupancy cap, each piece before its response deadline
  (earliest deadline first, the clock running only while the desk is open); only the work
  that does not fit is given extra agent-hours, rostered evenly over the open hours.
- **Breaks, meetings and training** (the on-shift part of shrinkage) are taken in a quiet
  hour's slack (under half busy), so a quiet one-person desk is one person; in a busy hour
  they need cover, as in any contact centre. **Absence** (leave, public holidays, sickness:
  ``absence_share``) always needs cover: rostered FTE = people on shift ÷ (paid hours ×
  (1 − absence)). For a busy team with no idle time this is exactly the textbook
  ``agents / (1 − shrinkage)``.

A user who runs separate teams per channel says so (``Scenario.pooling = per_channel``): then
each live channel is its own queue with its own floor and the deferrable work has its own
workload-staffed team (the old contact-centre structure, kept for those who work that way).

Volumes come from ``scenario.volumes``, from an IT help desk's users, or, with only a team
size, from what that team carries (:mod:`costengine.staffing.team`). Monthly volumes become
contacts per hour of the average week through the arrival profiles (:mod:`costengine.coverage`).
Everything is deterministic, and every simplification is returned as an
:class:`~costengine.results.Assumption` so the bot can say it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
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
from costengine.results import Assumption, LanguageStaffing, PoolStaffing
from costengine.scenario import LIVE_CHANNELS, Channel, ChannelVolume, Pooling, Scenario
from costengine.staffing import _validate, erlang_c, workload
from costengine.staffing.languages import (
    SPILL_OCCUPANCY,
    dedicated_service_level,
    total_agents,
)

__all__ = [
    "Planner",
    "StaffingInputs",
    "StaffingPlan",
    "Stream",
    "Team",
    "plan_staffing",
]

_HOURS = 168
_SECONDS_PER_HOUR = 3600.0
_EPS = 1e-9
_LIVE_ORDER = (Channel.PHONE, Channel.CHAT)
_DEFERRABLE_ORDER = (Channel.EMAIL, Channel.SOCIAL)
#: Passes of the earliest-deadline-first fill round the week: the last one is reported, so
#: the backlog carried over from the end of the week is in its steady state.
_BLEND_PASSES = 3


@dataclass(frozen=True)
class StaffingInputs:
    """Planning parameters after the scenario's choices are laid on the rate-card defaults.

    ``aht_seconds``: handle time per contact by channel (chat *before* concurrency);
    ``service_level`` / ``answer_seconds``: the live target (80% in 20 s);
    ``shrinkage``: all paid time not spent available (breaks, meetings, training, absence);
    ``absence_share``: the part of it that is absence (needs another person to cover);
    ``max_occupancy``: the occupancy cap, also the cap up to which deferrable work fills idle
    time; ``email_utilisation``: the share of an agent's time that becomes deferrable work on
    a team without live channels; ``languages``: ``(language, share of contacts)``;
    ``multilingual``: the share of agents who speak every language;
    ``tier_seconds`` / ``tier_shares``: an IT help desk's agent time per ticket at tiers 2 and
    3, and the share of first contacts that reach them.
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
    absence_share: float = 0.0
    pooling: Pooling = Pooling.BLENDED
    languages: tuple[tuple[str, float], ...] = (("en", 1.0),)
    multilingual: float = 1.0
    tier_seconds: Mapping[int, float] = field(default_factory=dict)
    tier_shares: Mapping[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        aht = {}
        for channel, seconds in self.aht_seconds.items():
            aht[Channel(channel)] = _validate.positive(f"aht_seconds.{channel}", seconds)
        object.__setattr__(self, "aht_seconds", MappingProxyType(aht))
        workload.chat_effective_aht(1.0, self.chat_concurrency)  # validates concurrency
        _validate.fraction("shrinkage", self.shrinkage, low_open=False)
        _validate.fraction("absence_share", self.absence_share, low_open=False)
        # Absence is part of shrinkage; a user's lower shrinkage caps it.
        object.__setattr__(self, "absence_share", min(self.absence_share, self.shrinkage))
        _validate.positive("paid_hours_per_fte_week", self.paid_hours_per_fte_week)
        _validate.fraction("service_level", self.service_level)
        _validate.positive("answer_seconds", self.answer_seconds)
        _validate.optional_fraction("max_occupancy", self.max_occupancy)
        _validate.positive("email_response_hours", self.email_response_hours)
        _validate.fraction("email_utilisation", self.email_utilisation, high_open=False)
        _validate.positive_int("floor_agents", self.floor_agents, minimum=0)
        _validate.fraction("multilingual", self.multilingual, low_open=False, high_open=False)
        if self.patience_seconds is not None:
            _validate.positive("patience_seconds", self.patience_seconds)
        if not self.languages:
            raise InvalidScenario("languages", "give at least one language")
        for tier, seconds in self.tier_seconds.items():
            _validate.positive(f"tier_seconds.{tier}", seconds)
        for tier, share in self.tier_shares.items():
            _validate.fraction(f"tier_shares.{tier}", share, low_open=False, high_open=False)
        object.__setattr__(self, "tier_seconds", MappingProxyType(dict(self.tier_seconds)))
        object.__setattr__(self, "tier_shares", MappingProxyType(dict(self.tier_shares)))

    @property
    def on_shift_shrinkage(self) -> float:
        """Breaks, meetings and training: the shrinkage taken while on shift."""
        return 1.0 - (1.0 - self.shrinkage) / (1.0 - self.absence_share)

    @property
    def occupancy_cap(self) -> float:
        """Busy share of an agent's available time above which no more work is added."""
        return self.max_occupancy if self.max_occupancy is not None else 1.0

    def effective_aht(self, channel: Channel) -> float:
        """Agent seconds one contact costs: chat divided by its concurrency."""
        try:
            seconds = self.aht_seconds[channel]
        except KeyError:
            raise RateCardError(f"aht_seconds.{channel.value}", "no handle time") from None
        if channel is Channel.CHAT:
            return workload.chat_effective_aht(seconds, self.chat_concurrency)
        return seconds

    def fte(self, present_hours_per_week: float) -> float:
        """Rostered FTE for people-on-shift hours per week: absence needs cover."""
        hours = _validate.non_negative("present_hours", present_hours_per_week)
        return hours / (self.paid_hours_per_fte_week * (1.0 - self.absence_share))

    def with_languages(self, languages: tuple[tuple[str, float], ...]) -> StaffingInputs:
        return replace(self, languages=languages)


@dataclass(frozen=True)
class Stream:
    """One kind of work and when it arrives: contacts per hour of the average week.

    ``key`` is the channel's value for first contacts, ``"tier2"``/``"tier3"`` for IT tickets
    escalated to engineers and specialists (deferrable, no channel of their own).
    """

    key: str
    channel: Channel | None
    live: bool
    tier: int
    aht_seconds: float  # one contact's handle time (chat before concurrency)
    agent_seconds: float  # the agent time it costs (chat divided by concurrency)
    hourly: tuple[float, ...]

    @cached_property
    def weekly(self) -> float:
        return math.fsum(self.hourly)

    def scaled(self, factor: float) -> Stream:
        return replace(self, hourly=tuple([n * factor for n in self.hourly]))

    def masked(self, shares: Sequence[float]) -> Stream:
        return replace(
            self, hourly=tuple([n * share for n, share in zip(self.hourly, shares, strict=True)])
        )

    def erlangs(self) -> list[float]:
        return list(self._erlangs)

    @cached_property
    def _erlangs(self) -> tuple[float, ...]:
        per = self.agent_seconds / _SECONDS_PER_HOUR
        return tuple([n * per for n in self.hourly])


@dataclass(frozen=True, slots=True)
class PeakHour:
    hour: int
    erlangs: float
    agents: float
    service_level: float | None
    asa_seconds: float | None


@dataclass(frozen=True)
class Team:
    """One team's average week, hour by hour (168 entries, Monday 00:00 local first).

    ``needed``: agents the work and the floors need in the hour (whole for a live team);
    ``present``: people on shift (``needed`` plus cover for breaks that do not fit in idle time
    and the extra agent-hours for deferrable work that does not fit); ``busy``: agent-hours of
    work done in the hour; ``speakers``: per language, the people on shift the language
    requires (what a language premium is paid on).
    """

    name: str
    streams: tuple[str, ...]
    channels: tuple[Channel, ...]
    live: bool
    open_mask: tuple[bool, ...]
    erlangs: tuple[float, ...]
    needed: tuple[float, ...]
    present: tuple[float, ...]
    busy: tuple[float, ...]
    speakers: tuple[tuple[str, tuple[float, ...]], ...]
    floor_hours: int
    peak: PeakHour

    @cached_property
    def present_hours(self) -> float:
        return math.fsum(self.present)

    @cached_property
    def busy_hours(self) -> float:
        return math.fsum(self.busy)


@dataclass(frozen=True)
class StaffingPlan:
    """Every team's hourly staffing, the work behind it, and what was assumed."""

    teams: tuple[Team, ...]
    streams: tuple[Stream, ...]
    volumes: tuple[ChannelVolume, ...]  # first contacts per month, by channel
    inputs: StaffingInputs
    assumptions: tuple[Assumption, ...] = ()
    weeks_per_month: float = WEEKS_PER_MONTH

    @cached_property
    def present(self) -> tuple[float, ...]:
        """People on shift per hour, every team together."""
        return _hour_sums([team.present for team in self.teams])

    @cached_property
    def busy(self) -> tuple[float, ...]:
        return _hour_sums([team.busy for team in self.teams])

    @cached_property
    def present_hours(self) -> float:
        return math.fsum(team.present_hours for team in self.teams)

    @cached_property
    def busy_hours(self) -> float:
        return math.fsum(team.busy_hours for team in self.teams)

    @cached_property
    def fte(self) -> float:
        """Rostered FTE of every team together."""
        return self.inputs.fte(self.present_hours)

    @property
    def total_fte(self) -> float:
        return self.fte

    @cached_property
    def occupancy(self) -> float:
        """Busy share of the hours people are on shift (breaks included in the shift)."""
        return self.busy_hours / self.present_hours if self.present_hours > _EPS else 0.0

    @cached_property
    def speaker_hours(self) -> dict[str, float]:
        """Per language, the weekly on-shift hours of the speakers it requires."""
        found: dict[str, float] = {}
        for team in self.teams:
            for language, hours in team.speakers:
                found[language] = found.get(language, 0.0) + math.fsum(hours)
        return found

    def weekly_contacts(self, key: str) -> float:
        return math.fsum(stream.weekly for stream in self.streams if stream.key == key)

    def tier_busy_hours(self) -> dict[int, float]:
        """Agent-hours of work per week at each support tier (tier 1: first contacts)."""
        found: dict[int, float] = {}
        for stream in self.streams:
            hours = stream.weekly * stream.agent_seconds / _SECONDS_PER_HOUR
            found[stream.tier] = found.get(stream.tier, 0.0) + hours
        return found

    @cached_property
    def summaries(self) -> tuple[PoolStaffing, ...]:
        """One row per team (``sourcewise estimate --json`` ``staffing``)."""
        languages = ",".join(language for language, _ in self.inputs.languages)
        rows = []
        for team in self.teams:
            rows.append(
                PoolStaffing(
                    language=languages,
                    channels=team.channels,
                    live=team.live,
                    peak_erlangs=team.peak.erlangs,
                    peak_agents=math.ceil(team.peak.agents - _EPS),
                    peak_service_level=team.peak.service_level,
                    peak_asa_seconds=team.peak.asa_seconds,
                    open_hours_per_week=float(open_hours(team.open_mask)),
                    agent_hours_per_week=team.present_hours,
                    floor_hours_per_week=float(team.floor_hours),
                    fte=self.inputs.fte(team.present_hours),
                    busy_hours_per_week=team.busy_hours,
                    occupancy=team.busy_hours / team.present_hours
                    if team.present_hours > _EPS
                    else 0.0,
                    team=team.name,
                )
            )
        return tuple(rows)

    @cached_property
    def language_rows(self) -> tuple[LanguageStaffing, ...]:
        """Per language: its share, the speakers it needs at peak and in the week."""
        rows = []
        for language, share in self.inputs.languages:
            hourly = _hour_sums(
                [hours for team in self.teams for name, hours in team.speakers if name == language]
            )
            hours = math.fsum(hourly)
            rows.append(
                LanguageStaffing(
                    language=language,
                    share=share,
                    peak_speakers=max(hourly, default=0.0),
                    speaker_hours_per_week=hours,
                    speaker_fte=self.inputs.fte(hours),
                )
            )
        return tuple(rows)


def _hour_sums(rows: Sequence[Sequence[float]]) -> tuple[float, ...]:
    if not rows:
        return (0.0,) * _HOURS
    if len(rows) == 1:
        return tuple(map(float, rows[0]))
    return tuple(map(math.fsum, zip(*rows, strict=True)))


class _LiveQueue:
    """One live queue's staffing rule: Erlang C (Erlang A with a patience) at one handle time.

    Head counts are kept per traffic for the planner's life: days, languages and what-if
    volumes repeat traffics.
    """

    def __init__(self, aht: float, inputs: StaffingInputs) -> None:
        self.aht = aht
        self._inputs = inputs
        self._target = erlang_c.Target(
            aht, inputs.answer_seconds, inputs.service_level, inputs.max_occupancy
        )
        self._agents: dict[float, int] = {0.0: 0}

    def week(self, traffics: Sequence[float]) -> list[int]:
        """Agents for each traffic, each new traffic solved once."""
        known = self._agents
        missing = [a for a in set(traffics) if a not in known]
        if missing:
            patience = self._inputs.patience_seconds
            if patience is None:
                known.update(zip(missing, self._target.agents_each(missing), strict=True))
            else:
                from costengine.staffing import erlang_a

                inputs = self._inputs
                for a in missing:
                    known[a] = erlang_a.solve(
                        a,
                        self.aht,
                        inputs.answer_seconds,
                        inputs.service_level,
                        patience,
                        max_occupancy=inputs.max_occupancy,
                    ).agents
        return list(map(known.__getitem__, traffics))

    def agents(self, traffic: float) -> int:
        """Agents for one traffic (0 for none)."""
        return self.week([traffic])[0] if traffic > 0 else 0

    def service(self, agents: int, traffic: float) -> tuple[float, float]:
        """Service level and ASA of ``agents`` facing ``traffic`` (one pooled queue)."""
        if traffic <= 0 or agents <= 0:
            return 1.0, 0.0
        inputs = self._inputs
        if inputs.patience_seconds is None:
            c = erlang_c.evaluate(agents, traffic, self.aht, inputs.answer_seconds)
            return c.service_level, c.asa_seconds
        from costengine.staffing import erlang_a

        r = erlang_a.evaluate(
            agents, traffic, self.aht, inputs.answer_seconds, inputs.patience_seconds
        )
        return r.service_level, r.asa_seconds


def _open_positions(mask: Sequence[bool]) -> list[int]:
    return [hour for hour in range(_HOURS) if mask[hour]]


def _fill_idle(
    work: Sequence[float], idle: Sequence[float], mask: Sequence[bool], window_hours: float
) -> tuple[list[float], float]:
    """Deferrable work done in idle time, earliest deadline first, and what does not fit.

    ``work[h]``: agent-hours arriving in hour ``h``, due within ``window_hours`` open hours
    (the hour itself counting as the first); ``idle[h]``: agent-hours free for it. Returns the
    work done in each hour and the agent-hours per week that miss their deadline (to be
    given extra agents), for the steady-state week. Deadlines grow with arrival time (one
    window for all), so a FIFO queue is earliest-deadline-first.
    """
    positions = _open_positions(mask)
    count = len(positions)
    if not count:
        return [0.0] * _HOURS, 0.0
    if all(idle[hour] >= work[hour] for hour in positions):
        # Every hour's work fits in that hour's idle time: done as it arrives.
        return [work[hour] if mask[hour] else 0.0 for hour in range(_HOURS)], 0.0
    done = [0.0] * _HOURS
    window = min(max(1, math.floor(window_hours)), count)
    queue: deque[list[float]] = deque()
    missed = 0.0
    for repeat in range(_BLEND_PASSES):
        last = repeat == _BLEND_PASSES - 1
        for index, hour in enumerate(positions):
            position = repeat * count + index
            if work[hour] > 0:
                queue.append([position + window - 1, work[hour]])
            free = idle[hour]
            while free > _EPS and queue:
                item = queue[0]
                take = item[1] if item[1] < free else free
                item[1] -= take
                free -= take
                if last:
                    done[hour] += take
                if item[1] <= _EPS:
                    queue.popleft()
            while queue and queue[0][0] <= position:
                if last:
                    missed += queue[0][1]
                queue.popleft()
    return done, missed


@dataclass(frozen=True, slots=True)
class _Week:
    mask: tuple[bool, ...]
    closed: tuple[bool, ...]
    positions: tuple[int, ...]
    floors: tuple[int, ...]  # the coverage floor in open hours, 0 in closed ones
    speaker_floors: tuple[int, ...]  # one speaker of each language in open hours

    @classmethod
    def of(cls, mask: tuple[bool, ...], floor: int) -> _Week:
        return cls(
            mask,
            tuple(not is_open for is_open in mask),
            tuple(_open_positions(mask)),
            tuple(floor if is_open else 0 for is_open in mask),
            tuple(1 if is_open else 0 for is_open in mask),
        )


#: Breaks are taken between contacts only in an hour less busy than this (a quiet hour: a
#: one-person desk between calls, a night shift); in a busier hour they need cover. An
#: estimate, no citable figure: half busy leaves a break's worth of slack without letting
#: the queue build while someone is away.
QUIET_OCCUPANCY = 0.5


@lru_cache(maxsize=64)
def _week(mask: tuple[bool, ...], floor: int) -> _Week:
    """The week's forms, kept: every plan of an estimate (and of the next) shares a few masks."""
    return _Week.of(mask, floor)


def _breaks(
    needed: Sequence[float], live_busy: Sequence[float], inputs: StaffingInputs
) -> tuple[list[float], list[float]]:
    """People on shift once breaks are covered, and the idle time left for other work.

    Breaks (``on_shift_shrinkage`` of the time on shift) are taken in a quiet hour's slack
    (below :data:`QUIET_OCCUPANCY`); what does not fit is covered by more people, who take
    breaks too (in a busy hour: the textbook ``agents / (1 - shrinkage)``). Deferrable work
    may then use the idle time left below the occupancy cap.
    """
    cap = inputs.occupancy_cap
    shrink = inputs.on_shift_shrinkage
    on_duty = 1.0 - shrink
    present: list[float] = []
    left: list[float] = []
    for agents, busy in zip(needed, live_busy, strict=True):
        # The break time a quiet hour's slack absorbs, then who covers the rest.
        quiet = QUIET_OCCUPANCY * agents - busy
        breaks = shrink * agents
        taken = (breaks if breaks < quiet else quiet) if quiet > 0.0 else 0.0
        present.append(agents + (breaks - taken) / on_duty)
        free = cap * agents - busy - taken
        left.append(free if free > 0.0 else 0.0)
    return present, left


def _live_team(
    name: str,
    live: Sequence[Stream],
    deferrable: Sequence[Stream],
    week: _Week,
    inputs: StaffingInputs,
    queues: dict[float, _LiveQueue],
) -> Team:
    weekly = [stream.weekly for stream in live]
    total = math.fsum(weekly)
    mean_aht = math.fsum(w * s.agent_seconds for w, s in zip(weekly, live, strict=True)) / total
    queue = queues.get(mean_aht)
    if queue is None:
        queue = queues[mean_aht] = _LiveQueue(mean_aht, inputs)
    rows = [stream.erlangs() for stream in live]
    erlangs = list(rows[0]) if len(rows) == 1 else list(map(math.fsum, zip(*rows, strict=True)))
    mask = week.mask
    if any(compress(erlangs, week.closed)):
        raise InvalidScenario("coverage", "live contacts arrive while the desk is closed")
    pooled = queue.week(erlangs)
    languages = inputs.languages
    speaker_counts: list[list[int]] = []
    if len(languages) == 1:
        needed = [p if p > f else f for p, f in zip(pooled, week.floors, strict=True)]
        speaker_counts.append(needed)
    else:
        for _, share in languages:
            counts = queue.week([a * share for a in erlangs])
            speaker_counts.append(
                [c if c > f else f for c, f in zip(counts, week.speaker_floors, strict=True)]
            )
        needed = [p if p > f else f for p, f in zip(pooled, week.floors, strict=True)]
        if inputs.multilingual < 1.0:
            # Everyone speaking every language needs no more than the pooled count (each
            # language's speakers are a pool of fewer contacts); otherwise hour by hour.
            shares = [share for _, share in languages]
            cap = SPILL_OCCUPANCY
            for hour in week.positions:
                needed[hour] = total_agents(
                    needed[hour],
                    [row[hour] for row in speaker_counts],
                    [erlangs[hour] * share for share in shares],
                    inputs.multilingual,
                    cap,
                    queue.agents,
                )
    present, idle = _breaks(needed, erlangs, inputs)
    busy = list(erlangs)
    if deferrable:
        work = _hour_sums([stream.erlangs() for stream in deferrable])
        done, missed = _fill_idle(work, idle, mask, inputs.email_response_hours)
        extra_work = missed / len(week.positions)
        extra_people = extra_work / (inputs.email_utilisation * (1.0 - inputs.on_shift_shrinkage))
        for hour in week.positions:
            busy[hour] += done[hour] + extra_work
            present[hour] += extra_people
    # Each language's speakers on shift: its count, grossed up like the team for breaks.
    speakers = tuple(
        (language, tuple(_speakers(counts, needed, present, len(languages))))
        for (language, _), counts in zip(languages, speaker_counts, strict=True)
    )
    peak = erlangs.index(max(erlangs))  # the busiest hour, the first of equals
    service: float | None = None
    asa: float | None = None
    if erlangs[peak] > 0:
        service, asa = queue.service(needed[peak], erlangs[peak])
        if len(languages) > 1 and inputs.multilingual <= 0.0:
            service = dedicated_service_level(
                needed[peak],
                [row[peak] for row in speaker_counts],
                [erlangs[peak] * share for _, share in languages],
                lambda n, a: queue.service(n, a)[0],
            )
    floor_hours = sum(
        1
        for hour in week.positions
        if pooled[hour] <= week.floors[hour] and needed[hour] <= max(week.floors[hour], 1)
    )
    return Team(
        name=name,
        streams=tuple(stream.key for stream in (*live, *deferrable)),
        channels=tuple(
            dict.fromkeys(s.channel for s in (*live, *deferrable) if s.channel is not None)
        ),
        live=True,
        open_mask=mask,
        erlangs=tuple(erlangs),
        needed=tuple(map(float, needed)),
        present=tuple(present),
        busy=tuple(busy),
        speakers=speakers,
        floor_hours=floor_hours,
        peak=PeakHour(peak, erlangs[peak], float(needed[peak]), service, asa),
    )


def _speakers(
    counts: Sequence[int],
    needed: Sequence[int],
    present: Sequence[float],
    languages: int,
) -> Iterable[float]:
    """On-shift speakers of one language: what it requires, never more than the team."""
    if languages == 1:
        return present
    return [
        people * (count / need if count < need else 1.0) if need > 0 else 0.0
        for people, count, need in zip(present, counts, needed, strict=True)
    ]


def _deferrable_team(
    name: str, deferrable: Sequence[Stream], week: _Week, inputs: StaffingInputs
) -> Team:
    """Work staffed by workload within the response target (no live channel, or a separate
    team): fractional agents, no floor."""
    mask = week.mask
    rows = [
        workload.spread_deferrable(
            stream.hourly,
            mask,
            aht_seconds=stream.agent_seconds,
            utilisation=inputs.email_utilisation,
            response_hours=inputs.email_response_hours,
        )
        for stream in deferrable
    ]
    needed = _hour_sums(rows)
    busy = tuple([agents * inputs.email_utilisation for agents in needed])
    present = tuple([agents / (1.0 - inputs.on_shift_shrinkage) for agents in needed])
    peak = busy.index(max(busy))  # the busiest hour, the first of equals
    speakers = tuple(
        (language, tuple([p * share for p in present])) for language, share in inputs.languages
    )
    return Team(
        name=name,
        streams=tuple(stream.key for stream in deferrable),
        channels=tuple(dict.fromkeys(s.channel for s in deferrable if s.channel is not None)),
        live=False,
        open_mask=mask,
        erlangs=busy,
        needed=needed,
        present=present,
        busy=busy,
        speakers=speakers,
        floor_hours=0,
        peak=PeakHour(peak, busy[peak], needed[peak], None, None),
    )


def staff_streams(
    streams: Sequence[Stream],
    mask: tuple[bool, ...],
    inputs: StaffingInputs,
    queues: dict[float, _LiveQueue] | None = None,
) -> tuple[Team, ...]:
    """The teams that carry ``streams`` in the open hours of ``mask``."""
    queues = {} if queues is None else queues
    week = _week(mask, inputs.floor_agents)
    live = [s for s in streams if s.live and s.weekly > 0]
    deferrable = [s for s in streams if not s.live and s.weekly > 0]
    if not week.positions and (live or deferrable):
        raise InvalidScenario("coverage", "contacts arrive but the desk is never open")
    teams: list[Team] = []
    if inputs.pooling is Pooling.BLENDED:
        if live:
            teams.append(_live_team("blended", live, deferrable, week, inputs, queues))
        elif deferrable:
            teams.append(_deferrable_team("deferrable", deferrable, week, inputs))
        return tuple(teams)
    for stream in live:
        teams.append(_live_team(stream.key, [stream], [], week, inputs, queues))
    if deferrable:
        teams.append(_deferrable_team("deferrable", deferrable, week, inputs))
    return tuple(teams)


def _general_assumptions(scenario: Scenario, inputs: StaffingInputs) -> list[Assumption]:
    from costengine.staffing.languages import language_shares_assumption

    found: list[Assumption] = []
    languages = language_shares_assumption(scenario)
    if languages is not None:
        found.append(languages)
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
    found.append(
        Assumption(
            key="assumption.team_structure",
            params={
                "pooling": inputs.pooling.value,
                "channels": ", ".join(channel.value for channel in scenario.channels),
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
    if deferrable or inputs.tier_shares:
        found.append(
            Assumption(
                key="assumption.deferrable_workload",
                params={
                    "utilisation": f"{inputs.email_utilisation:.0%}",
                    "response_hours": f"{inputs.email_response_hours:g}",
                    "blended": "true" if live and inputs.pooling is Pooling.BLENDED else "false",
                },
            )
        )
    found.append(
        Assumption(
            key="assumption.shrinkage_split",
            params={
                "shrinkage": f"{inputs.shrinkage:.0%}",
                "absence": f"{inputs.absence_share:.0%}",
                "on_shift": f"{inputs.on_shift_shrinkage:.0%}",
            },
        )
    )
    return found


class Planner:
    """Plans one scenario at any volumes, working out once what does not depend on them.

    An estimate plans the same scenario many times (the partial splits, the break-even
    search, the sensitivity table, today's team): the open mask, the arrival weights, the
    assumptions and every Erlang head count already solved are shared by all those plans.
    """

    def __init__(self, scenario: Scenario, inputs: StaffingInputs) -> None:
        self.scenario = scenario
        self.inputs = inputs
        self.mask = open_mask(scenario.coverage)
        self._arrivals = {
            channel_class: Arrivals.of(self.mask, arrival_profile(channel_class))
            for channel_class in ChannelClass
        }
        self.queues: dict[float, _LiveQueue] = {}
        self._general: tuple[Assumption, ...] | None = None

    def general_assumptions(self) -> tuple[Assumption, ...]:
        if self._general is None:
            self._general = tuple(_general_assumptions(self.scenario, self.inputs))
        return self._general

    def streams(self, volumes: Iterable[ChannelVolume]) -> tuple[Stream, ...]:
        """The first contacts of ``volumes`` (and, for an IT help desk, the tickets they
        escalate to tiers 2 and 3) as contacts per hour of the average week."""
        monthly: dict[Channel, float] = {}
        for volume in volumes:
            monthly[volume.channel] = monthly.get(volume.channel, 0.0) + float(
                volume.contacts_per_month
            )
        inputs = self.inputs
        streams: list[Stream] = []
        for channel in (*_LIVE_ORDER, *_DEFERRABLE_ORDER):
            if channel not in monthly:
                continue
            live = channel in LIVE_CHANNELS
            arrivals = self._arrivals[ChannelClass.LIVE if live else ChannelClass.DEFERRABLE]
            streams.append(
                Stream(
                    key=channel.value,
                    channel=channel,
                    live=live,
                    tier=1,
                    aht_seconds=inputs.aht_seconds[channel],
                    agent_seconds=inputs.effective_aht(channel),
                    hourly=arrivals.hourly(monthly[channel]),
                )
            )
        if inputs.tier_shares:
            first = _hour_sums([stream.hourly for stream in streams])
            # Escalations arrive with the first contact that raised them; they are worked as
            # tickets (deferrable), within the response target.
            for tier in sorted(inputs.tier_shares):
                share = inputs.tier_shares[tier]
                if share <= 0:
                    continue
                streams.append(
                    Stream(
                        key=f"tier{tier}",
                        channel=None,
                        live=False,
                        tier=tier,
                        aht_seconds=inputs.tier_seconds[tier],
                        agent_seconds=inputs.tier_seconds[tier],
                        hourly=tuple([n * share for n in first]),
                    )
                )
        return tuple(streams)

    def staff(
        self,
        streams: Sequence[Stream],
        *,
        mask: tuple[bool, ...] | None = None,
        inputs: StaffingInputs | None = None,
    ) -> tuple[Team, ...]:
        return staff_streams(
            streams, self.mask if mask is None else mask, inputs or self.inputs, self.queues
        )

    def plan(
        self,
        volumes: tuple[ChannelVolume, ...],
        *,
        assumptions: Iterable[Assumption] = (),
    ) -> StaffingPlan:
        """The plan for ``volumes`` (first contacts per month by channel)."""
        streams = self.streams(volumes)
        return StaffingPlan(
            teams=self.staff(streams),
            streams=streams,
            volumes=volumes,
            inputs=self.inputs,
            assumptions=(*assumptions, *self.general_assumptions()),
        )

    def plan_streams(
        self,
        streams: Sequence[Stream],
        *,
        volumes: tuple[ChannelVolume, ...] = (),
        mask: tuple[bool, ...] | None = None,
        inputs: StaffingInputs | None = None,
    ) -> StaffingPlan:
        """A plan for part of the work (partial outsourcing's kept and given-out parts)."""
        used = inputs or self.inputs
        return StaffingPlan(
            teams=self.staff(streams, mask=mask, inputs=used),
            streams=tuple(streams),
            volumes=volumes,
            inputs=used,
        )


def plan_staffing(
    scenario: Scenario, inputs: StaffingInputs, volumes: tuple[ChannelVolume, ...]
) -> StaffingPlan:
    """Hour-by-hour staffing of ``volumes`` for the scenario's average week."""
    return Planner(scenario, inputs).plan(volumes)
