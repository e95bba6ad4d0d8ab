"""The roster model: who works when, in which zone, and who leads the shift.

Pure values, no I/O. A :class:`Region` is valid by construction (``__post_init__`` checks
it), so the schedule, the coverage analysis and the store never meet a 25:00 shift or a
misspelt zone. A :class:`Roster` is immutable: ``add``/``remove`` return a new roster or
raise, which is what "bad input changes nothing" means at this level.

Times are minutes after local midnight. ``start`` is 0..1439; ``end`` is 1..1440 (1440 is
"24:00", the end of the day). ``end <= start`` means the shift ends the next day (a night
shift, 22:00-06:00); ``weekdays`` are the local days on which a shift *starts*.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.handoff.errors import (
    DuplicateRegion,
    EmptyShift,
    InvalidLead,
    InvalidName,
    InvalidTime,
    InvalidWeekdays,
    TooManyRegions,
    UnknownRegion,
    UnknownTimeZone,
)

__all__ = [
    "MAX_REGIONS",
    "MINUTES_PER_DAY",
    "WEEKDAY_CODES",
    "Region",
    "Roster",
    "TeamKey",
    "canonical_zone",
    "check_lead",
    "check_name",
    "format_minutes",
    "format_weekdays",
]

MINUTES_PER_DAY = 1440
#: A follow-the-sun roster has a handful of regions; the cap keeps a typo loop bounded.
MAX_REGIONS = 12
MAX_NAME = 24
MAX_LEAD = 80
#: Canonical (English, command-syntax) weekday codes, Monday = 0 as in ``date.weekday()``.
WEEKDAY_CODES: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_NAME_EXTRA = frozenset("-_.")
# Slack: <@U123>, <@U123|anna>, <!subteam^S123|@support>; Telegram and plain text: @anna.
_LEAD = re.compile(
    r"^(?:<@[A-Z0-9]+(?:\|[^<>|]+)?>|<!subteam\^[A-Z0-9]+(?:\|[^<>|]+)?>|@\w[\w.\-]*)$"
)


class TeamKey(NamedTuple):
    """Where a roster lives and its reminders go.

    ``platform`` is "slack" or "telegram". Slack: ``workspace`` is the team id, ``channel``
    the channel id. Telegram: ``workspace`` is the chat id, ``channel`` the chat id too, or
    ``"<chat id>/<topic id>"`` for a forum topic.
    """

    platform: str
    workspace: str
    channel: str


@cache
def _zone_index() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def canonical_zone(text: str) -> str:
    """The IANA spelling of ``text`` ("europe/warsaw" -> "Europe/Warsaw").

    Only names tzdata lists are accepted (never a file path), so a roster cannot name a
    zone that fails to load later. Raises :class:`UnknownTimeZone` with the closest name.
    """
    index = _zone_index()
    wanted = text.strip().casefold()
    found = index.get(wanted)
    if found is not None:
        return found
    raise UnknownTimeZone(tz=text[:60], suggestion=_suggest_zone(wanted))


@cache
def _city_index() -> dict[str, str]:
    """ "warsaw" -> "Europe/Warsaw": people type the city; only canonical areas count."""
    areas = ("Africa/", "America/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Pacific/")
    cities: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        if name.startswith(areas):
            cities.setdefault(name.rsplit("/", 1)[-1].casefold(), name)
    return cities


def _suggest_zone(wanted: str) -> str:
    city = wanted.replace(" ", "_").rsplit("/", 1)[-1]
    found = _city_index().get(city)
    if found is not None:
        return found
    index = _zone_index()
    close = difflib.get_close_matches(wanted[:60], index.keys(), n=1, cutoff=0.75)
    return index[close[0]] if close else ""


def format_minutes(minutes: int) -> str:
    """1020 -> "17:00"; 1440 -> "24:00"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_weekdays(days: frozenset[int]) -> str:
    """Canonical command syntax: {0,1,2,3,4} -> "Mon-Fri", {0,2,4} -> "Mon,Wed,Fri".

    Runs of three or more days become a range; the output parses back to the same set.
    """
    ordered = sorted(days)
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{WEEKDAY_CODES[ordered[i]]}-{WEEKDAY_CODES[ordered[j]]}")
        else:
            parts.extend(WEEKDAY_CODES[d] for d in ordered[i : j + 1])
        i = j + 1
    return ",".join(parts)


def check_name(name: str) -> None:
    """Raise :class:`InvalidName` unless ``name`` can name a region."""
    ok = (
        0 < len(name) <= MAX_NAME
        and len(name.casefold()) <= 32  # the stored key column; "ß" folds to "ss"
        and name[0].isalpha()
        and all(ch.isalnum() or ch in _NAME_EXTRA for ch in name)
    )
    if not ok:
        raise InvalidName(name=name[:40])


def check_lead(lead: str) -> None:
    """Raise :class:`InvalidLead` unless ``lead`` is a mention (@name, <@U123>, a group)."""
    if len(lead) > MAX_LEAD or not _LEAD.match(lead):
        raise InvalidLead(lead=lead[:MAX_LEAD])


@dataclass(frozen=True, slots=True)
class Region:
    """One region's recurring shift. Invalid values raise an :class:`InvalidInput` child."""

    name: str
    tz: str
    start: int
    end: int
    weekdays: frozenset[int]
    lead: str

    def __post_init__(self) -> None:
        check_name(self.name)
        if canonical_zone(self.tz) != self.tz:
            raise UnknownTimeZone(tz=self.tz, suggestion=canonical_zone(self.tz))
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 < self.end <= MINUTES_PER_DAY:
            raise InvalidTime(text=f"{self.start}-{self.end}")
        if self.start == self.end:
            raise EmptyShift(text=f"{format_minutes(self.start)}-{format_minutes(self.end)}")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise InvalidWeekdays(text=",".join(str(d) for d in sorted(self.weekdays)))
        check_lead(self.lead)

    @property
    def key(self) -> str:
        """Case-insensitive identity inside a roster ("emea" and "EMEA" are one region)."""
        return self.name.casefold()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def end_offset(self) -> int:
        """Minutes from the start day's local midnight to the shift end (may exceed 1440)."""
        return self.end if self.end > self.start else self.end + MINUTES_PER_DAY

    @property
    def duration_minutes(self) -> int:
        """Nominal length; a DST change that day makes the real shift an hour longer/shorter."""
        return self.end_offset - self.start

    @property
    def window(self) -> str:
        return f"{format_minutes(self.start)}-{format_minutes(self.end)}"

    def command(self) -> str:
        """The ``/handoff add`` arguments that recreate this region."""
        return f"{self.name} {self.tz} {self.window} {format_weekdays(self.weekdays)} {self.lead}"


@dataclass(frozen=True, slots=True)
class Roster:
    """A team's regions; ``paused`` silences reminders without forgetting the roster."""

    team: TeamKey
    regions: tuple[Region, ...] = field(default=())
    paused: bool = False

    def find(self, name: str) -> Region | None:
        wanted = name.casefold()
        return next((r for r in self.regions if r.key == wanted), None)

    def add(self, region: Region) -> Roster:
        existing = self.find(region.name)
        if existing is not None:
            raise DuplicateRegion(name=region.name, existing=existing.command())
        if len(self.regions) >= MAX_REGIONS:
            raise TooManyRegions(limit=str(MAX_REGIONS))
        return Roster(self.team, (*self.regions, region), self.paused)

    def remove(self, name: str) -> Roster:
        if self.find(name) is None:
            raise UnknownRegion(name=name, known=", ".join(r.name for r in self.regions))
        wanted = name.casefold()
        return Roster(self.team, tuple(r for r in self.regions if r.key != wanted), self.paused)
