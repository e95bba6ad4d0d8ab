"""Money: Decimal conversion through the dated ECB table, cents rounded half to even."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costengine.errors import UnknownCurrency
from costengine.money import cents, fx_table, known_currencies, total_of


def test_rounding_is_half_even() -> None:
    assert cents(Decimal("0.125")) == Decimal("0.12")
    assert cents(Decimal("0.135")) == Decimal("0.14")
    assert cents(Decimal("-2.675")) == Decimal("-2.68")
    assert cents(Decimal("10")) == Decimal("10.00")


def test_default_table_is_the_may_2025_ecb_column() -> None:
    table = fx_table()
    assert table.date == "2025-05-09"
    assert table.rates["USD"] == Decimal("1.1252")
    assert table.rates["PLN"] == Decimal("4.2393")
    assert table.rates["EUR"] == 1
    assert "ECB" in table.source


def test_february_column_is_available() -> None:
    table = fx_table("2025-02-28")
    assert table.rates["GBP"] == Decimal("0.82608")
    assert table.rates["INR"] == Decimal("90.971")


def test_unknown_date_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="2025-05-09"):
        fx_table("1999-01-01")


def test_cross_rate_goes_through_the_euro() -> None:
    table = fx_table()
    # 100 USD -> EUR -> PLN
    expected = Decimal(100) / Decimal("1.1252") * Decimal("4.2393")
    assert table.convert(Decimal(100), "USD", "PLN") == expected
    assert cents(table.convert(Decimal(100), "USD", "PLN")) == Decimal("376.76")
    assert table.convert(Decimal("12.34"), "GBP", "gbp") == Decimal("12.34")


def test_unknown_currency_is_a_named_error() -> None:
    with pytest.raises(UnknownCurrency) as info:
        fx_table().rate("USD", "XXX")
    assert info.value.currency == "XXX"
    assert "USD" in str(info.value)


def test_known_currencies_cover_every_region_currency() -> None:
    assert set(known_currencies()) >= {"USD", "GBP", "EUR", "PLN", "CNY", "PHP", "INR", "MXN"}


def test_total_of_rejects_unrounded_items() -> None:
    assert total_of([Decimal("1.10"), Decimal("2.25")]) == Decimal("3.35")
    with pytest.raises(ValueError, match="not rounded"):
        total_of([Decimal("1.105")])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=0, max_value=10**7, allow_nan=False, allow_infinity=False, places=6),
        min_size=1,
        max_size=15,
    ),
    st.sampled_from(["USD", "GBP", "PLN", "CNY", "INR", "PHP"]),
)
def test_rounded_items_always_add_up_to_the_total(amounts: list[Decimal], ccy: str) -> None:
    table = fx_table()
    items = [cents(table.convert(amount, "EUR", ccy)) for amount in amounts]
    total = total_of(items)
    assert total == sum(items)
    assert total == cents(total)
    # Rounding each item moves the total by at most half a cent per item.
    exact = sum(table.convert(amount, "EUR", ccy) for amount in amounts)
    assert abs(total - exact) <= Decimal("0.005") * len(items)
