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

The heatmap is drawn with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``): no
pyplot, so no global figure state and nothing to leak between requests. Its text is set in
DejaVu Sans with the bundled CJK subset behind it (as the estimate chart does, see
:mod:`bot.render.chart`), so Chinese labels draw on servers without CJK fonts.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from bot.handoff.roster import Region
from bot.handoff.schedule import shifts_between

__all__ = [
    "HOURS_PER_WEEK",
    "Coverage",
    "HeatmapLabels",
    "Interval",
    "analyze",
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
_COLOURS = ("#d73027", "#fdae61", "#d9ef8b", "#66bd63", "#1a9850")


@dataclass(frozen=True, slots=True)
class HeatmapLabels:
    """Localized text for the image (the caller renders it from the locale's strings).

    ``legend`` has five entries matching the categories: nobody, partly, 1, 2, 3+.
    """

    title: str
    days: tuple[str, str, str, str, str, str, str]
    hour_axis: str
    legend: tuple[str, str, str, str, str]


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


def heatmap_png(coverage: Coverage, labels: HeatmapLabels, fallback: HeatmapLabels) -> bytes:
    """A 7 × 24 PNG (days × UTC hours) coloured by head count; gaps in red.

    ``fallback`` (the English labels) is used when the installed font lacks glyphs for
    ``labels``, so a server without CJK fonts still draws a readable chart instead of boxes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Patch

    texts = (labels.title, labels.hour_axis, *labels.days, *labels.legend)
    use = labels if all(_font_has(t) for t in texts) else fallback
    font = FontProperties(family=list(_families()))  # one weight: the subset has no bold
    grid = [
        [_category(*coverage.hour_range(day * 24 + hour)) for hour in range(24)] for day in range(7)
    ]
    figure = Figure(figsize=(10, 3.8), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    cmap = ListedColormap(list(_COLOURS))
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5], cmap.N)
    axes.imshow(grid, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    axes.set_yticks(range(7), list(use.days), fontproperties=font)
    axes.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    axes.set_xticks([x - 0.5 for x in range(1, 24)], minor=True)
    axes.set_yticks([y - 0.5 for y in range(1, 7)], minor=True)
    axes.grid(which="minor", color="white", linewidth=1)
    axes.tick_params(which="minor", length=0)
    axes.set_xlabel(use.hour_axis, fontproperties=font)
    axes.set_title(use.title, fontproperties=FontProperties(family=list(_families()), size="large"))
    handles = [Patch(color=c, label=t) for c, t in zip(_COLOURS, use.legend, strict=True)]
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        ncol=5,
        frameon=False,
        prop=font,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
