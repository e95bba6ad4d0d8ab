"""Shift changes in UTC across DST in several zones, and the gap/fold rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handoff.roster import Region
from bot.handoff.schedule import changes_between, local_to_utc, next_changes, shifts_between

ALL_WEEK = frozenset(range(7))
MON_FRI = frozenset(range(5))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def region(name: str, tz: str, start: str, end: str, days: frozenset[int] = ALL_WEEK) -> Region:
    def minutes(text: str) -> int:
        h, m = text.split(":")
        return int(h) * 60 + int(m)

    return Region(name, tz, minutes(start), minutes(end), days, f"@{name.lower()}")


# --- local wall time -> instant ------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected_utc", "expected_local"),
    [
        # spring forward: 02:00-03:00 does not exist -> the transition (03:00 local)
        ("Europe/Warsaw", date(2026, 3, 29), "02:30", utc(2026, 3, 29, 1, 0), "03:00+0200"),
        ("Europe/Warsaw", date(2026, 3, 29), "02:00", utc(2026, 3, 29, 1, 0), "03:00+0200"),
        ("Europe/Warsaw", date(2026, 3, 29), "03:00", utc(2026, 3, 29, 1, 0), "03:00+0200"),
        ("America/New_York", date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7, 0), "03:00-0400"),
        ("Australia/Sydney", date(2026, 10, 4), "02:30", utc(2026, 10, 3, 16, 0), "03:00+1100"),
        # fall back: 02:00-03:00 (NY 01:00-02:00) happens twice -> the first occurrence
        ("Europe/Warsaw", date(2026, 10, 25), "02:30", utc(2026, 10, 25, 0, 30), "02:30+0200"),
        ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30), "01:30-0400"),
        ("Australia/Sydney", date(2026, 4, 5), "02:30", utc(2026, 4, 4, 15, 30), "02:30+1100"),
        # ordinary times either side
        ("Europe/Warsaw", date(2026, 10, 25), "03:00", utc(2026, 10, 25, 2, 0), "03:00+0100"),
        ("Australia/Lord_Howe", date(2026, 10, 4), "02:15", utc(2026, 10, 3, 15, 30), "02:30+1100"),
    ],
)
def test_local_to_utc_rules(
    zone: str, day: date, wall: str, expected_utc: datetime, expected_local: str
) -> None:
    h, m = (int(x) for x in wall.split(":"))
    instant = local_to_utc(day, h * 60 + m, ZoneInfo(zone))
    assert instant == expected_utc
    assert instant.astimezone(ZoneInfo(zone)).strftime("%H:%M%z") == expected_local


@settings(max_examples=200)
@given(
    zone=st.sampled_from(
        [
            "Europe/Warsaw",
            "America/New_York",
            "Australia/Sydney",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
        ]
    ),
    day=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    minutes=st.integers(0, 2879),
)
def test_local_to_utc_is_exact_or_the_end_of_a_gap(zone: str, day: date, minutes: int) -> None:
    tz = ZoneInfo(zone)
    instant = local_to_utc(day, minutes, tz)
    wanted = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
    wall = instant.astimezone(tz).replace(tzinfo=None)
    if wall != wanted:
        # only a nonexistent time may move, and only forward to the transition instant
        assert wall > wanted
        before = (instant - timedelta(seconds=1)).astimezone(tz)
        assert before.utcoffset() != instant.astimezone(tz).utcoffset()
        assert before.replace(tzinfo=None) < wanted


# --- reminders keep their local time across DST --------------------------------------------


@pytest.mark.parametrize(
    ("zone", "start", "end", "utc_hours"),
    [
        # EMEA ends 17:00 Warsaw: 16:00 UTC in winter, 15:00 UTC in summer
        ("Europe/Warsaw", utc(2026, 3, 26), utc(2026, 4, 1), [16, 16, 16, 15, 15, 15]),
        ("Europe/Warsaw", utc(2026, 10, 22), utc(2026, 10, 28), [15, 15, 15, 16, 16, 16]),
        # AMER ends 17:00 New York: 22:00 UTC (EST), 21:00 UTC (EDT)
        ("America/New_York", utc(2026, 3, 5), utc(2026, 3, 11), [22, 22, 22, 21, 21, 21]),
        ("America/New_York", utc(2026, 10, 29), utc(2026, 11, 4), [21, 21, 21, 22, 22, 22]),
        # APAC ends 17:00 Sydney: 06:00 UTC (AEDT), 07:00 UTC (AEST), back in October
        ("Australia/Sydney", utc(2026, 4, 2), utc(2026, 4, 8), [6, 6, 6, 7, 7, 7]),
        ("Australia/Sydney", utc(2026, 10, 1), utc(2026, 10, 7), [7, 7, 7, 6, 6, 6]),
    ],
)
def test_change_keeps_local_time_across_dst(
    zone: str, start: datetime, end: datetime, utc_hours: list[int]
) -> None:
    outgoing = region("OUT", zone, "08:00", "17:00")
    incoming = region("IN", "UTC", "00:00", "24:00")  # always someone to hand over to
    changes = changes_between([outgoing, incoming], start, end)
    mine = [c for c in changes if c.outgoing == outgoing]
    assert [c.at.hour for c in mine] == utc_hours
    assert {c.local_at.strftime("%H:%M") for c in mine} == {"17:00"}
    assert all(c.incoming == incoming for c in mine)


def test_spring_forward_start_fires_at_three_and_fall_back_fires_once() -> None:
    night = region("NIGHT", "Europe/Warsaw", "20:00", "02:30")
    day = region("DAY", "Europe/Warsaw", "02:30", "20:00")
    spring = changes_between([night, day], utc(2026, 3, 28, 20), utc(2026, 3, 29, 12))
    assert [(c.outgoing.name, c.at) for c in spring] == [("NIGHT", utc(2026, 3, 29, 1, 0))]
    starts = shifts_between(day, utc(2026, 3, 29), utc(2026, 3, 29, 3))
    assert starts[0].start.astimezone(ZoneInfo("Europe/Warsaw")).strftime("%H:%M") == "03:00"

    autumn = changes_between([night, day], utc(2026, 10, 24, 20), utc(2026, 10, 25, 12))
    assert [(c.outgoing.name, c.at) for c in autumn] == [("NIGHT", utc(2026, 10, 25, 0, 30))]


def test_shift_squeezed_out_by_spring_forward_is_dropped() -> None:
    tiny = region("TINY", "Europe/Warsaw", "02:15", "02:45")
    assert shifts_between(tiny, utc(2026, 3, 29), utc(2026, 3, 30)) == []
    assert len(shifts_between(tiny, utc(2026, 3, 30), utc(2026, 3, 31))) == 1


def test_follow_the_sun_pairs_and_gaps() -> None:
    emea = region("EMEA", "Europe/Warsaw", "08:00", "17:00", MON_FRI)
    amer = region("AMER", "America/New_York", "08:00", "17:00", MON_FRI)
    apac = region("APAC", "Australia/Sydney", "08:00", "17:00", MON_FRI)
    changes = changes_between([emea, amer, apac], utc(2026, 3, 30), utc(2026, 4, 4))
    pairs = [(c.outgoing.name, c.incoming.name) for c in changes]
    assert pairs[:3] == [("APAC", "EMEA"), ("EMEA", "AMER"), ("AMER", "APAC")]
    emea_to_amer = changes[1]
    assert emea_to_amer.at == utc(2026, 3, 30, 15)
    assert emea_to_amer.overlap == timedelta(hours=3)  # AMER started 12:00 UTC
    assert emea_to_amer.gap == timedelta(0)
    friday_amer = changes[-1]
    assert (friday_amer.outgoing.name, friday_amer.incoming.name) == ("AMER", "APAC")
    # Friday 17:00 New York -> Monday 08:00 Sydney (AEST from 5 April): 49 hours uncovered
    assert friday_amer.gap == timedelta(hours=49)


def test_continuous_region_and_single_region_rosters() -> None:
    always = region("ALWAYS", "UTC", "00:00", "24:00")
    assert changes_between([always], utc(2026, 1, 1), utc(2026, 2, 1)) == []
    lone = region("LONE", "Europe/Warsaw", "08:00", "17:00")
    assert changes_between([lone], utc(2026, 1, 1), utc(2026, 2, 1)) == []
    # ALWAYS never hands over (its next shift starts as one ends); LONE hands over to it
    both = changes_between([always, lone], utc(2026, 1, 5), utc(2026, 1, 6))
    assert [(c.outgoing.name, c.incoming.name) for c in both] == [("LONE", "ALWAYS")]


def test_night_shift_ends_the_next_day_and_weekdays_are_start_days() -> None:
    night = region("NIGHT", "Asia/Manila", "22:00", "06:00", frozenset({0}))  # Monday nights
    day = region("DAY", "Asia/Manila", "06:00", "22:00", ALL_WEEK)
    changes = changes_between([night, day], utc(2026, 1, 5), utc(2026, 1, 12))
    night_changes = [c for c in changes if c.outgoing == night]
    assert [c.local_at.strftime("%a %H:%M") for c in night_changes] == ["Tue 06:00"]


def test_next_changes_is_strictly_after_and_limited() -> None:
    emea = region("EMEA", "Europe/Warsaw", "08:00", "17:00", MON_FRI)
    amer = region("AMER", "America/New_York", "08:00", "17:00", MON_FRI)
    first = next_changes([emea, amer], utc(2026, 3, 30, 15), limit=3)
    assert len(first) == 3
    assert first[0].at > utc(2026, 3, 30, 15)
    assert first == sorted(first, key=lambda c: c.at)


def test_naive_datetimes_are_refused() -> None:
    emea = region("EMEA", "Europe/Warsaw", "08:00", "17:00")
    with pytest.raises(ValueError, match="aware"):
        shifts_between(emea, datetime(2026, 1, 1), utc(2026, 1, 2))
