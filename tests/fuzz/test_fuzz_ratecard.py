"""The operator's rate-card file (``SOURCEWISE_RATECARD``), fed junk: a card or a
``RateCardError`` naming the offending field; never another exception.

Files are generated three ways: structured overrides (real section and entry names, values
of every type and range, junk fields), written as TOML or JSON; arbitrary text; arbitrary
bytes (not UTF-8). An accepted card keeps the engine's invariants: every entry has
``low <= typical <= high`` and the region it was asked for.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.quick import parse_quick
from costengine import estimate
from costengine.errors import EngineError, RateCardError
from costengine.ratecard import available_regions, load_ratecard
from tests.fuzz.strategies import fuzz_settings

_CARD = load_ratecard("PL")
#: A small, ordinary request priced with each fuzzed card.
SCENARIO = parse_quick("8 agents phone, chat 24/7 US", "en").scenario
ENTRY_NAMES: dict[str, list[str]] = {}
for _path, _ in _CARD.entries():
    _section, _name = _path.split(".", 1)
    ENTRY_NAMES.setdefault(_section, []).append(_name)
SECTIONS = [*ENTRY_NAMES, "region", "billing", "Inhouse", ""]
FIELDS = ["low", "typical", "high", "unit", "source", "estimate", "why", "overridden", "x"]

SCALARS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["PLN/month", "USD/agent-hour", "EUR", "ratio", "1e999", "NaN", "-0"]),
    st.booleans(),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=4), SCALARS, max_size=2),
)


@st.composite
def overrides(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for section in draw(st.lists(st.sampled_from(SECTIONS), max_size=3, unique=True)):
        if section == "region":
            data[section] = draw(
                st.dictionaries(
                    st.sampled_from(["code", "name", "currency", "languages", "note", "x"]),
                    st.one_of(st.sampled_from(["PL", "US", "pl", "PLN", ""]), VALUES),
                    max_size=3,
                )
            )
            continue
        names = [*ENTRY_NAMES.get(section, ["agent_hour"]), "unknown_entry", "billing"]
        entries: dict[str, Any] = {}
        for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
            if draw(st.booleans()):
                entries[name] = draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4))
            else:
                entries[name] = draw(VALUES)
        data[section] = entries if draw(st.integers(0, 9)) else draw(VALUES)
    return data


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        text = str(value).lower()
        return {"infinity": "inf", "-infinity": "-inf", "snan": "nan", "-nan": "nan"}.get(
            text, text
        )
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def to_toml(data: dict[str, Any]) -> str:
    lines: list[str] = []
    for section, body in data.items():
        if not isinstance(body, dict):
            lines.append(f"{json.dumps(section)} = {_toml_value(body)}")
            continue
        lines.append(f"[{json.dumps(section)}]")
        lines.extend(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in body.items())
    return "\n".join(lines) + "\n"


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str)


FILES = st.one_of(
    st.tuples(st.just(".toml"), overrides().map(to_toml).map(str.encode)),
    st.tuples(st.just(".json"), overrides().map(to_json).map(str.encode)),
    st.tuples(st.sampled_from([".toml", ".json", ".txt"]), st.text(max_size=200).map(str.encode)),
    st.tuples(st.sampled_from([".toml", ".json"]), st.binary(max_size=64)),
)

_names = count()


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@fuzz_settings(1000)
@given(file=FILES, region=st.sampled_from(available_regions()))
def test_a_rate_card_file_loads_or_is_refused_with_the_field_named(
    folder: Path, file: tuple[str, bytes], region: str
) -> None:
    suffix, content = file
    path = folder / f"card-{next(_names)}{suffix}"
    path.write_bytes(content)
    try:
        card = load_ratecard(region, path)
    except RateCardError as error:
        assert isinstance(error.field, str) and error.reason  # "" names an empty key
        return
    finally:
        path.unlink()
    assert card.code == region
    for name, entry in card.entries():
        assert entry.low <= entry.typical <= entry.high, name


TYPICAL = st.one_of(
    st.decimals(min_value=0, max_value=10**9, allow_nan=False, places=4),
    st.decimals(min_value=-1000, max_value=0, allow_nan=False, places=2),
    st.integers(0, 10**12),
)


@fuzz_settings(300)
@given(
    entries=st.dictionaries(
        st.sampled_from([f"{s}.{n}" for s, names in ENTRY_NAMES.items() for n in names]),
        TYPICAL,
        min_size=1,
        max_size=6,
    ),
    region=st.sampled_from(available_regions()),
)
def test_typical_only_overrides_widen_the_band_or_are_refused(
    folder: Path, entries: dict[str, Any], region: str
) -> None:
    """The documented short form (``[inhouse.agent_salary_month] typical = 4100``): the
    band widens to hold the new figure, which the card then uses as typed."""
    lines = [f"[{path}]\ntypical = {value}" for path, value in entries.items()]
    path = folder / f"card-{next(_names)}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        card = load_ratecard(region, path)
    except RateCardError as error:
        assert error.reason
        return
    finally:
        path.unlink()
    for name, value in entries.items():
        entry = card.entry(name)
        assert entry.overridden
        assert entry.low <= entry.typical <= entry.high
        assert entry.typical == Decimal(str(value))


EXTREMES = st.one_of(
    st.sampled_from([0, 1, 7, 24, 25, 100, 99_999, 10**9, 10**30, Decimal("1e-9"), Decimal("0.5")]),
    st.decimals(min_value=0, max_value=10**6, allow_nan=False, places=3),
)


@fuzz_settings(40)
@given(
    entries=st.dictionaries(
        st.sampled_from([f"{s}.{n}" for s, names in ENTRY_NAMES.items() for n in names]),
        EXTREMES,
        min_size=1,
        max_size=3,
    )
)
def test_a_card_the_loader_accepts_prices_or_fails_with_an_engine_error(
    folder: Path, entries: dict[str, Any]
) -> None:
    """End to end: whatever an accepted file holds, pricing with it gives an estimate or an
    ``EngineError`` the conversation can explain (zero spans and shares, quantiles above 1,
    absurd magnitudes once crashed the maths here)."""
    path = folder / f"card-{next(_names)}.toml"
    path.write_text("".join(f"[{k}]\ntypical = {v}\n" for k, v in entries.items()), "utf-8")
    try:
        card = load_ratecard(SCENARIO.region, path)
    except RateCardError:
        return
    finally:
        path.unlink()
    try:
        result = estimate(SCENARIO, card)
    except EngineError:
        return
    assert result.models and result.recommendation.model in result.models
