"""Opening hours as hour-of-week masks, and where in the week the contacts arrive.

A mask is 168 booleans, index ``24 * weekday + hour`` with Monday 00:00 = 0, in the
customer's *local* time (``Scenario.coverage.timezone``). Because openings, arrivals and the
business/after-hours split are all stated in that same local week, no time-zone conversion is
needed here; the zone is kept on the scenario for display and for follow-the-sun hand-offs.

Presets (the product's definitions):

- ``business``: Monday-Friday 09:00-17:00 (40 h/week);
- ``extended``: Monday-Friday 08:00-20:00 plus Saturday 09:00-17:00 (68 h/week);
- ``24x7``: every hour (168 h/week);
- ``custom``: the union of the scenario's :class:`~costengine.scenario.WeeklyWindow` list.

Monthly volumes become an *average week* with ``WEEKS_PER_MONTH = 365.25 / 7 / 12`` (about
4.348): a month is a twelfth of a Julian year. Customers contact a desk while it is open, so
the week's contacts are spread over the open hours only, by the arrival profile renormalised
over the open mask (``data/arrival_profile.toml``; an estimate, and marked as one).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from costengine.errors import InvalidScenario, RateCardError
from costengine.scenario import Coverage, HoursPreset, WeeklyWindow

__all__ = [
    "HOURS_PER_WEEK",
    "WEEKS_PER_MONTH",
    "ArrivalProfile",
    "Arrivals",
    "ChannelClass",
    "arrival_profile",
    "business_mask",
    "hour_index",
    "open_hours",
    "open_mask",
    "preset_windows",
    "weekly_hourly_contacts",
    "window_mask",
]

HOURS_PER_WEEK = 168

#: Average weeks in a month: 365.25 days / 7 / 12 months.
WEEKS_PER_MONTH = 365.25 / 7 / 12

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Mask = tuple[bool, ...]


class ChannelClass(StrEnum):
    """Live channels (answered while the customer waits) or deferrable ones."""

    LIVE = "live"
    DEFERRABLE = "deferrable"


def hour_index(weekday: int, hour: int) -> int:
    """Index into a week mask: ``weekday`` 0 = Monday, ``hour`` 0-23 local."""
    if not (0 <= weekday <= 6 and 0 <= hour <= 23):
        raise InvalidScenario("coverage", f"no such hour of the week: day {weekday}, {hour}h")
    return 24 * weekday + hour


def _window(weekday: int, start: int, end: int) -> WeeklyWindow:
    return WeeklyWindow(weekday=weekday, start_hour=start, end_hour=end)


_PRESETS: dict[HoursPreset, tuple[WeeklyWindow, ...]] = {
    HoursPreset.BUSINESS: tuple(_window(day, 9, 17) for day in range(5)),
    HoursPreset.EXTENDED: (*(_window(day, 8, 20) for day in range(5)), _window(5, 9, 17)),
    HoursPreset.TWENTY_FOUR_SEVEN: tuple(_window(day, 0, 24) for day in range(7)),
}


def preset_windows(preset: HoursPreset) -> tuple[WeeklyWindow, ...]:
    """The weekly windows that define a preset (``custom`` has none of its own)."""
    if preset is HoursPreset.CUSTOM:
        raise InvalidScenario("coverage.preset", "custom hours are given as windows")
    return _PRESETS[preset]


def window_mask(windows: Iterable[WeeklyWindow]) -> Mask:
    """The union of weekly windows as a 168-hour mask."""
    mask = [False] * HOURS_PER_WEEK
    for window in windows:
        for hour in range(window.start_hour, window.end_hour):
            mask[hour_index(window.weekday, hour)] = True
    return tuple(mask)


def open_mask(coverage: Coverage) -> Mask:
    """When the desk is open, in the customer's local week."""
    if coverage.preset is HoursPreset.CUSTOM:
        return window_mask(coverage.custom)
    return window_mask(preset_windows(coverage.preset))


def business_mask() -> Mask:
    """Monday-Friday 09:00-17:00 local: what partial outsourcing calls business hours."""
    return window_mask(_PRESETS[HoursPreset.BUSINESS])


def open_hours(mask: Sequence[bool]) -> int:
    """Open hours in a week mask."""
    return sum(1 for is_open in mask if is_open)


@dataclass(frozen=True, slots=True)
class ArrivalProfile:
    """Relative contact weights for the 168 hours of the week, and where they come from."""

    channel_class: ChannelClass
    weights: tuple[float, ...]
    source: str
    estimate: bool
    why: str


@cache
def arrival_profile(channel_class: ChannelClass) -> ArrivalProfile:
    """The built-in profile for live or deferrable channels (``data/arrival_profile.toml``)."""
    name = "arrival_profile.toml"
    text = resources.files("costengine").joinpath("data", name).read_text(encoding="utf-8")
    table = tomllib.loads(text).get(channel_class.value)
    if not isinstance(table, dict):
        raise RateCardError(f"{name}:{channel_class.value}", "missing table")
    weights: list[float] = []
    for day in _DAYS:
        row = table.get(day)
        if not isinstance(row, list) or len(row) != 24:
            raise RateCardError(f"{name}:{channel_class.value}.{day}", "needs 24 weights")
        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise RateCardError(f"{name}:{channel_class.value}.{day}", "weights are numbers")
            if not (math.isfinite(value) and value > 0):
                raise RateCardError(f"{name}:{channel_class.value}.{day}", "weights must be > 0")
            weights.append(float(value))
    estimate = bool(table.get("estimate", False))
    source = str(table.get("source", ""))
    why = str(table.get("why", ""))
    if not source or (estimate and not why):
        raise RateCardError(f"{name}:{channel_class.value}", "needs a source, or a why")
    return ArrivalProfile(channel_class, tuple(weights), source, estimate, why)


@dataclass(frozen=True, slots=True)
class Arrivals:
    """Where a month's contacts land in the average week, for one open mask and profile.

    The profile's renormalisation over the open hours is worked out once here, because a
    scenario is planned at many volumes (tier-1 split, break-even search, sensitivity).
    """

    weights: tuple[float, ...]  # the profile's weight in open hours, 0.0 in closed ones
    total_weight: float

    @classmethod
    def of(cls, mask: Sequence[bool], profile: ArrivalProfile) -> Arrivals:
        if len(mask) != HOURS_PER_WEEK:
            raise InvalidScenario("coverage", "a week mask has 168 hours")
        weights = tuple(
            weight if is_open else 0.0
            for weight, is_open in zip(profile.weights, mask, strict=True)
        )
        return cls(weights, math.fsum(weights))

    def hourly(self, contacts_per_month: float) -> tuple[float, ...]:
        """Contacts arriving in each hour of the average week (see
        :func:`weekly_hourly_contacts`)."""
        monthly = float(contacts_per_month)
        if not (math.isfinite(monthly) and monthly >= 0):
            raise InvalidScenario("contacts_per_month", f"must be >= 0, got {contacts_per_month!r}")
        total_weight = self.total_weight
        if total_weight == 0:
            if monthly == 0:
                return (0.0,) * HOURS_PER_WEEK
            raise InvalidScenario("coverage", "contacts arrive but the desk is never open")
        weekly = monthly / WEEKS_PER_MONTH
        # A closed hour's weight is 0.0, and weekly * 0.0 / total is 0.0: no branch needed.
        return tuple([weekly * weight / total_weight for weight in self.weights])


def weekly_hourly_contacts(
    contacts_per_month: float, mask: Sequence[bool], profile: ArrivalProfile
) -> tuple[float, ...]:
    """Contacts arriving in each hour of the average week, open hours only.

    ``contacts_per_month / WEEKS_PER_MONTH`` contacts are shared out in proportion to the
    profile's weights over the open hours; closed hours get none. The result sums to the
    weekly volume (to rounding).
    """
    return Arrivals.of(mask, profile).hourly(contacts_per_month)
