"""Numbers, money and plural forms the CLDR way, through Babel: nothing here formats by hand.

Babel formats digits, separators and currency patterns per locale; three things it leaves
out are done here, each by CLDR's own rule:

- **Currency spacing.** CLDR's ``currencySpacing`` puts a no-break space between a currency
  symbol that ends (or starts) with a letter and an adjacent digit: ``PLN 75,647`` and
  ``CN¥75,647``, never ``PLN75,647`` (Babel 2.x does not apply the rule).
- **Readable precision.** A business reader wants "$60,600", not "$60,638.30": figures the
  conversation shows are rounded to three significant digits (:func:`significant`), money
  without cents from four figures up (:func:`format_money`).
- **Plural forms.** Polish has four (``1 etat``, ``2 etaty``, ``5 etatów``, ``0,8 etatu``):
  :func:`plural_word` picks the CLDR category of the number *as displayed*.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from babel import Locale
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_precision,
    get_currency_symbol,
)

__all__ = [
    "SIGNIFICANT",
    "Precision",
    "decimal",
    "format_count",
    "format_money",
    "format_share",
    "format_significant",
    "plural_word",
    "significant",
]

#: Significant digits of a figure shown in a conversation.
SIGNIFICANT = 3

#: ``cents``: the currency's own digits; ``auto``: whole units from 1,000 up, else cents;
#: ``sig``: three significant digits (cents only below 100 when they matter).
Precision = Literal["cents", "auto", "sig"]

_NBSP = "\u00a0"


def decimal(value: Decimal | float | int | str) -> Decimal:
    """Any engine figure as a Decimal (floats through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value).strip())


def significant(value: Decimal | float | int | str, digits: int = SIGNIFICANT) -> Decimal:
    """``value`` rounded half-up to ``digits`` significant digits, trailing zeros dropped.

    >>> significant("60638.30"), significant("0.28734"), significant("8.0"), significant(0)
    (Decimal('6.06E+4'), Decimal('0.287'), Decimal('8'), Decimal('0'))
    """
    number = decimal(value)
    if not number.is_finite() or number == 0:
        return Decimal(0) if number == 0 else number
    quantum = Decimal(1).scaleb(number.adjusted() - digits + 1)
    return number.quantize(quantum, rounding=ROUND_HALF_UP).normalize()


def _fraction_digits(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


def format_significant(
    value: Decimal | float | int | str, locale: Locale, digits: int = SIGNIFICANT
) -> str:
    """``value`` to ``digits`` significant digits in ``locale``: 11886 -> "11,900" /
    "11 900"; 168.0 -> "168" (never "168,0"); 0.28734 -> "0.287"."""
    rounded = significant(value, digits)
    return format_decimal(rounded, format=_pattern(_fraction_digits(rounded)), locale=locale)


def format_share(value: Decimal | float | int | str, locale: Locale) -> str:
    """A fraction as a percentage with two significant digits, in the locale's percent
    pattern: 0.065 -> "6.5%", 0.70562 -> "71%", 0.2 -> "20%"."""
    fraction = decimal(value)
    digits = _fraction_digits(significant(fraction * 100, 2))
    integer, _, rest = locale.percent_formats[None].pattern.partition(";")[0].partition("0")
    pattern = integer + "0" + ("." + "0" * digits if digits else "") + rest.lstrip(".0#")
    return format_percent(fraction, format=pattern, locale=locale)


def _money_digits(amount: Decimal, currency: str, precision: Precision) -> tuple[Decimal, int]:
    """The amount to format and its fraction digits under ``precision``."""
    cents = get_currency_precision(currency)
    if precision == "cents":
        return amount, cents
    if precision == "auto":
        if abs(amount) >= 1000:
            return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP), 0
        return amount, cents
    rounded = significant(amount)
    needed = _fraction_digits(rounded)
    if needed == 0 and abs(rounded) >= 100:
        return rounded, 0
    # A unit price keeps the currency's digits ($3.00, $0.50) and any third digit ($0.442).
    return rounded, max(needed, cents)


def _spaced(text: str, symbol: str) -> str:
    """CLDR ``currencySpacing``: a no-break space between a symbol ending or starting with
    something other than a symbol or space (a letter: "PLN") and a digit next to it."""
    start = text.find(symbol)
    if not symbol or start < 0:
        return text
    end = start + len(symbol)

    def spaced_side(char: str) -> bool:
        return not unicodedata.category(char).startswith(("S", "Z"))

    if end < len(text) and text[end].isdigit() and spaced_side(symbol[-1]):
        text = text[:end] + _NBSP + text[end:]
    if start > 0 and text[start - 1].isdigit() and spaced_side(symbol[0]):
        text = text[:start] + _NBSP + text[start:]
    return text


def format_money(
    amount: Decimal | float | int | str,
    currency: str,
    locale: Locale,
    precision: Precision = "auto",
) -> str:
    """Money in ``locale``'s currency pattern, CLDR-spaced, at ``precision``.

    >>> format_money("75647.31", "PLN", Locale.parse("en_US"))
    'PLN\\xa075,647'
    """
    value, digits = _money_digits(decimal(amount), currency, precision)
    pattern = locale.currency_formats["standard"].pattern
    integer, dot, rest = pattern.partition(".")
    if dot:  # "¤#,##0.00" / "#,##0.00 ¤": keep what follows the zeros (the symbol)
        tail = rest.lstrip("0#")
        pattern = integer + ("." + "0" * digits if digits else "") + tail
    text = format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)
    return _spaced(text, get_currency_symbol(currency, locale=locale))


def plural_word(
    value: Decimal | float | int | str,
    locale: Locale,
    *,
    one: str | None = None,
    two: str | None = None,
    few: str | None = None,
    many: str | None = None,
    other: str | None = None,
    digits: int = SIGNIFICANT,
) -> str:
    """The word for ``value`` as displayed (rounded to ``digits`` significant digits), by the
    locale's CLDR plural category; a category not given falls back to ``other`` (then to the
    other forms given, "many" first)."""
    forms: dict[str, str | None] = {"one": one, "two": two, "few": few, "many": many}
    forms["other"] = other
    fallback = next(
        (word for k in ("other", "many", "few", "two", "one") if (word := forms[k])), ""
    )
    try:
        shown = significant(value, digits)
    except (InvalidOperation, ValueError):
        return fallback
    return forms.get(locale.plural_form(shown)) or fallback


def format_count(
    value: Decimal | float | int | str,
    locale: Locale,
    *,
    one: str | None = None,
    two: str | None = None,
    few: str | None = None,
    many: str | None = None,
    other: str | None = None,
    digits: int = SIGNIFICANT,
) -> str:
    """``value`` (significant digits) followed by its plural word: "5 etatów", "0,8 etatu"."""
    word = plural_word(
        value, locale, one=one, two=two, few=few, many=many, other=other, digits=digits
    )
    return f"{format_significant(value, locale, digits)}{_NBSP}{word}"
