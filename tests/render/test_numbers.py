"""Numbers, money, plural forms and dates the CLDR way (issue 15, problems 6 and 9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel import Locale

from bot.render.env import renderer
from bot.render.numbers import (
    format_count,
    format_money,
    format_share,
    format_significant,
    plural_word,
    significant,
)

EN, PL, ZH = (Locale.parse(name) for name in ("en_US", "pl_PL", "zh_Hans_CN"))
NBSP = "\u00a0"


def test_a_letter_currency_symbol_is_spaced_from_the_digits_as_cldr_says() -> None:
    """Problem 9: "PLN75,647.31" in English. CLDR's currencySpacing puts a no-break space
    between a symbol ending in a letter and a digit; "$" and "US$" touch the digits."""
    assert format_money("75647.31", "PLN", EN) == f"PLN{NBSP}75,647"
    assert format_money("-75647.31", "PLN", EN) == f"-PLN{NBSP}75,647"
    assert format_money("75647.31", "USD", EN) == "$75,647"
    assert format_money("75647.31", "USD", ZH) == "US$75,647"
    assert format_money("75647.31", "CNY", ZH) == "¥75,647"
    assert format_money("75647.31", "PLN", PL) == f"75{NBSP}647{NBSP}zł"


@pytest.mark.parametrize(
    ("amount", "auto", "sig"),
    [
        ("75647.31", "$75,647", "$75,600"),
        ("120345.99", "$120,346", "$120,000"),
        ("9816.15", "$9,816", "$9,820"),
        ("599.11", "$599.11", "$599"),
        ("3.72", "$3.72", "$3.72"),
        ("0.442", "$0.44", "$0.442"),
        ("3", "$3.00", "$3.00"),
        ("0.5", "$0.50", "$0.50"),
    ],
)
def test_no_cents_on_four_five_and_six_figure_sums(amount: str, auto: str, sig: str) -> None:
    """Problem 9: cents on five- and six-figure monthly sums. Whole units from 1,000 up;
    three significant digits where the conversation rounds (a unit price keeps its cents)."""
    assert format_money(amount, "USD", EN) == auto
    assert format_money(amount, "USD", EN, "sig") == sig
    assert format_money(amount, "USD", EN, "cents") == f"${Decimal(amount):,.2f}"


def test_significant_digits_drop_trailing_zeros() -> None:
    """Problem 9: "0.2873 FTE" and "168,0 godz.": at most three significant digits, and no
    ",0" on a whole number."""
    assert significant("0.28734") == Decimal("0.287")
    assert format_significant("0.28734", EN) == "0.287"
    assert format_significant("168.0", PL) == "168"
    assert format_significant("11886", PL) == f"11{NBSP}900"
    assert format_significant("2642", EN) == "2,640"
    assert format_significant("8.0", ZH) == "8"
    assert format_significant(0, EN) == "0"


def test_shares_have_two_significant_digits() -> None:
    assert [format_share(v, EN) for v in ("0.065", "0.70562", "0.2", "0.0075")] == [
        "6.5%",
        "71%",
        "20%",
        "0.75%",
    ]
    assert format_share("0.065", PL) == "6,5%"


@pytest.mark.parametrize(
    ("value", "word"),
    [
        ("1", "etat"),
        ("2", "etaty"),
        ("4", "etaty"),
        ("5", "etatów"),
        ("8.0", "etatów"),
        ("12", "etatów"),
        ("22", "etaty"),
        ("0.8", "etatu"),
        ("1.57", "etatu"),
    ],
)
def test_polish_plural_forms_follow_cldr_for_the_number_as_shown(value: str, word: str) -> None:
    """Problem 6: Polish plurals. "8,0 etatu" was wrong twice (",0" and the form): the form
    is chosen for the displayed figure, so 8.0 shows as "8 etatów"."""
    forms = {"one": "etat", "few": "etaty", "many": "etatów", "other": "etatu"}
    assert plural_word(value, PL, **forms) == word
    assert format_count(value, PL, **forms).endswith(f"{NBSP}{word}")


def test_english_and_chinese_plurals() -> None:
    assert format_count(1, EN, one="person", other="people") == f"1{NBSP}person"
    assert format_count(8, EN, one="person", other="people") == f"8{NBSP}people"
    assert plural_word(1, ZH, other="人") == "人"


def test_dates_are_long_babel_dates_with_the_polish_genitive_month() -> None:
    """Problem 6: "9 maj 2025" must be "9 maja 2025" (Babel's long date in Polish)."""
    day = date(2025, 5, 9)
    assert renderer().env("pl").filters["date"](day) == "9 maja 2025"
    assert renderer().env("en").filters["date"](day) == "May 9, 2025"
    assert renderer().env("zh").filters["date"](day) == "2025年5月9日"


def test_template_filters_use_the_same_rules() -> None:
    env = renderer().env("pl")
    assert env.filters["money"](Decimal("75647.31"), "PLN") == f"75{NBSP}647{NBSP}zł"
    assert env.filters["money_sig"](Decimal("60638.30"), "USD") == f"60{NBSP}600{NBSP}USD"
    assert env.filters["sig"]("168.0") == "168"
    assert env.filters["count"]("5", one="osoba", few="osoby", many="osób") == f"5{NBSP}osób"
