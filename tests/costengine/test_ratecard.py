"""Rate cards: every default cited or marked an estimate; user overrides validated by path."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from costengine.errors import RateCardError, UnknownRegion
from costengine.money import fx_table
from costengine.ratecard import RateCard, available_regions, load_ratecard

REGIONS = ("US", "UK", "DE", "PL", "CN", "PH", "IN", "LATAM")
CARD_FILES = sorted(
    item.name
    for item in files("costengine").joinpath("data/ratecards").iterdir()
    if item.name.endswith(".toml")
)


def test_the_required_regions_ship() -> None:
    assert set(REGIONS) <= set(available_regions())


@pytest.mark.parametrize("name", CARD_FILES)
def test_every_entry_in_every_file_is_cited_or_an_estimate(name: str) -> None:
    raw = tomllib.loads(
        files("costengine").joinpath(f"data/ratecards/{name}").read_text(encoding="utf-8")
    )
    checked = 0
    for section, entries in raw.items():
        if section == "region":
            continue
        for key, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            checked += 1
            where = f"{name}:{section}.{key}"
            assert {"low", "typical", "high", "unit"} <= entry.keys(), where
            cited = bool(str(entry.get("source", "")).strip())
            estimated = entry.get("estimate") is True and bool(str(entry.get("why", "")).strip())
            assert cited or estimated, where
            assert entry["low"] <= entry["typical"] <= entry["high"], where
    assert checked > 0


@pytest.mark.parametrize("region", REGIONS)
def test_every_loaded_entry_has_a_citation(region: str) -> None:
    card = load_ratecard(region)
    for path, entry in card.entries():
        ref = card.ref(path)
        assert ref.entry == f"{card.code}.{path}"
        assert ref.source.strip(), path
        assert ref.estimate == entry.estimate
        assert ref.overridden is False
        if entry.estimate:
            assert ref.source.startswith("estimate: ")


@pytest.mark.parametrize(
    ("region", "currency"),
    [
        ("US", "USD"),
        ("UK", "GBP"),
        ("DE", "EUR"),
        ("PL", "PLN"),
        ("CN", "CNY"),
        ("PH", "PHP"),
        ("IN", "INR"),
        ("LATAM", "USD"),
    ],
)
def test_region_currency(region: str, currency: str) -> None:
    card = load_ratecard(region)
    assert card.currency == currency
    assert card.entry("inhouse.agent_salary_month").currency == currency
    assert card.currency in fx_table().rates


@pytest.mark.parametrize("region", REGIONS)
def test_money_units_name_a_convertible_currency(region: str) -> None:
    card = load_ratecard(region)
    for path, entry in card.entries():
        if entry.currency is not None:
            assert entry.currency in fx_table().rates, path


def test_cited_figures_from_the_primer() -> None:
    assert load_ratecard("US").value("inhouse.agent_salary_month") == Decimal("3569.17")
    assert load_ratecard("CN").value("inhouse.agent_salary_month") == 6000
    assert load_ratecard("PH").value("outsourced.agent_hour") == 10
    assert load_ratecard("PH").value("outsourced.agent_hour_it") == 20
    assert load_ratecard("DE").value("outsourced.agent_hour") == 25
    assert load_ratecard("US").value("hosted.platform_seat_month") == 115
    assert load_ratecard("US").value("planning.shrinkage") == Decimal("0.30")


def test_region_entries_replace_defaults_whole() -> None:
    # CN cites the seed for the build cost, where the default marks it a proxy estimate.
    assert load_ratecard("CN").entry("inhouse.build_one_time").estimate is False
    assert load_ratecard("US").entry("inhouse.build_one_time").estimate is True


def test_region_code_is_case_insensitive_and_unknown_is_named() -> None:
    assert load_ratecard(" us ").code == "US"
    with pytest.raises(UnknownRegion) as info:
        load_ratecard("ZZ")
    assert info.value.field == "region"
    assert "US" in info.value.reason


def test_partial_override_replaces_typical_and_marks_overridden(tmp_path: Path) -> None:
    override = tmp_path / "mine.toml"
    override.write_text("[inhouse.agent_salary_month]\ntypical = 5000\n", encoding="utf-8")
    card = load_ratecard("US", override)
    entry = card.entry("inhouse.agent_salary_month")
    assert entry.typical == 5000
    assert entry.low == 2900  # band kept
    assert entry.high == 5000  # widened to contain the new typical
    assert entry.unit == "USD/month"
    ref = card.ref("inhouse.agent_salary_month")
    assert ref.overridden is True
    assert "mine.toml" in ref.source
    # untouched entries keep their provenance
    assert card.ref("inhouse.employer_load").overridden is False


def test_json_override_and_new_optional_entry(tmp_path: Path) -> None:
    override = tmp_path / "mine.json"
    override.write_text(
        json.dumps(
            {
                "outsourced": {
                    "per_minute_overage": {"typical": 0.8, "unit": "GBP/minute"},
                    "per_minute": {"typical": 0.8},
                    "billing": "per_contact",
                }
            }
        ),
        encoding="utf-8",
    )
    card = load_ratecard("UK", override)
    assert load_ratecard("UK").get("outsourced.per_minute_overage") is None
    entry = card.entry("outsourced.per_minute_overage")
    assert entry.typical == Decimal("0.8") and entry.low == entry.high == entry.typical
    assert entry.overridden and entry.cite == ()
    per_minute = card.entry("outsourced.per_minute")  # the derived default, replaced
    assert per_minute.typical == Decimal("0.8") and per_minute.overridden
    assert per_minute.unit == "GBP/minute" and per_minute.low <= Decimal("0.8")
    assert card.ref("outsourced.per_minute").citations == ()
    assert card.outsourced.billing == "per_contact"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[inhouse.agent_salary_month]\ntypical = -5\n", "inhouse.agent_salary_month.typical"),
        ('[inhouse.agent_salary_month]\ntypical = "lots"\n', "inhouse.agent_salary_month.typical"),
        ("[inhouse.agent_salry_month]\ntypical = 5\n", "inhouse.agent_salry_month"),
        ("[inhouse.agent_salary_month]\nlow = 9000\n", "inhouse.agent_salary_month"),
        ('[hosted.platform_seat_month]\nunit = "seats"\n', "hosted.platform_seat_month"),
        ('[hosted.platform_seat_month]\nunit = "XYZ/month"\n', "hosted.platform_seat_month.unit"),
        ("[inhouse.training_allowance_day]\ntypical = 1\n", "inhouse.training_allowance_day.unit"),
        ("[pricing]\nx = 1\n", "pricing"),
        ("[inhouse]\nemployer_load = 0.3\n", "inhouse.employer_load"),
        ('[outsourced]\nbilling = "barter"\n', "outsourced.billing"),
        ('[region]\ncode = "DE"\n', "region.code"),
        ('[region]\ncurrency = "XYZ"\n', "region.currency"),
    ],
)
def test_invalid_override_names_the_field(tmp_path: Path, text: str, field: str) -> None:
    override = tmp_path / "bad.toml"
    override.write_text(text, encoding="utf-8")
    with pytest.raises(RateCardError) as info:
        load_ratecard("US", override)
    assert info.value.field == field, info.value


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(RateCardError, match="cannot read"):
        load_ratecard("US", tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[inhouse\n", encoding="utf-8")
    with pytest.raises(RateCardError, match="not valid TOML") as info:
        load_ratecard("US", broken)
    assert info.value.field == "file"
    bad_json = tmp_path / "broken.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(RateCardError, match="not valid JSON"):
        load_ratecard("US", bad_json)


def test_scaled_copies_only_the_named_entries() -> None:
    card = load_ratecard("US")
    scaled = card.scaled(
        ("inhouse.agent_salary_month", "inhouse.training_allowance_day"), Decimal("1.2")
    )
    assert isinstance(scaled, RateCard)
    assert scaled.value("inhouse.agent_salary_month") == Decimal("3569.17") * Decimal("1.2")
    assert scaled.value("inhouse.employer_load") == card.value("inhouse.employer_load")
    assert scaled.get("inhouse.training_allowance_day") is None
    assert card.value("inhouse.agent_salary_month") == Decimal("3569.17")  # original untouched


def test_unknown_paths_raise_key_error() -> None:
    card = load_ratecard("US")
    with pytest.raises(KeyError):
        card.get("inhouse.nothing")
    with pytest.raises(KeyError):
        card.get("region.code")
    with pytest.raises(KeyError, match=r"no inhouse\.training_allowance_day"):
        card.entry("inhouse.training_allowance_day")


@pytest.mark.parametrize(
    ("entry", "value"),
    [
        ("inhouse.lead_span", 0),
        ("outsourced.shared_occupancy", 0),
        ("planning.overflow_quantile", 25),
        ("planning.shrinkage", 0.95),
        ("inhouse.agent_salary_month", 1e30),
    ],
)
def test_an_override_the_maths_cannot_use_is_refused_naming_the_entry(
    tmp_path: Path, entry: str, value: object
) -> None:
    section, name = entry.split(".")
    path = tmp_path / "card.json"
    path.write_text(json.dumps({section: {name: {"typical": value}}}), encoding="utf-8")
    with pytest.raises(RateCardError) as caught:
        load_ratecard("US", path)
    assert caught.value.field.startswith(entry)
    assert "between" in caught.value.reason
