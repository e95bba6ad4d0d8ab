"""Package lists, region facts and citations in a user's rate-card file, fed junk: a card or
one ``RateCardError`` naming the field; an accepted card keeps its invariants (packages sorted
by size with positive sizes, provider languages covering languages, cited keys known)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from costengine.errors import RateCardError
from costengine.ratecard import available_regions, bibliography, load_ratecard
from tests.fuzz.strategies import fuzz_settings

NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=10**31),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from(["NaN", "1e999", "-0", ""]),
)
FIELD_VALUES = st.one_of(NUMBERS, st.text(max_size=8), st.booleans(), st.none())
UNITS = st.sampled_from(["USD/month", "EUR/month", "XYZ/month", "month", ""])
KEYS = st.sampled_from([*sorted(bibliography())[:5], "nope", "Bad Key", ""])


@st.composite
def package_rows(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(FIELD_VALUES)  # not a list at all
    rows: list[Any] = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 9)) == 0:
            rows.append(draw(FIELD_VALUES))
            continue
        row: dict[str, Any] = {}
        for name in ("included", "price", "overage"):
            if draw(st.integers(0, 9)):
                row[name] = draw(NUMBERS)
        if draw(st.integers(0, 9)):
            row["unit"] = draw(UNITS)
        if draw(st.booleans()):
            row["cite"] = draw(st.lists(KEYS, max_size=2))
        if draw(st.booleans()):
            row["source"] = draw(st.text(max_size=10))
        if draw(st.integers(0, 5)) == 0:
            row[draw(st.sampled_from(["estimate", "why", "x"]))] = draw(FIELD_VALUES)
        rows.append(row)
    return rows


@st.composite
def files_(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"outsourced": {}}
    for name in draw(st.lists(st.sampled_from(["minute_packages", "chat_packages"]), unique=True)):
        data["outsourced"][name] = draw(package_rows())
    if draw(st.booleans()):
        data["region"] = draw(
            st.dictionaries(
                st.sampled_from(
                    [
                        "languages",
                        "provider_languages",
                        "timezone",
                        "nearshore_for",
                        "privacy_regime",
                    ]
                ),
                st.one_of(
                    st.lists(st.sampled_from(["en", "de", "US", "xx", ""]), max_size=3),
                    st.sampled_from(["Europe/Warsaw", "Mars/Base", "gdpr", "GDPR", ""]),
                    FIELD_VALUES,
                ),
                max_size=3,
            )
        )
    if draw(st.booleans()):
        data["planning"] = {
            "absence_share": {"typical": draw(NUMBERS), "cite": draw(st.lists(KEYS, max_size=2))}
        }
    return data


_names = count()


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@fuzz_settings(400)
@given(data=files_(), region=st.sampled_from(available_regions()))
def test_packages_and_region_facts_load_or_are_refused_by_field(
    folder: Path, data: dict[str, Any], region: str
) -> None:
    path = folder / f"card-{next(_names)}.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    try:
        card = load_ratecard(region, path)
    except RateCardError as error:
        assert isinstance(error.field, str) and error.reason
        assert "\n" not in str(error)
        return
    finally:
        path.unlink()
    for name in ("minute_packages", "chat_packages"):
        rows = getattr(card.outsourced, name)
        assert [row.included for row in rows] == sorted(row.included for row in rows)
        assert all(row.included > 0 and row.price >= 0 and row.overage >= 0 for row in rows)
    assert set(card.region.languages) <= set(card.region.provider_languages)
    sources = bibliography()
    for path_, _ in [*card.entries(), *card.packages()]:
        assert all(citation.key in sources for citation in card.ref(path_).citations)
