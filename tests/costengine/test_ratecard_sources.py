"""The bibliography and the fields added for small teams, IT tiers and pay-per-use providers.

Every built-in figure names its documents (``cite``) or is an estimate with a why; every cited
key exists and every source is cited; region facts are consistent (languages, time zones,
nearshore pairs); packages get cheaper per unit as they grow within one provider's ladder.
"""

from __future__ import annotations

import json
import re
import tomllib
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

import costengine.ratecard as ratecard_module
from costengine.errors import RateCardError
from costengine.ratecard import (
    Citation,
    Package,
    RateCard,
    available_regions,
    bibliography,
    load_ratecard,
)

REGIONS = available_regions()
CARD_FILES = sorted(
    item.name
    for item in files("costengine").joinpath("data/ratecards").iterdir()
    if item.name.endswith(".toml")
)
DATE = re.compile(r"^(n\.d\.|\d{4}(-\d{2}(-\d{2})?)?)$")

NEW_FIELDS = {
    "planning": (
        "absence_share",
        "tickets_per_user_month",
        "it_tier1_resolution",
        "it_tier3_share",
        "aht_it_tier1_seconds",
        "aht_it_tier2_seconds",
        "aht_it_tier3_seconds",
        "success_rate",
    ),
    "inhouse": (
        "supervision_threshold_fte",
        "qa_wfm_threshold_fte",
        "helpdesk_seat_month",
        "voip_seat_month",
        "device_month",
        "platform_build_min_seats",
        "it_tier2_salary_multiplier",
        "it_tier3_salary_multiplier",
    ),
    "hosted": ("platform_seat_month_small",),
    "outsourced": (
        "seat_month",
        "min_seats",
        "contract_months",
        "per_minute",
        "wrap_up_minutes",
        "per_contact",
        "base_fee_month",
        "commission_rate",
        "it_per_user_month",
        "it_per_ticket",
        "vendor_management_share",
    ),
}


def _raw(name: str) -> dict[str, Any]:
    text = files("costengine").joinpath(f"data/ratecards/{name}").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _raw_items(raw: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every entry table and package row of a raw card file, with its path."""
    found: list[tuple[str, dict[str, Any]]] = []
    for section, body in raw.items():
        if section == "region":
            continue
        for name, value in body.items():
            if isinstance(value, dict):
                found.append((f"{section}.{name}", value))
            elif isinstance(value, list):
                found.extend((f"{section}.{name}.{i}", row) for i, row in enumerate(value))
    return found


def _write(tmp_path: Path, text: str, suffix: str = ".toml") -> Path:
    path = tmp_path / f"card{suffix}"
    path.write_text(text, encoding="utf-8")
    return path


# --- the bibliography ------------------------------------------------------------------------


def test_every_source_is_structured() -> None:
    sources = bibliography()
    assert len(sources) > 50
    for key, source in sources.items():
        assert isinstance(source, Citation)
        assert source.key == key
        assert source.publisher.strip() and source.title.strip()
        assert DATE.match(source.date), key
        if source.publisher == "Sourcewise seed material":
            assert source.url is None, key
        else:
            assert source.url is not None and source.url.startswith("https://"), key
            assert " " not in source.url, key


def test_every_source_is_cited_somewhere() -> None:
    cited = {
        key
        for name in CARD_FILES
        for _, item in _raw_items(_raw(name))
        for key in item.get("cite", ())
    }
    assert set(bibliography()) - cited == set(), "sources no rate-card entry cites"
    assert cited - set(bibliography()) == set(), "cited keys missing from sources.toml"


@pytest.mark.parametrize("name", CARD_FILES)
def test_every_item_in_every_file_cites_or_is_an_estimate(name: str) -> None:
    items = _raw_items(_raw(name))
    assert items
    for path, item in items:
        where = f"{name}:{path}"
        cite = item.get("cite", [])
        assert isinstance(cite, list), where
        assert set(cite) <= set(bibliography()), where
        if item.get("estimate") is True:
            assert str(item.get("why", "")).strip(), where
        else:
            assert cite, f"{where} is cited but names no sources.toml key"
            assert str(item.get("source", "")).strip(), where
        assert item.get("overridden") is None, where


@pytest.mark.parametrize("region", REGIONS)
def test_every_loaded_figure_carries_its_citations(region: str) -> None:
    card = load_ratecard(region)
    sources = bibliography()
    paths = [path for path, _ in card.entries()] + [path for path, _ in card.packages()]
    for path in paths:
        ref = card.ref(path)
        item = card.package(path) if path.count(".") == 2 else card.entry(path)
        assert tuple(c.key for c in ref.citations) == item.cite, path
        assert all(c == sources[c.key] for c in ref.citations)
        if not item.estimate:
            assert ref.citations, path
    as_json = json.loads(card.ref("planning.shrinkage").model_dump_json())
    assert as_json["citations"][0]["url"].startswith("https://")


def test_an_override_without_cite_has_no_citations(tmp_path: Path) -> None:
    card = load_ratecard("US", _write(tmp_path, "[inhouse.employer_load]\ntypical = 0.3\n"))
    ref = card.ref("inhouse.employer_load")
    assert ref.overridden and ref.citations == ()
    assert card.ref("inhouse.agent_salary_month").citations[0].key == "bls_ooh_csr"


def test_an_override_may_cite_and_an_unknown_key_is_named(tmp_path: Path) -> None:
    text = '[inhouse.employer_load]\ntypical = 0.3\ncite = ["bls_ecec"]\nsource = "mine"\n'
    card = load_ratecard("US", _write(tmp_path, text))
    assert [c.key for c in card.ref("inhouse.employer_load").citations] == ["bls_ecec"]
    bad = '[inhouse.employer_load]\ntypical = 0.3\ncite = ["no_such_source"]\n'
    with pytest.raises(RateCardError) as caught:
        load_ratecard("US", _write(tmp_path, bad))
    assert caught.value.field == "inhouse.employer_load.cite"
    with pytest.raises(RateCardError) as caught:
        load_ratecard("US", _write(tmp_path, '[inhouse.employer_load]\ncite = ["Bad Key"]\n'))
    assert caught.value.field == "inhouse.employer_load.cite.0"


def test_a_built_in_figure_without_cite_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = ratecard_module._layer(
        ratecard_module._builtin("defaults"), ratecard_module._builtin("US")
    )
    entry = dict(raw["inhouse"]["agent_salary_month"])
    entry["cite"] = []
    raw["inhouse"] = {**raw["inhouse"], "agent_salary_month": entry}
    with pytest.raises(RateCardError) as caught:
        ratecard_module._build(raw)
    assert caught.value.field == "inhouse.agent_salary_month.cite"


# --- region facts ---------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_region_facts_are_consistent(region: str) -> None:
    info = load_ratecard(region).region
    assert set(info.languages) <= set(info.provider_languages)
    assert info.provider_languages[: len(info.languages)] == info.languages
    zoneinfo.ZoneInfo(info.timezone)
    assert set(info.nearshore_for) <= set(REGIONS) - {region}
    assert re.match(r"^[a-z][a-z0-9_]+$", info.privacy_regime)
    raw = _raw(f"{region}.toml")["region"]
    assert set(raw["languages"]) <= set(raw["provider_languages"]), "superset in the file too"


def test_region_facts_from_the_brief() -> None:
    assert load_ratecard("LATAM").region.nearshore_for == ("US",)
    assert set(load_ratecard("PL").region.nearshore_for) == {"DE", "UK"}
    assert load_ratecard("DE").region.privacy_regime == load_ratecard("PL").region.privacy_regime
    assert load_ratecard("UK").region.privacy_regime == "uk_gdpr"
    assert load_ratecard("PH").region.timezone == "Asia/Manila"
    assert "de" in load_ratecard("PL").region.provider_languages


def test_extending_languages_extends_provider_languages(tmp_path: Path) -> None:
    card = load_ratecard("US", _write(tmp_path, '[region]\nlanguages = ["en", "fr"]\n'))
    assert card.region.languages == ("en", "fr")
    assert card.region.provider_languages == ("en", "fr", "es")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[region]\ntimezone = "Mars/Olympus"\n', "region.timezone"),
        ('[region]\ntimezone = "../../etc/passwd"\n', "region.timezone"),
        ('[region]\nnearshore_for = ["us"]\n', "region.nearshore_for.0"),
        ('[region]\nnearshore_for = ["US"]\n', "region"),
        ('[region]\nprivacy_regime = "GDPR!"\n', "region.privacy_regime"),
    ],
)
def test_bad_region_facts_are_named(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(RateCardError) as caught:
        load_ratecard("US", _write(tmp_path, text))
    assert caught.value.field == field


# --- the new entries ------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_every_region_has_the_new_entries(region: str) -> None:
    card = load_ratecard(region)
    for section, names in NEW_FIELDS.items():
        for name in names:
            entry = card.entry(f"{section}.{name}")
            assert entry.low <= entry.typical <= entry.high
    for name in ("helpdesk_seat_month", "voip_seat_month", "device_month"):
        assert card.entry(f"inhouse.{name}").currency is not None
    assert card.entry("outsourced.seat_month").currency is not None
    assert card.entry("outsourced.per_minute").currency is not None


@pytest.mark.parametrize("region", REGIONS)
def test_absence_is_a_part_of_shrinkage(region: str) -> None:
    card = load_ratecard(region)
    assert 0 < card.value("planning.absence_share") < card.value("planning.shrinkage")


def test_absence_at_or_above_shrinkage_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RateCardError) as caught:
        load_ratecard("DE", _write(tmp_path, "[planning.shrinkage]\ntypical = 0.15\n"))
    assert caught.value.field == "planning.absence_share.typical"
    both = "[planning.shrinkage]\ntypical = 0.15\n[planning.absence_share]\ntypical = 0.1\n"
    assert load_ratecard("DE", _write(tmp_path, both)).value("planning.absence_share") == Decimal(
        "0.1"
    )


def test_seat_month_is_the_hourly_rate_for_a_full_time_month() -> None:
    for region in REGIONS:
        card = load_ratecard(region)
        hourly = card.entry("outsourced.agent_hour")
        seat = card.entry("outsourced.seat_month")
        assert seat.currency == hourly.currency
        assert seat.typical == (hourly.typical * Decimal(40 * 52) / 12).quantize(Decimal("0.01"))


def test_us_it_pay_and_figures_from_the_sources() -> None:
    us = load_ratecard("US")
    assert us.value("inhouse.agent_salary_month_it") == Decimal("5028.33")  # 60,340 / 12
    assert us.value("outsourced.per_minute_overage") == Decimal("2.25")
    assert us.value("outsourced.it_per_user_month") == 30
    assert us.value("outsourced.min_seats") == 5
    assert us.value("outsourced.contract_months") == 24
    assert load_ratecard("UK").value("planning.absence_share") == Decimal("0.138")
    assert load_ratecard("PH").entry("outsourced.agent_hour").low == 6


@pytest.mark.parametrize(
    ("entry", "value"),
    [
        ("planning.absence_share", 0.95),
        ("planning.it_tier1_resolution", 1.5),
        ("planning.aht_it_tier1_seconds", 0),
        ("outsourced.commission_rate", 2),
        ("outsourced.vendor_management_share", 1.5),
        ("inhouse.it_tier2_salary_multiplier", 0.1),
    ],
)
def test_new_shares_and_times_are_bounded(tmp_path: Path, entry: str, value: float) -> None:
    section, name = entry.split(".")
    path = _write(tmp_path, json.dumps({section: {name: {"typical": value}}}), ".json")
    with pytest.raises(RateCardError) as caught:
        load_ratecard("US", path)
    assert caught.value.field.startswith(entry)


# --- packages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CARD_FILES)
def test_packages_in_files_are_sorted_and_cheaper_per_unit_as_they_grow(name: str) -> None:
    outsourced = _raw(name).get("outsourced", {})
    for field in ("minute_packages", "chat_packages"):
        rows = outsourced.get(field, [])
        sizes = [row["included"] for row in rows]
        assert sizes == sorted(sizes), f"{name}: {field} not sorted by included"
        ladders: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:  # one provider's ladder: rows led by the same source key
            ladders[row["cite"][0]].append(row)
        for provider, ladder in ladders.items():
            per_unit = [Decimal(str(r["price"])) / Decimal(str(r["included"])) for r in ladder]
            assert per_unit == sorted(per_unit, reverse=True), f"{name}: {provider}"
            assert len(set(per_unit)) == len(per_unit), f"{name}: {provider}"
            units = {row["unit"] for row in ladder}
            assert len(units) == 1


def test_us_packages_from_the_sources() -> None:
    card = load_ratecard("US")
    minutes = card.outsourced.minute_packages
    assert [(p.included, p.price) for p in minutes if p.cite[0] == "signpost_bill"] == [
        (125, 350),
        (250, 600),
        (500, 1050),
        (1000, 1850),
    ]
    assert all(isinstance(p, Package) and p.currency == "USD" for p in minutes)
    assert card.outsourced.chat_packages[0].price_per_unit == 2
    ref = card.ref("outsourced.minute_packages.0")
    assert ref.entry == "US.outsourced.minute_packages.0"
    assert ref.value == "350" and ref.unit == "USD/month"
    assert ref.citations[0].url == "https://help.signpost.com/why-is-my-bill-higher-than-usual"
    assert load_ratecard("PH").outsourced.minute_packages == ()
    with pytest.raises(KeyError):
        card.package("outsourced.minute_packages.99")
    with pytest.raises(KeyError):
        card.package("outsourced.per_minute.0")


def test_a_user_package_list_replaces_the_whole_list(tmp_path: Path) -> None:
    text = (
        "[[outsourced.minute_packages]]\nincluded = 600\nprice = 900\noverage = 1.9\n"
        'unit = "USD/month"\n'
        "[[outsourced.minute_packages]]\nincluded = 200\nprice = 400\noverage = 2.1\n"
        'unit = "USD/month"\nsource = "my provider\'s quote"\n'
    )
    card = load_ratecard("US", _write(tmp_path, text))
    rows = card.outsourced.minute_packages
    assert [row.included for row in rows] == [200, 600]  # sorted by size
    assert all(row.overridden and row.cite == () for row in rows)
    assert rows[1].source == "user rate card card.toml"
    assert rows[0].source == "my provider's quote"
    assert card.ref("outsourced.minute_packages.1").overridden
    assert card.outsourced.chat_packages == load_ratecard("US").outsourced.chat_packages
    empty = load_ratecard(
        "US", _write(tmp_path, json.dumps({"outsourced": {"chat_packages": []}}), ".json")
    )
    assert empty.outsourced.chat_packages == ()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minute_packages": {"included": 1}}, "outsourced.minute_packages"),
        ({"minute_packages": [1]}, "outsourced.minute_packages.0"),
        (
            {"minute_packages": [{"included": 100, "overage": 1, "unit": "USD/month"}]},
            "outsourced.minute_packages.0.price",
        ),
        (
            {"minute_packages": [{"included": 0, "price": 1, "overage": 1, "unit": "USD/month"}]},
            "outsourced.minute_packages.0.included",
        ),
        (
            {"chat_packages": [{"included": 5, "price": 1, "overage": 1, "unit": "chats"}]},
            "outsourced.chat_packages.0",
        ),
        (
            {"chat_packages": [{"included": 5, "price": 1, "overage": 1, "unit": "XYZ/month"}]},
            "outsourced.chat_packages.0.unit",
        ),
        (
            {
                "chat_packages": [
                    {"included": 5, "price": 1, "overage": 1, "unit": "USD/month", "cite": ["x"]}
                ]
            },
            "outsourced.chat_packages.0.cite",
        ),
        (
            {
                "chat_packages": [{"included": 5, "price": 1, "overage": 1, "unit": "USD/month"}]
                * 51
            },
            "outsourced.chat_packages",
        ),
    ],
)
def test_bad_package_rows_are_named(tmp_path: Path, body: dict[str, Any], field: str) -> None:
    path = _write(tmp_path, json.dumps({"outsourced": body}), ".json")
    with pytest.raises(RateCardError) as caught:
        load_ratecard("US", path)
    assert caught.value.field == field


def test_scaling_a_package_list_scales_prices_only() -> None:
    card = load_ratecard("US")
    scaled = card.scaled(("outsourced.minute_packages", "outsourced.agent_hour"), Decimal(2))
    assert isinstance(scaled, RateCard)
    before, after = card.outsourced.minute_packages[0], scaled.outsourced.minute_packages[0]
    assert after.price == 2 * before.price and after.overage == 2 * before.overage
    assert after.included == before.included
    assert scaled.value("outsourced.agent_hour") == 2 * card.value("outsourced.agent_hour")


def test_the_module_exports_the_bibliography_api() -> None:
    assert {"Citation", "Package", "bibliography"} <= set(ratecard_module.__all__)
