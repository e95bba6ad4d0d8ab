"""168-hour UTC-week coverage: gaps, overlaps, DST-dependent weeks, and the heatmap image."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from bot.handoff.coverage import (
    HEATMAP_DPI,
    HEATMAP_WIDTH_IN,
    HOURS_PER_WEEK,
    HeatmapLabels,
    analyze,
    heatmap_figure,
    heatmap_grid,
    heatmap_png,
    opened_gaps,
    reference_week,
)
from bot.handoff.roster import Region

MON_FRI = frozenset(range(5))
EMEA = Region("EMEA", "Europe/Warsaw", 480, 1020, MON_FRI, "@anna")
AMER = Region("AMER", "America/New_York", 480, 1020, MON_FRI, "@ben")
APAC = Region("APAC", "Australia/Sydney", 480, 1020, MON_FRI, "@chen")
ALWAYS = Region("ALWAYS", "UTC", 0, 1440, frozenset(range(7)), "@desk")

EN = HeatmapLabels(
    "Coverage",
    ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "Hour (UTC)",
    ("nobody", "partly", "1", "2", "3+"),
)
ZH = HeatmapLabels(
    "覆盖情况",
    ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "小时 (UTC)",
    ("无人", "部分", "1", "2", "3+"),
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_reference_week_is_the_utc_monday() -> None:
    assert reference_week(date(2026, 3, 29)) == utc(2026, 3, 23)  # a Sunday
    assert reference_week(utc(2026, 3, 30, 23, 59)) == utc(2026, 3, 30)
    # 01:00 Tuesday in Sydney is still Monday in UTC
    sydney = datetime(2026, 3, 31, 1, tzinfo=ZoneInfo("Australia/Sydney"))
    assert reference_week(sydney) == utc(2026, 3, 30)
    with pytest.raises(ValueError, match="Monday"):
        analyze([EMEA], utc(2026, 3, 31))


def test_empty_and_round_the_clock_rosters() -> None:
    week = reference_week(date(2026, 6, 1))
    nobody = analyze([], week)
    assert nobody.gap_hours == tuple(range(HOURS_PER_WEEK))
    assert [(g.start, g.end) for g in nobody.gaps] == [(week, week + timedelta(days=7))]
    everyone = analyze([ALWAYS], week)
    assert everyone.gaps == () and everyone.uncovered_minutes == 0
    assert everyone.overlap_hours == ()


def test_follow_the_sun_gaps_and_overlaps_depend_on_the_week() -> None:
    # 9-13 March 2026: New York is on EDT, Warsaw still on CET -> 4 h EMEA/AMER overlap
    march = analyze([EMEA, AMER, APAC], reference_week(date(2026, 3, 9)))
    assert march.overlap_minutes == 5 * 4 * 60
    assert march.overlap_hours[:4] == (12, 13, 14, 15)
    # 30 March - 3 April: both on summer time -> 3 h
    april = analyze([EMEA, AMER, APAC], reference_week(date(2026, 3, 30)))
    assert april.overlap_minutes == 5 * 3 * 60
    # The only gap is the weekend: Friday 21:00 UTC until Sydney's Monday 08:00 AEST
    assert [(g.start, g.end) for g in april.gaps] == [(utc(2026, 4, 3, 21), utc(2026, 4, 5, 22))]
    assert april.uncovered_minutes == 49 * 60


def test_partial_hours_count_as_gaps() -> None:
    india = Region("IN", "Asia/Kolkata", 570, 1080, frozenset(range(7)), "@dev")  # 09:30-18:00
    rest = Region("REST", "UTC", 780, 240, frozenset(range(7)), "@ops")  # 13:00-04:00 UTC
    cov = analyze([india, rest], reference_week(date(2026, 6, 1)))
    # India starts 04:00 UTC: covered; ends 12:30 UTC: 12:30-13:00 open every day
    assert cov.hour_range(12) == (0, 1)
    assert 12 in cov.gap_hours and 11 not in cov.gap_hours
    assert cov.uncovered_minutes == 7 * 30
    assert all(g.minutes == 30 for g in cov.gaps)


def test_removing_a_region_reports_the_gap_it_opens() -> None:
    week = reference_week(date(2026, 3, 30))
    before = analyze([EMEA, AMER, APAC], week)
    after = analyze([EMEA, APAC], week)
    opened = opened_gaps(before, after)
    # AMER alone covered 15:00-21:00 UTC Monday-Friday (EMEA leaves at 15:00)
    assert [(g.start, g.end) for g in opened[:1]] == [(utc(2026, 3, 30, 15), utc(2026, 3, 30, 21))]
    assert sum(g.minutes for g in opened) == 5 * 6 * 60
    assert opened_gaps(after, before) == ()
    with pytest.raises(ValueError, match="same"):
        opened_gaps(before, analyze([], reference_week(date(2026, 4, 6))))


VERMILLION = (0xD5, 0x5E, 0x00)


def _gap_pixels(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        return sum(1 for pixel in rgb.get_flattened_data() if pixel == VERMILLION)


def test_heatmap_paints_gaps_in_hatched_vermillion() -> None:
    week = reference_week(date(2026, 3, 30))
    gappy = heatmap_png(analyze([EMEA, AMER, APAC], week), EN, EN, regions=[EMEA, AMER, APAC])
    full = heatmap_png(analyze([ALWAYS], week), EN, EN, regions=[ALWAYS])
    nobody = heatmap_png(analyze([], week), EN, EN)
    assert gappy.startswith(b"\x89PNG") and full.startswith(b"\x89PNG")
    # a full roster has no gap colour at all (not even in its legend); gaps show otherwise
    assert _gap_pixels(full) == 0 < _gap_pixels(gappy) < _gap_pixels(nobody)


def _legend(figure_texts: list[str]) -> set[str]:
    return {text for text in figure_texts if text in EN.legend}


def test_heatmap_legend_lists_only_what_occurs() -> None:
    """Issue 15, problem 8: the legend listed entries that do not occur."""
    week = reference_week(date(2026, 3, 30))
    full = heatmap_figure(analyze([ALWAYS], week), EN, EN, regions=[ALWAYS])
    assert _legend([t.get_text() for t in full.texts]) == {"1"}
    gappy = heatmap_figure(analyze([EMEA, AMER], week), EN, EN, regions=[EMEA, AMER])
    assert _legend([t.get_text() for t in gappy.texts]) == {"nobody", "1", "2"}


def test_heatmap_rows_are_the_first_regions_local_hours_with_a_utc_strip() -> None:
    """Problem 8: the heatmap was UTC only. Rows are Warsaw hours (08:00-17:00 covered on
    weekdays); beside them the same hour in UTC (07 in January) and in New York (02)."""
    week = reference_week(date(2026, 1, 5))
    coverage = analyze([EMEA, AMER], week)
    grid = heatmap_grid(coverage, "Europe/Warsaw")
    monday = [row[0] for row in grid]
    assert monday[7] == 0 and monday[8] >= 2 and monday[16] >= 2  # AMER from 14:00 Warsaw
    assert monday[13] == 2 and all(row[5] == 0 for row in grid)  # Saturday: nobody
    figure = heatmap_figure(coverage, EN, EN, regions=[EMEA, AMER])
    texts = [t for t in figure.texts]
    row_8 = [t for t in texts if t.get_text() == "08" and t.get_position()[0] < 0.12]
    assert len(row_8) == 1  # the Warsaw strip, leftmost
    level = row_8[0].get_position()[1]
    beside = {t.get_text() for t in texts if abs(t.get_position()[1] - level) < 1e-9}
    assert beside == {"08", "02", "07"}  # Warsaw, New York, UTC
    headers = {t.get_text() for t in texts}
    assert {"EMEA", "AMER", "UTC"} <= headers


def test_heatmap_text_is_at_least_12_px_on_a_360_px_wide_phone() -> None:
    """Problem 8: phone-legible. 800 px wide at 2x; every text 12 CSS px or more at 360."""
    week = reference_week(date(2026, 3, 30))
    figure = heatmap_figure(analyze([EMEA, AMER, APAC], week), EN, EN, regions=[EMEA, AMER, APAC])
    width_px = HEATMAP_WIDTH_IN * HEATMAP_DPI
    assert width_px == 800
    for text in figure.findobj(Text):
        if text.get_text().strip():
            assert text.get_fontsize() * HEATMAP_DPI / 72 * 360 / width_px >= 12, text


def test_heatmap_gaps_do_not_rely_on_red_and_green() -> None:
    """Problem 8: red/green was hard for colour-blind readers. Gap cells are hatched and
    vermillion or orange; covered cells are blues (different in lightness as well)."""
    week = reference_week(date(2026, 3, 30))
    figure = heatmap_figure(analyze([EMEA, AMER, APAC], week), EN, EN, regions=[EMEA, AMER])
    cells = [p for p in figure.findobj(Rectangle) if p.get_hatch()]
    assert cells and all(p.get_facecolor()[0] > p.get_facecolor()[2] for p in cells)  # warm
    covered = [p for p in figure.findobj(Rectangle) if not p.get_hatch() and p.get_width() < 0.2]
    assert covered and all(p.get_facecolor()[2] > p.get_facecolor()[0] for p in covered)  # blue


def test_heatmap_in_chinese_never_draws_missing_glyph_boxes() -> None:
    # filterwarnings=error: a "Glyph missing" warning from matplotlib would fail this test
    png = heatmap_png(analyze([EMEA], reference_week(date(2026, 1, 5))), ZH, EN, regions=[EMEA])
    assert png.startswith(b"\x89PNG")
