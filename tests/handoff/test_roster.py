"""Region invariants and immutable roster edits."""

from __future__ import annotations

from typing import Any

import pytest

from bot.handoff.errors import (
    DuplicateRegion,
    EmptyShift,
    InvalidInput,
    InvalidLead,
    InvalidName,
    InvalidTime,
    InvalidWeekdays,
    TooManyRegions,
    UnknownRegion,
    UnknownTimeZone,
)
from bot.handoff.roster import MAX_REGIONS, Region, Roster, TeamKey, canonical_zone, format_weekdays

TEAM = TeamKey("slack", "T1", "C1")
WEEKDAYS = frozenset(range(5))


def region(
    name: str = "EMEA",
    tz: str = "Europe/Warsaw",
    start: int = 480,
    end: int = 1020,
    weekdays: frozenset[int] = WEEKDAYS,
    lead: str = "@anna",
) -> Region:
    return Region(name, tz, start, end, weekdays, lead)


def test_canonical_zone_fixes_case_and_suggests_the_city() -> None:
    assert canonical_zone("europe/WARSAW") == "Europe/Warsaw"
    with pytest.raises(UnknownTimeZone) as err:
        canonical_zone("Warsaw")
    assert err.value.params == {"tz": "Warsaw", "suggestion": "Europe/Warsaw"}
    with pytest.raises(UnknownTimeZone) as err:
        canonical_zone("New York")
    assert err.value.params["suggestion"] == "America/New_York"
    with pytest.raises(UnknownTimeZone) as err:
        canonical_zone("Mars/Olympus_Mons")
    assert err.value.params["suggestion"] == ""


def test_zone_must_be_a_tzdata_name_not_a_path() -> None:
    with pytest.raises(UnknownTimeZone):
        region(tz="../../etc/passwd")
    with pytest.raises(UnknownTimeZone) as err:
        region(tz="europe/warsaw")  # models hold canonical names only
    assert err.value.params["suggestion"] == "Europe/Warsaw"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"start": 1440}, InvalidTime),
        ({"start": -1}, InvalidTime),
        ({"end": 0}, InvalidTime),
        ({"end": 1441}, InvalidTime),
        ({"start": 600, "end": 600}, EmptyShift),
        ({"weekdays": frozenset()}, InvalidWeekdays),
        ({"weekdays": frozenset({7})}, InvalidWeekdays),
        ({"lead": "anna"}, InvalidLead),
        ({"lead": "@"}, InvalidLead),
        ({"lead": "<@U12|x"}, InvalidLead),
    ],
)
def test_invalid_fields_are_rejected(fields: dict[str, Any], error: type[InvalidInput]) -> None:
    with pytest.raises(error):
        region(**fields)


@pytest.mark.parametrize("name", ["", "1EMEA", "EM EA", "x" * 25, "EMEA!", "@EMEA"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(InvalidName):
        region(name=name)


@pytest.mark.parametrize(
    "lead", ["@anna", "@anna.k", "<@U123ABC>", "<@U123|anna>", "<!subteam^S1|@support>"]
)
def test_slack_and_telegram_mentions_are_leads(lead: str) -> None:
    assert region(lead=lead).lead == lead


def test_night_shift_and_whole_day_lengths() -> None:
    assert region(start=1320, end=360).duration_minutes == 480
    assert region(start=0, end=1440).duration_minutes == 1440
    assert region(start=480, end=1440).end_offset == 1440
    assert region(name="亚太", tz="Asia/Shanghai").key == "亚太"


def test_roster_edits_return_new_rosters_and_reject_duplicates() -> None:
    empty = Roster(TEAM)
    one = empty.add(region())
    assert empty.regions == ()
    assert one.find("emea") == region()
    with pytest.raises(DuplicateRegion) as err:
        one.add(region(name="emea", tz="Asia/Tokyo"))
    assert err.value.params["existing"] == "EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @anna"
    assert one.regions == (region(),)
    with pytest.raises(UnknownRegion) as missing:
        one.remove("APAC")
    assert missing.value.params == {"name": "APAC", "known": "EMEA"}
    assert one.remove("Emea").regions == ()


def test_roster_size_is_capped() -> None:
    roster = Roster(TEAM)
    for i in range(MAX_REGIONS):
        roster = roster.add(region(name=f"R{i}"))
    with pytest.raises(TooManyRegions):
        roster.add(region(name="Extra"))


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (frozenset(range(5)), "Mon-Fri"),
        (frozenset({0, 2, 4}), "Mon,Wed,Fri"),
        (frozenset({5, 6}), "Sat,Sun"),
        (frozenset(range(7)), "Mon-Sun"),
        (frozenset({0, 1, 2, 4, 5, 6}), "Mon-Wed,Fri-Sun"),
    ],
)
def test_format_weekdays(days: frozenset[int], text: str) -> None:
    assert format_weekdays(days) == text
