"""The parsers read answers the user's way, and reject what cannot be an answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core import parsing
from bot.core.errors import ParseError
from bot.core.vocab import norm, vocabulary

CHANNELS = ("phone", "chat", "email", "social")


def _languages() -> tuple[str, ...]:
    return tuple(sorted(set(vocabulary().table("language").values())))


def _key(call: object) -> str:
    assert callable(call)
    with pytest.raises(ParseError) as caught:
        call()
    return caught.value.key


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,000", "1000"),
        ("1 000", "1000"),
        ("1\u00a0000", "1000"),  # no-break space
        ("1\u202f000", "1000"),  # narrow no-break space (Polish Babel output)
        ("1.000.000", "1000000"),
        ("12'000", "12000"),
        ("1,000,000.50", "1000000.50"),
        ("1 000,5", "1000.5"),
        ("1,5", "1.5"),  # Polish decimal comma
        ("12,25", "12.25"),
        ("0,500", "0.500"),  # a leading zero is never a thousands group
        ("1.5", "1.5"),
        ("1.5k", "1500"),
        ("2m", "2000000"),
        ("3 tys.", "3000"),
        ("2 mln", "2000000"),
        ("1.2万", "12000"),
        ("８", "8"),  # full-width digit
        ("٨", "8"),  # Arabic-Indic digit
        ("12000 calls/month", "12000"),
        ("8 agents", "8"),
        ("about 10", "10"),
    ],
)
def test_numbers_are_read_the_users_way(text: str, value: str) -> None:
    found, _rest = parsing.parse_number(text)
    assert found == Decimal(value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "error.empty"),
        ("   \n\t ", "error.empty"),
        ("nan", "error.not_a_number"),
        ("inf", "error.not_a_number"),
        ("Infinity", "error.not_a_number"),
        ("twelve", "error.not_a_number"),
        ("1e309", "error.one_number"),
        ("8 20", "error.one_number"),
        ("5-10", "error.one_number"),
        ("-5", "error.negative"),
        ("−5", "error.negative"),  # minus sign
        ("😀", "error.emoji"),
        ("8 👍", "error.emoji"),
        ("8\ufe0f\u20e3", "error.emoji"),  # keycap 8
        ("8\x00", "error.control"),
        ("8\u200b", "error.control"),  # zero-width space
        ("1" * 501, "error.too_long"),
        ("x" * 10_000, "error.too_long"),
        ("1,2,3", "error.not_a_number"),
    ],
)
def test_what_is_not_a_number_is_rejected_with_a_reason(text: str, key: str) -> None:
    assert _key(lambda: parsing.parse_number(text)) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [("0", "error.too_small"), ("20001", "error.too_large"), ("2.5", "error.not_whole")],
)
def test_counts_have_limits(text: str, key: str) -> None:
    assert _key(lambda: parsing.parse_count(text, low=1, high=20_000)) == key


def test_counts_accept_units_in_any_language() -> None:
    for text in ("8 agents", "8 konsultantów", "8人", "8名客服", "８"):
        assert parsing.parse_count(text, low=1, high=20_000) == 8


@pytest.mark.parametrize(
    ("text", "monthly"),
    [
        ("12000", "12000"),
        ("12k calls/month", "12000"),
        ("12 tys. połączeń miesięcznie", "12000"),
        ("每月1.2万通电话", "12000"),
        ("3,000 a week", "13000"),
        ("3000 tygodniowo", "13000"),
        ("144k per year", "12000"),
        ("每年15万", "12500"),
    ],
)
def test_volumes_are_per_month(text: str, monthly: str) -> None:
    assert parsing.parse_volume(text) == Decimal(monthly)
    assert "E" not in str(parsing.parse_volume(text))  # stored without an exponent


def test_volumes_reject_days_and_absurd_sizes() -> None:
    assert _key(lambda: parsing.parse_volume("500 a day")) == "error.per_day"
    assert _key(lambda: parsing.parse_volume("60m")) == "error.too_large"
    assert _key(lambda: parsing.parse_volume("0")) == "error.too_small"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("6", 360),
        ("6 min", 360),
        ("6,5 min", 390),
        ("6:30", 390),
        ("390 s", 390),
        ("90 sek", 90),
        ("30秒", 30),
        ("1h", 3600),
        ("1,5 godz.", 5400),
    ],
)
def test_handle_times_default_to_minutes(text: str, seconds: int) -> None:
    assert parsing.parse_duration(text) == seconds


def test_handle_times_have_limits() -> None:
    assert _key(lambda: parsing.parse_duration("5 s")) == "error.too_short"
    assert _key(lambda: parsing.parse_duration("5 h")) == "error.too_long_duration"


@pytest.mark.parametrize(
    ("text", "level", "seconds"),
    [
        ("80/20", 0.8, 20),
        ("80%", 0.8, 20),
        ("0.8", 0.8, 20),
        ("85", 0.85, 20),
        ("90% in 30 s", 0.9, 30),
        ("90% w 30 s", 0.9, 30),
        ("30秒内90%", 0.9, 30),
    ],
)
def test_service_levels(text: str, level: float, seconds: int) -> None:
    assert parsing.parse_service_level(text) == {"level": level, "seconds": seconds}


@pytest.mark.parametrize("text", ["100%", "1", "40%", "0.995", "80/0", "80/5000"])
def test_service_levels_out_of_range(text: str) -> None:
    assert _key(lambda: parsing.parse_service_level(text)).startswith("error.")


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("English, 中文, polski", ["en", "zh", "pl"]),
        ("en,zh", ["en", "zh"]),
        ("en/zh", ["en", "zh"]),
        ("english and polish", ["en", "pl"]),
        ("polski i angielski", ["pl", "en"]),
        ("po polsku", ["pl"]),
        ("中文、英语", ["zh", "en"]),
        ("中文英语", ["zh", "en"]),
        ("Deutsch", ["de"]),  # autonyms from CLDR
        ("English, english, EN", ["en"]),
    ],
)
def test_languages_by_code_or_name_in_three_languages(text: str, codes: list[str]) -> None:
    found = parsing.parse_multi(text, "language", _languages(), unknown="error.unknown_language")
    assert found == codes


def test_unknown_language_names_the_word() -> None:
    with pytest.raises(ParseError) as caught:
        parsing.parse_multi("en, gibberishese", "language", _languages(), unknown="error.x")
    assert caught.value.key == "error.x"
    assert caught.value.params == {"value": "gibberishese"}


@pytest.mark.parametrize(
    ("text", "channels"),
    [
        ("phone, chat", ["phone", "chat"]),
        ("telefon, czat", ["phone", "chat"]),
        ("电话和邮件", ["phone", "email"]),
        ("phone chat email", ["phone", "chat", "email"]),
        ("1,3", ["phone", "email"]),
    ],
)
def test_channels(text: str, channels: list[str]) -> None:
    assert parsing.parse_multi(text, "channel", CHANNELS, index_values=CHANNELS) == channels


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("US", "US"),
        ("usa", "US"),
        ("uk", "UK"),
        ("GB", "UK"),
        ("Wielka Brytania", "UK"),
        ("英国", "UK"),
        ("Polska", "PL"),
        ("Niemcy", "DE"),
        ("中国", "CN"),
        ("Mexico", "LATAM"),
        ("Ameryka Łacińska", "LATAM"),
        ("latam", "LATAM"),
    ],
)
def test_regions_by_code_or_country_name(text: str, region: str) -> None:
    assert parsing.parse_region(text) == region


@pytest.mark.parametrize("text", ["France", "Atlantis", "zz"])
def test_unknown_regions_list_the_known_ones(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parsing.parse_region(text)
    assert caught.value.key == "error.unknown_region"
    assert "LATAM" in str(caught.value.params["known"])


@pytest.mark.parametrize(
    ("text", "code"), [("EUR", "EUR"), ("zł", "PLN"), ("美元", "USD"), ("dollars", "USD")]
)
def test_currencies(text: str, code: str) -> None:
    assert parsing.parse_currency(text) == code


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Warsaw", "Europe/Warsaw"),
        ("europe/warsaw", "Europe/Warsaw"),
        ("Warsaw", "Europe/Warsaw"),
        ("Warszawa", "Europe/Warsaw"),
        ("华沙", "Europe/Warsaw"),
        ("new york", "America/New_York"),
        ("UTC", "UTC"),
        ("UTC+2", "Etc/GMT-2"),
        ("GMT-5", "Etc/GMT+5"),
    ],
)
def test_time_zones(text: str, zone: str) -> None:
    assert parsing.parse_timezone(text) == zone


@pytest.mark.parametrize("text", ["Mars/Olympus", "UTC+99", "nowhere"])
def test_unknown_time_zones(text: str) -> None:
    assert _key(lambda: parsing.parse_timezone(text)) == "error.unknown_timezone"


@pytest.mark.parametrize(
    ("text", "preset"),
    [("24/7", "24x7"), ("całodobowo", "24x7"), ("全天", "24x7"), ("business", "business")],
)
def test_hour_presets(text: str, preset: str) -> None:
    assert parsing.parse_hours(text) == preset


WEEKDAYS_8_20 = [[day, 8, 20] for day in range(5)]


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        ("Mon-Fri 8-20, Sat 9-13", [*WEEKDAYS_8_20, [5, 9, 13]]),
        ("pn-pt 8-20, sob 9-13", [*WEEKDAYS_8_20, [5, 9, 13]]),
        ("周一至周五 8点-20点，周六 9-13", [*WEEKDAYS_8_20, [5, 9, 13]]),
        ("sat 9-13; mon-fri 08:00-20:00", [*WEEKDAYS_8_20, [5, 9, 13]]),
        ("weekdays 9am-5pm", [[day, 9, 17] for day in range(5)]),
        ("Mon, Wed 9-17", [[0, 9, 17], [2, 9, 17]]),
        ("Sun 22-6", [[0, 0, 6], [6, 22, 24]]),  # overnight runs into Monday
        ("Mon 8-12, Mon 10-14", [[0, 8, 14]]),  # overlaps merge
        ("Fri-Mon 0-24", [[0, 0, 24], [4, 0, 24], [5, 0, 24], [6, 0, 24]]),
    ],
)
def test_custom_hours(text: str, windows: list[list[int]]) -> None:
    assert parsing.parse_windows(text) == windows


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("8-20", "error.hours_need_days"),
        ("Mon-Fri 8:30-20", "error.whole_hours"),
        ("Mon 8-8", "error.bad_hours"),
        ("Mon 8-25", "error.bad_hours"),
        ("Mon-Fri", "error.bad_hours"),
        ("someday 8-20", "error.bad_hours"),
        ("whenever", "error.unknown_choice"),
    ],
)
def test_bad_hours(text: str, key: str) -> None:
    assert _key(lambda: parsing.parse_hours(text)) == key


def test_norm_ignores_case_accents_and_spacing() -> None:
    assert norm("  Język   POLSKI ") == "jezyk polski"
    assert norm("Łódź") == "lodz"
    assert norm("ＡＢＣ") == "abc"
