"""Money: Decimal only, converted through one dated table, rounded once per line item.

Why this shape: a cost shown to a user must add up. Every line item is converted to the result
currency unrounded, then rounded to cents with banker's rounding (``ROUND_HALF_EVEN``, no
drift across many items), and a model's total is the sum of its *rounded* items, so the
items always sum to the total exactly (:func:`total_of`).

Rates are ECB euro reference rates (units per EUR) from ``data/currencies.toml``; a cross rate
(USD -> PLN) goes through EUR. The table is read once per process (``importlib.resources``)
and never changes while it runs, so results are deterministic.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from costengine.errors import UnknownCurrency

__all__ = [
    "CENT",
    "FxTable",
    "cents",
    "fx_table",
    "known_currencies",
    "total_of",
]

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """Round to cents, half to even (0.125 -> 0.12, 0.135 -> 0.14)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def total_of(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of amounts already rounded to cents: what a total must be for items to add up."""
    total = Decimal("0.00")
    for amount in amounts:
        if amount != cents(amount):
            raise ValueError(f"amount {amount} is not rounded to cents")
        total += amount
    return cents(total)


@dataclass(frozen=True, slots=True)
class FxTable:
    """One dated column of the conversion table: ``rates[code]`` = units of code per 1 EUR."""

    date: str
    rates: Mapping[str, Decimal]
    source: str

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted(self.rates))

    def check(self, currency: str) -> str:
        """Return ``currency`` upper-cased, or raise :class:`UnknownCurrency`."""
        code = currency.strip().upper()
        if code not in self.rates:
            raise UnknownCurrency(currency, self.currencies)
        return code

    def rate(self, from_currency: str, to_currency: str) -> Decimal:
        """Units of ``to_currency`` per one unit of ``from_currency`` (unrounded)."""
        source = self.check(from_currency)
        target = self.check(to_currency)
        if source == target:
            return Decimal(1)
        return self.rates[target] / self.rates[source]

    def convert(self, amount: Decimal, from_currency: str, to_currency: str) -> Decimal:
        """``amount`` in ``to_currency``, unrounded: round once, where the line item is made."""
        return amount * self.rate(from_currency, to_currency)


@cache
def _raw_table() -> dict[str, object]:
    text = files("costengine").joinpath("data/currencies.toml").read_text(encoding="utf-8")
    return tomllib.loads(text, parse_float=Decimal)


@cache
def fx_table(date: str | None = None) -> FxTable:
    """The conversion table for ``date`` (default: the table's ``default_date``).

    Raises :class:`KeyError` naming the known dates when the date is not in the table.
    """
    raw = _raw_table()
    columns = raw["rates"]
    assert isinstance(columns, dict)
    chosen = str(raw["default_date"]) if date is None else date
    if chosen not in columns:
        raise KeyError(f"no exchange rates dated {chosen!r} (known: {', '.join(sorted(columns))})")
    rates = {str(code): Decimal(value) for code, value in columns[chosen].items()}
    return FxTable(date=chosen, rates=MappingProxyType(rates), source=str(raw["source"]))


def known_currencies() -> tuple[str, ...]:
    """Currency codes the default table can convert between, sorted."""
    return fx_table().currencies
