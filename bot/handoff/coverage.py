"""Which hours of a UTC week nobody works, and which have two regions at once.

Coverage depends on the week: Warsaw, New York and Sydney change their clocks on different
dates, so the same roster can be gap-free in January and leave an hour open in late March.
The analysis therefore takes a *reference week* (Monday 00:00 UTC, the week containing a
date the user picks, this week by default) and counts regions on shift minute by minute
using :func:`bot.handoff.schedule.shifts_between`, so DST is handled the same way the
reminders handle it.

An hour is a **gap hour** when at least one of its minutes has nobody on shift and an
**overlap hour** when at least one minute has two or more regions. The exact gap and
overlap intervals are reported at minute precision as well.

The heatmap is drawn for a phone held upright, in the roster's local time (the first
region's zone, with strips giving the same hours in UTC and in the other regions' zones),
in colour-blind-safe blues and hatched oranges, and with a legend of only what occurs. It is
drawn with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``): no
pyplot, so no global figure state and nothing to leak between requests. Its text is set in
DejaVu Sans with the bundled CJK subset behind it (as the estimate chart does, see
:mod:`bot.render.chart`), so Chinese labels draw on servers without CJK fonts.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.handoff.roster import Region
from bot.handoff.schedule import shifts_between

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "HEATMAP_DPI",
    "HEATMAP_WIDTH_IN",
    "HOURS_PER_WEEK",
    "Coverage",
    "HeatmapLabels",
    "Interval",
    "analyze",
    "heatmap_figure",
    "heatmap_grid",
    "heatmap_png",
    "opened_gaps",
    "reference_week",
]

HOURS_PER_WEEK = 168
_MINUTES = HOURS_PER_WEEK * 60


def reference_week(day: date | datetime) -> datetime:
    """Monday 00:00 UTC of the UTC week containing ``day`` (an aware datetime or a date)."""
    if isinstance(day, datetime):
        if day.tzinfo is None:
            raise ValueError("day must be timezone-aware")
        day = day.astimezone(UTC).date()
    monday = day - timedelta(days=day.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Interval:
    """``[start, end)`` in UTC."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Per-minute head count for one UTC week, with the derived hour and interval views.

    ``counts[m]`` is the number of regions on shift during minute ``m`` of the week.
    """

    week_start: datetime
    counts: tuple[int, ...]

    def hour_range(self, hour: int) -> tuple[int, int]:
        """(fewest, most) regions on shift during hour ``hour`` (0 = Monday 00:00 UTC)."""
        chunk = self.counts[hour * 60 : hour * 60 + 60]
        return min(chunk), max(chunk)

    @property
    def gap_hours(self) -> tuple[int, ...]:
        return tuple(h for h in range(HOURS_PER_WEEK) if self.hour_range(h)[0] == 0)

    @property
    def overlap_hours(self) -> tuple[int, ...]:
        return tuple(h for h in range(HOURS_PER_WEEK) if self.hour_range(h)[1] >= 2)

    @property
    def uncovered_minutes(self) -> int:
        return sum(1 for c in self.counts if c == 0)

    @property
    def overlap_minutes(self) -> int:
        return sum(1 for c in self.counts if c >= 2)

    @property
    def gaps(self) -> tuple[Interval, ...]:
        return self._runs(lambda c: c == 0)

    @property
    def overlaps(self) -> tuple[Interval, ...]:
        return self._runs(lambda c: c >= 2)

    def _runs(self, test: Callable[[int], bool]) -> tuple[Interval, ...]:
        runs: list[Interval] = []
        begin: int | None = None
        for minute, count in enumerate((*self.counts, -1)):
            hit = minute < _MINUTES and test(count)
            if hit and begin is None:
                begin = minute
            elif not hit and begin is not None:
                runs.append(
                    Interval(
                        self.week_start + timedelta(minutes=begin),
                        self.week_start + timedelta(minutes=minute),
                    )
                )
                begin = None
        return tuple(runs)


def analyze(regions: Sequence[Region], week_start: datetime) -> Coverage:
    """Count regions on shift for each minute of the week starting ``week_start``."""
    if week_start != reference_week(week_start):
        raise ValueError("week_start must be a Monday 00:00 UTC (see reference_week)")
    end = week_start + timedelta(minutes=_MINUTES)
    diff = [0] * (_MINUTES + 1)
    for region in regions:
        for shift in shifts_between(region, week_start, end):
            first = max(0, int((shift.start - week_start).total_seconds() // 60))
            last = min(_MINUTES, -int(-(shift.end - week_start).total_seconds() // 60))
            diff[first] += 1
            diff[last] -= 1
    counts: list[int] = []
    running = 0
    for step in diff[:_MINUTES]:
        running += step
        counts.append(running)
    return Coverage(week_start, tuple(counts))


def opened_gaps(before: Coverage, after: Coverage) -> tuple[Interval, ...]:
    """Intervals uncovered in ``after`` that were covered in ``before`` (same week)."""
    if before.week_start != after.week_start:
        raise ValueError("compare coverage of the same reference week")
    merged = Coverage(
        after.week_start,
        tuple(
            0 if (a == 0 and b > 0) else 1 for a, b in zip(after.counts, before.counts, strict=True)
        ),
    )
    return merged.gaps


# --- heatmap -------------------------------------------------------------------------------

#: Cell categories, in legend order: nobody, partly uncovered, one region, two, three+.
#: Colour-blind safe: blues for coverage (light to dark with the head count), vermillion and
#: orange for the gaps, which are hatched as well so they never rely on colour alone.
_COLOURS = ("#D55E00", "#E69F00", "#C6DBEF", "#6BAED6", "#2171B5")
_HATCHES = ("xx", "//", "", "", "")

#: Layout for a phone held upright: 800 px wide at 200 dpi (a 400-px screen at 2x), every
#: text at least 10 pt (12 CSS px when shown 360 px wide).
HEATMAP_DPI = 200
HEATMAP_WIDTH_IN = 4.0
_TEXT_PT = 10.0
_TITLE_PT = 11.0
_ROW_IN = 0.2
_STRIP_IN = 0.44
_MAX_ZONES = 3  # local-time strips besides UTC (the first region's zone drives the grid)


@dataclass(frozen=True, slots=True)
class HeatmapLabels:
    """Localized text for the image (the caller renders it from the locale's strings).

    ``legend`` has five entries matching the categories: nobody, partly, 1, 2, 3+; only the
    categories that occur are drawn. ``hour_axis`` heads the hour strips; ``utc`` names the
    UTC strip.
    """

    title: str
    days: tuple[str, str, str, str, str, str, str]
    hour_axis: str
    legend: tuple[str, str, str, str, str]
    utc: str = "UTC"


def _category(low: int, high: int) -> int:
    if high == 0:
        return 0
    if low == 0:
        return 1
    return min(low, 3) + 1


_BASE_FAMILY = "DejaVu Sans"


@cache
def _families() -> tuple[str, ...]:
    """DejaVu Sans, then the bundled CJK subset (``bot/render/fonts``, built from the zh
    labels by ``python -m bot.render.fonts.subset``): matplotlib falls back glyph by glyph.
    ``fontManager.addfont`` only adds the file to the font list (idempotent)."""
    from matplotlib.font_manager import FontProperties, fontManager

    from bot.render.chart import cjk_font_path

    path = cjk_font_path()
    if not path.is_file():
        return (_BASE_FAMILY,)
    fontManager.addfont(str(path))
    return (_BASE_FAMILY, str(FontProperties(fname=str(path)).get_name()))


@cache
def _charmap() -> frozenset[int]:
    """Every code point the fonts of :func:`_families` can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    found: set[int] = set()
    for family in _families():
        props = font_manager.FontProperties(family=family)
        found |= set(FT2Font(font_manager.findfont(props)).get_charmap())
    return frozenset(found)


@cache
def _font_has(text: str) -> bool:
    """Whether the heatmap's fonts can draw ``text`` (else the English labels are used)."""
    charmap = _charmap()
    return all(ord(ch) in charmap or ch.isspace() for ch in text)


@dataclass(frozen=True, slots=True)
class _Zone:
    """One hour strip: a time zone and what to call it (the regions that use it)."""

    tz: str
    name: str


def _zones(regions: Sequence[Region]) -> list[_Zone]:
    """The roster's time zones in roster order, each named by its regions (or its city when
    the fonts cannot draw a region's name), at most :data:`_MAX_ZONES`."""
    names: dict[str, list[str]] = {}
    for region in regions:
        names.setdefault(region.tz, []).append(region.name)
    zones = []
    for tz, found in list(names.items())[:_MAX_ZONES]:
        name = "/".join(found)
        if len(name) > 10 or not _font_has(name):
            name = tz.rsplit("/", 1)[-1].replace("_", " ")
        zones.append(_Zone(tz, "\n".join(textwrap.wrap(name, 5)[:2]) or name[:5]))
    return zones


def _local_cells(coverage: Coverage, tz: str) -> list[list[tuple[int, int]]]:
    """(fewest, most) regions on shift for each local hour (row) of each local weekday
    (column) of the week, read from the UTC week's minutes (the roster repeats weekly)."""
    zone = ZoneInfo(tz)
    start = coverage.week_start
    local_monday = datetime.combine(start.date(), datetime.min.time(), tzinfo=zone)
    rows: list[list[tuple[int, int]]] = []
    for hour in range(24):
        row = []
        for day in range(7):
            # wall-clock arithmetic in the zone, then to UTC: DST weeks stay right
            local = local_monday.replace(tzinfo=None) + timedelta(days=day, hours=hour)
            instant = local.replace(tzinfo=zone).astimezone(UTC)
            minute = int((instant - start).total_seconds() // 60) % _MINUTES
            chunk = [coverage.counts[(minute + m) % _MINUTES] for m in range(60)]
            row.append((min(chunk), max(chunk)))
        rows.append(row)
    return rows


def _hour_in(tz: str, primary: str, week_start: datetime, hour: int) -> str:
    """The hour in ``tz`` when it is ``hour``:00 in ``primary`` on the week's Wednesday."""
    wednesday = week_start.date() + timedelta(days=2)
    local = datetime.combine(wednesday, datetime.min.time()) + timedelta(hours=hour)
    instant = local.replace(tzinfo=ZoneInfo(primary)).astimezone(ZoneInfo(tz))
    return f"{instant.hour:02d}" if instant.minute == 0 else f"{instant:%H:%M}"


def heatmap_png(
    coverage: Coverage,
    labels: HeatmapLabels,
    fallback: HeatmapLabels,
    *,
    regions: Sequence[Region] = (),
) -> bytes:
    """The PNG of :func:`heatmap_figure` (no software metadata)."""
    figure = heatmap_figure(coverage, labels, fallback, regions=regions)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def heatmap_grid(coverage: Coverage, tz: str) -> list[list[int]]:
    """The heatmap's cells: for each local hour of ``tz`` (rows) and weekday (columns), the
    category 0-4 (nobody, partly uncovered, one region, two, three or more)."""
    return [[_category(low, high) for low, high in row] for row in _local_cells(coverage, tz)]


def heatmap_figure(
    coverage: Coverage,
    labels: HeatmapLabels,
    fallback: HeatmapLabels,
    *,
    regions: Sequence[Region] = (),
) -> Figure:
    """A week of coverage as a PNG: one column per day, one row per hour of the first
    region's local time, with strips giving the same hour in UTC and in the other regions'
    zones; gaps hatched in vermillion and orange, coverage in blues; a legend of only the
    categories that occur.

    ``fallback`` (the English labels) is used when the installed font lacks glyphs for
    ``labels``, so a server without CJK fonts still draws a readable chart instead of boxes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Rectangle

    texts = (labels.title, labels.hour_axis, labels.utc, *labels.days, *labels.legend)
    use = labels if all(_font_has(t) for t in texts) else fallback
    families = list(_families())  # one weight: the subset has no bold
    font = FontProperties(family=families, size=_TEXT_PT)
    title_font = FontProperties(family=families, size=_TITLE_PT)

    zones = _zones(regions)
    primary = zones[0].tz if zones else "UTC"
    strips = [*zones, _Zone("UTC", use.utc)] if primary != "UTC" else [_Zone("UTC", use.utc)]
    grid = heatmap_grid(coverage, primary)
    present = sorted({category for row in grid for category in row})

    title_lines = textwrap.wrap(use.title, 40) or [use.title]
    top_in = 0.14 + 0.26 * len(title_lines) + 0.1
    name_lines = max(strip.name.count("\n") + 1 for strip in strips)
    header_in = 0.24 + 0.2 * name_lines + 0.08
    grid_top = top_in + header_in
    legend_in = 0.12 + 0.24 * len(present)
    height = grid_top + 24 * _ROW_IN + legend_in + 0.12
    figure = Figure(figsize=(HEATMAP_WIDTH_IN, height), dpi=HEATMAP_DPI)
    FigureCanvasAgg(figure)

    def x(inches: float) -> float:
        return inches / HEATMAP_WIDTH_IN

    def y(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    for index, line in enumerate(title_lines):
        figure.text(x(0.12), y(0.14 + 0.26 * index), line, va="top", fontproperties=title_font)

    left = 0.04
    figure.text(x(0.1), y(top_in), use.hour_axis, va="top", fontproperties=font)
    for index, strip in enumerate(strips):
        centre = left + (index + 0.5) * _STRIP_IN
        figure.text(
            x(centre),
            y(grid_top - 0.06),
            strip.name,
            ha="center",
            va="bottom",
            fontproperties=font,
            linespacing=1.0,
        )
        for hour in range(24):
            label = (
                f"{hour:02d}"
                if strip.tz == primary
                else _hour_in(strip.tz, primary, coverage.week_start, hour)
            )
            figure.text(
                x(centre),
                y(grid_top + (hour + 0.5) * _ROW_IN),
                label,
                ha="center",
                va="center",
                fontproperties=font,
                color="#222222" if index == 0 else "#555555",
            )
    grid_left = left + len(strips) * _STRIP_IN + 0.04
    column = (HEATMAP_WIDTH_IN - grid_left - 0.04) / 7
    for day, name in enumerate(use.days):
        figure.text(
            x(grid_left + (day + 0.5) * column),
            y(grid_top - 0.06),
            name,
            ha="center",
            va="bottom",
            fontproperties=font,
        )
    for hour in range(24):
        for day in range(7):
            category = grid[hour][day]
            figure.add_artist(
                Rectangle(
                    (x(grid_left + day * column), y(grid_top + (hour + 1) * _ROW_IN)),
                    x(column),
                    _ROW_IN / height,
                    facecolor=_COLOURS[category],
                    edgecolor="white",
                    hatch=_HATCHES[category] or None,
                    linewidth=0.8,
                )
            )

    legend_top = grid_top + 24 * _ROW_IN + 0.12
    for row, category in enumerate(present):
        top = legend_top + row * 0.24
        figure.add_artist(
            Rectangle(
                (x(0.12), y(top + 0.17)),
                x(0.28),
                0.15 / height,
                facecolor=_COLOURS[category],
                edgecolor="#666666",
                hatch=_HATCHES[category] or None,
                linewidth=0.4,
            )
        )
        figure.text(x(0.5), y(top + 0.015), use.legend[category], va="top", fontproperties=font)
    return figure
