"""The /handoff parser: valid input in three languages, precise rejections, and a fuzz."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.handoff.commands import (
    Add,
    CoverageReport,
    Form,
    Help,
    ListRoster,
    Pause,
    Remove,
    Resume,
    SendTest,
    parse_command,
    parse_weekdays,
    parse_window,
)
from bot.handoff.errors import (
    DuplicateRegion,
    EmptyShift,
    InvalidDate,
    InvalidInput,
    InvalidLead,
    InvalidName,
    InvalidTime,
    InvalidWeekdays,
    MissingArgument,
    UnexpectedArgument,
    UnknownCommand,
    UnknownTimeZone,
)
from bot.handoff.roster import Region, Roster, TeamKey, format_minutes

MON_FRI = frozenset(range(5))
EMEA = Region("EMEA", "Europe/Warsaw", 480, 1020, MON_FRI, "@lead")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/handoff add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @lead", Add(EMEA)),
        ("add EMEA Europe/Warsaw 08:00-17:00 @lead", Add(EMEA)),  # days default to Mon-Fri
        ("add EMEA @lead Mon-Fri 8:00-17:00 europe/warsaw", Add(EMEA)),  # any order
        ("ADD EMEA Europe/Warsaw 08:00 - 17:00 mon - fri @lead", Add(EMEA)),
        ("/handoff@sourcewise_bot add EMEA Europe/Warsaw 8-17 @lead", Add(EMEA)),
        ("dodaj EMEA Europe/Warsaw 08:00–17:00 pn-pt @lead", Add(EMEA)),
        ("添加 EMEA Europe/Warsaw 08:00-17:00 周一至周五 @lead", Add(EMEA)),
        ("添加 EMEA Europe/Warsaw 08:00～17:00 工作日 @lead", Add(EMEA)),
        (
            "add APAC Asia/Manila 22:00-06:00 Sun-Thu <@U42|ben>",
            Add(Region("APAC", "Asia/Manila", 1320, 360, frozenset({6, 0, 1, 2, 3}), "<@U42|ben>")),
        ),
        (
            "add Weekend UTC 00:00-24:00 Sat,Sun @x",
            Add(Region("Weekend", "UTC", 0, 1440, frozenset({5, 6}), "@x")),
        ),
        (
            "add Late America/New_York 16:00-00:00 Fri-Mon @y",
            Add(Region("Late", "America/New_York", 960, 1440, frozenset({4, 5, 6, 0}), "@y")),
        ),
        ("list", ListRoster()),
        ("lista", ListRoster()),
        ("列表", ListRoster()),
        ("remove EMEA", Remove("EMEA")),
        ("usuń emea", Remove("emea")),
        ("删除 EMEA", Remove("EMEA")),
        ("pause", Pause()),
        ("wstrzymaj", Pause()),
        ("resume", Resume()),
        ("恢复", Resume()),
        ("test", SendTest()),
        ("test AMER", SendTest("AMER")),
        ("coverage", CoverageReport()),
        ("pokrycie 2026-03-29", CoverageReport(date(2026, 3, 29))),
        ("", Help()),
        ("/handoff", Help()),
        ("help", Help()),
        ("form", Form()),
        ("表单", Form()),
    ],
)
def test_valid_commands(text: str, expected: object) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "error", "params"),
    [
        ("frobnicate", UnknownCommand, {"word": "frobnicate"}),
        ("add", MissingArgument, {"field": "name"}),
        ("add @lead", MissingArgument, {"field": "name"}),
        ("add EMEA 08:00-17:00 @lead", MissingArgument, {"field": "tz"}),
        ("add EMEA Europe/Warsaw @lead", MissingArgument, {"field": "window"}),
        ("add EMEA Europe/Warsaw 08:00-17:00", MissingArgument, {"field": "lead"}),
        (
            "add EMEA Europe/Warsow 08:00-17:00 @lead",
            UnknownTimeZone,
            {"tz": "Europe/Warsow", "suggestion": "Europe/Warsaw"},
        ),
        (
            "add EMEA Warsaw 08:00-17:00 @lead",
            UnknownTimeZone,
            {"tz": "Warsaw", "suggestion": "Europe/Warsaw"},
        ),
        ("add EMEA Europe/Warsaw 25:00-17:00 @lead", InvalidTime, {"text": "25:00-17:00"}),
        ("add EMEA Europe/Warsaw 08:00-24:30 @lead", InvalidTime, {"text": "08:00-24:30"}),
        ("add EMEA Europe/Warsaw 24:00-08:00 @lead", InvalidTime, {"text": "24:00-08:00"}),
        ("add EMEA Europe/Warsaw 08:75-17:00 @lead", InvalidTime, {"text": "08:75-17:00"}),
        ("add EMEA Europe/Warsaw 08:00 @lead", InvalidTime, {"text": "08:00"}),
        ("add EMEA Europe/Warsaw 08:00-08:00 @lead", EmptyShift, {"text": "08:00-08:00"}),
        (
            "add EMEA Europe/Warsaw 08:00-17:00 Mon-Funday @lead",
            InvalidWeekdays,
            {"text": "Mon-Funday"},
        ),
        (
            "add EMEA Europe/Warsaw 08:00-17:00 Mon,,Fri @lead",
            InvalidWeekdays,
            {"text": "Mon,,Fri"},
        ),
        ("add EMEA Europe/Warsaw 08:00-17:00 @lead @other", UnexpectedArgument, {"word": "@other"}),
        (
            "add EMEA Europe/Warsaw Asia/Tokyo 08:00-17:00 @lead",
            UnexpectedArgument,
            {"word": "Asia/Tokyo"},
        ),
        ("add EMEA Europe/Warsaw 08:00-17:00 @lead please", UnexpectedArgument, {"word": "please"}),
        ("add EM!EA Europe/Warsaw 08:00-17:00 @lead", InvalidName, {"name": "EM!EA"}),
        ("add EMEA Europe/Warsaw 08:00-17:00 <@lowercase>", InvalidLead, {"lead": "<@lowercase>"}),
        ("remove", MissingArgument, {"field": "name"}),
        ("remove EMEA AMER", UnexpectedArgument, {"word": "AMER"}),
        ("list everything", UnexpectedArgument, {"word": "everything"}),
        ("coverage next-week", InvalidDate, {"text": "next-week"}),
        ("coverage 2026-02-30", InvalidDate, {"text": "2026-02-30"}),
    ],
)
def test_rejections_name_the_problem(
    text: str, error: type[InvalidInput], params: dict[str, str]
) -> None:
    with pytest.raises(error) as caught:
        parse_command(text)
    assert caught.value.params == params
    assert caught.value.code == error.code


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", MON_FRI),
        ("Fri-Mon", frozenset({4, 5, 6, 0})),
        ("Mon,Wed,Fri", frozenset({0, 2, 4})),
        ("mon", frozenset({0})),
        ("daily", frozenset(range(7))),
        ("weekends", frozenset({5, 6})),
        ("pn-pt", MON_FRI),
        ("pon.-pt.", MON_FRI),
        ("sob,niedz", frozenset({5, 6})),
        ("codziennie", frozenset(range(7))),
        ("周一至周五", MON_FRI),
        ("周六、周日", frozenset({5, 6})),
        ("每天", frozenset(range(7))),
        ("Sun-Sun", frozenset({6})),
    ],
)
def test_weekdays(text: str, days: frozenset[int]) -> None:
    assert parse_weekdays(text) == days


def test_window_end_midnight_means_end_of_day() -> None:
    assert parse_window("16:00-00:00") == (960, 1440)
    assert parse_window("22-6") == (1320, 360)


# --- properties ----------------------------------------------------------------------------

ZONES = ["Europe/Warsaw", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]


@st.composite
def valid_regions(draw: st.DrawFn) -> Region:
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(1, 1440).filter(lambda e: e != start))
    return Region(
        name=draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,11}", fullmatch=True)),
        tz=draw(st.sampled_from(ZONES)),
        start=start,
        end=end,
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        lead=draw(st.from_regex(r"@[a-z][a-z0-9_]{0,15}", fullmatch=True)),
    )


@settings(max_examples=150)
@given(valid_regions())
def test_every_region_round_trips_through_its_command(region: Region) -> None:
    assert parse_command(f"add {region.command()}") == Add(region)


@settings(max_examples=100)
@given(st.integers(0, 1439), st.integers(1, 1440))
def test_window_round_trips(start: int, end: int) -> None:
    assert parse_window(f"{format_minutes(start)}-{format_minutes(end)}") == (start, end)


VOCABULARY = [
    "add",
    "dodaj",
    "添加",
    "remove",
    "list",
    "pause",
    "resume",
    "test",
    "coverage",
    "form",
    "EMEA",
    "emea",
    "Europe/Warsaw",
    "Warsaw",
    "UTC",
    "Etc/GMT-14",
    "08:00-17:00",
    "25:00",
    "8-17",
    "24:00-08:00",
    "00:00-24:00",
    "Mon-Fri",
    "Fri-Mon",
    "pn-pt",
    "周一至周五",
    "@lead",
    "<@U1>",
    "<!subteam^S1|@x>",
    "-",
    "–",
    "~",
    "至",
    ",",
    "2026-03-29",
    "/handoff",
    "@",
    "<",
    "/",
    ":",
    "0",
    "9999-99-99",
    "\u3000",
    "\t",
    "\n",
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(st.sampled_from(VOCABULARY), max_size=8).map(" ".join),
        st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), max_size=8).map(
            "".join
        ),
    )
)
def test_parser_never_crashes_and_rejection_changes_nothing(text: str) -> None:
    roster = Roster(TeamKey("slack", "T1", "C1"), (EMEA,))
    before = (roster, roster.regions)
    try:
        command = parse_command(text)
    except InvalidInput as rejected:
        assert rejected.code  # every rejection names a localized message
        assert (roster, roster.regions) == before
        return
    if isinstance(command, Add):
        try:
            roster.add(command.region)
        except DuplicateRegion:
            assert command.region.key == "emea"
        except InvalidInput:
            pytest.fail("a parsed region must be addable unless it duplicates one")
        assert (roster, roster.regions) == before  # the original is immutable
