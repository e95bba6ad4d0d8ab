"""168-hour UTC-week coverage: gaps, overlaps, DST-dependent weeks, and the heatmap image."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.handoff.coverage import (
    HOURS_PER_WEEK,
    HeatmapLabels,
    analyze,
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


RED = (0xD7, 0x30, 0x27)


def _red_pixels(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        return sum(1 for pixel in rgb.get_flattened_data() if pixel == RED)


def test_heatmap_paints_gaps_red() -> None:
    week = reference_week(date(2026, 3, 30))
    gappy = heatmap_png(analyze([EMEA, AMER, APAC], week), EN, EN)
    full = heatmap_png(analyze([ALWAYS], week), EN, EN)
    nobody = heatmap_png(analyze([], week), EN, EN)
    assert gappy.startswith(b"\x89PNG") and full.startswith(b"\x89PNG")
    # only the legend swatch is red when nothing is uncovered; 49 of 168 cells otherwise
    assert _red_pixels(full) < _red_pixels(gappy) < _red_pixels(nobody)
    assert _red_pixels(gappy) > 10 * _red_pixels(full)


def test_heatmap_in_chinese_never_draws_missing_glyph_boxes() -> None:
    # filterwarnings=error: a "Glyph missing" warning from matplotlib would fail this test
    png = heatmap_png(analyze([EMEA], reference_week(date(2026, 1, 5))), ZH, EN)
    assert png.startswith(b"\x89PNG")
