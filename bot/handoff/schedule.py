"""When do shifts start and end, in UTC, and who hands over to whom: pure, zoneinfo only.

A local wall time does not always name exactly one instant. The rules, chosen so that a
reminder is never lost and never sent twice:

- **Nonexistent** (spring forward: Warsaw 2026-03-29 02:00-03:00 does not happen): the
  time moves to the first instant after the gap, i.e. the transition itself. A shift
  starting 02:30 that day starts at 03:00 local (01:00 UTC). zoneinfo's own ``fold=0``
  answer would be 03:30, an hour that the roster never mentions.
- **Ambiguous** (fall back: Warsaw 2026-10-25 02:00-03:00 happens twice): the first
  occurrence (``fold=0``, the summer offset). A change at 02:30 fires once, at the first
  02:30; the repeated hour is not a second change.
- A shift that DST squeezes to nothing (02:30-03:00 on a spring-forward day) is dropped.

A **shift change** is a region's shift end. The incoming region is the one already on
shift at that instant whose shift runs longest (the overlap case), else the next region to
start (a gap, reported as such). A region that is still on shift at its own end, because
the next day's shift starts then (00:00-24:00 daily), has no change there. A roster of one
region has nobody to hand over to, so no changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.handoff.roster import MINUTES_PER_DAY, Region

__all__ = [
    "Shift",
    "ShiftChange",
    "changes_between",
    "local_to_utc",
    "next_changes",
    "shifts_between",
]

#: How far apart two shifts of a roster can be: every region works at least one weekday.
_WEEK = timedelta(days=7)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _gap_end(naive: datetime, zone: ZoneInfo) -> datetime:
    """The transition instant that swallowed ``naive`` (the first valid instant after it)."""
    a = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    b = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = min(a, b), max(a, b)
    after = hi.astimezone(zone).utcoffset()
    # Offsets change on whole seconds; bisect the seconds between the two readings.
    lo_s, hi_s = 0, int((hi - lo).total_seconds())
    while lo_s < hi_s:
        mid = (lo_s + hi_s) // 2
        if (lo + timedelta(seconds=mid)).astimezone(zone).utcoffset() == after:
            hi_s = mid
        else:
            lo_s = mid + 1
    return lo + timedelta(seconds=lo_s)


def local_to_utc(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """``minutes`` after local midnight of ``day`` in ``zone`` as a UTC instant.

    ``minutes`` may exceed a day (a night shift's end). Nonexistent times move to the end
    of the gap; ambiguous times take the first occurrence (see the module docstring).
    """
    day += timedelta(days=minutes // MINUTES_PER_DAY)
    minutes %= MINUTES_PER_DAY
    naive = datetime.combine(day, time(minutes // 60, minutes % 60))
    instant = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        return _gap_end(naive, zone)
    return instant


@dataclass(frozen=True, slots=True)
class Shift:
    """One occurrence of a region's shift; ``day`` is the local start date."""

    region: Region
    day: date
    start: datetime
    end: datetime

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def shifts_between(region: Region, start: datetime, end: datetime) -> list[Shift]:
    """The region's shifts that overlap ``[start, end)``, in order."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    zone = region.zone
    first = start.astimezone(zone).date() - timedelta(days=2)
    last = end.astimezone(zone).date() + timedelta(days=1)
    found: list[Shift] = []
    day = first
    while day <= last:
        if day.weekday() in region.weekdays:
            s = local_to_utc(day, region.start, zone)
            e = local_to_utc(day, region.end_offset, zone)
            if s < e and s < end and e > start:
                found.append(Shift(region, day, s, e))
        day += timedelta(days=1)
    return found


@dataclass(frozen=True, slots=True)
class ShiftChange:
    """A handoff: ``outgoing``'s shift ends ``at`` (UTC) and ``incoming`` takes over.

    ``incoming_start`` is when the incoming shift starts: before ``at`` means the regions
    overlap, after ``at`` means nobody is on shift in between (see :attr:`gap`).
    """

    at: datetime
    outgoing: Region
    incoming: Region
    incoming_start: datetime
    outgoing_shift_start: datetime

    @property
    def gap(self) -> timedelta:
        return max(self.incoming_start - self.at, timedelta(0))

    @property
    def overlap(self) -> timedelta:
        return max(self.at - self.incoming_start, timedelta(0))

    @property
    def local_at(self) -> datetime:
        """The change in the outgoing region's local time (what its lead expects)."""
        return self.at.astimezone(self.outgoing.zone)


def _incoming(shift: Shift, others: Iterable[Shift]) -> Shift | None:
    at = shift.end
    active = [s for s in others if s.covers(at)]
    if active:
        return max(active, key=lambda s: (s.end, s.region.key))
    upcoming = [s for s in others if s.start > at]
    return min(upcoming, key=lambda s: (s.start, s.region.key)) if upcoming else None


def changes_between(regions: Sequence[Region], start: datetime, end: datetime) -> list[ShiftChange]:
    """Every shift change with ``start <= at < end``, ordered by time then region name."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end <= start or len(regions) < 2:
        return []
    around = {
        r.key: shifts_between(r, start - _WEEK - timedelta(days=1), end + _WEEK + _WEEK)
        for r in regions
    }
    changes: list[ShiftChange] = []
    for region in regions:
        own = around[region.key]
        others = [s for r in regions if r.key != region.key for s in around[r.key]]
        for shift in own:
            if not start <= shift.end < end:
                continue
            if any(o is not shift and o.covers(shift.end) for o in own):
                continue  # the region's next shift starts as this one ends: no handoff
            incoming = _incoming(shift, others)
            if incoming is None:
                continue
            changes.append(
                ShiftChange(
                    at=shift.end,
                    outgoing=region,
                    incoming=incoming.region,
                    incoming_start=incoming.start,
                    outgoing_shift_start=shift.start,
                )
            )
    changes.sort(key=lambda c: (c.at, c.outgoing.key))
    return changes


def next_changes(
    regions: Sequence[Region], after: datetime, *, limit: int = 10
) -> list[ShiftChange]:
    """The next ``limit`` changes strictly after ``after`` (looks up to two weeks ahead)."""
    _require_aware(after, "after")
    later = changes_between(regions, after + timedelta(microseconds=1), after + _WEEK + _WEEK)
    return later[:limit]
