"""estimate(): the four models on one plan, currencies, overrides, what-ifs and the JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from costengine import (
    Channel,
    ChannelVolume,
    Coverage,
    DeliveryModel,
    Estimate,
    HoursPreset,
    Scenario,
    SupportKind,
    UnknownCurrency,
    UnknownRegion,
    estimate,
    load_ratecard,
)
from costengine.estimate import staffing_inputs
from costengine.pricing import MODEL_ORDER
from costengine.staffing.plan import plan_staffing


def scenario(**changes: object) -> Scenario:
    data: dict[str, object] = {
        "volumes": (
            ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(6000)),
            ChannelVolume(channel=Channel.EMAIL, contacts_per_month=Decimal(2000)),
        ),
        "channels": (Channel.PHONE, Channel.EMAIL),
        "languages": ("en",),
        "region": "US",
        "coverage": Coverage(preset=HoursPreset.EXTENDED, timezone="America/New_York"),
    }
    data.update(changes)
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def full() -> Estimate:
    return estimate(scenario(languages=("en", "es"), current_monthly_cost=Decimal(90000)))


def test_all_four_models_in_the_region_currency(full: Estimate) -> None:
    assert list(full.models) == list(MODEL_ORDER)
    assert full.currency == "USD" and full.fx_date == "2025-05-09"
    for model, cost in full.models.items():
        assert cost.model is model
        assert cost.currency == "USD"
        assert cost.monthly_total == sum(item.amount for item in cost.line_items)
        assert cost.monthly_total > 0
        assert all(item.currency == "USD" for item in cost.line_items)
        assert all(item.sources for item in cost.line_items)


def test_in_house_salaries_follow_the_staffing_plan(full: Estimate) -> None:
    card = load_ratecard("US")
    plan = plan_staffing(full.scenario, staffing_inputs(full.scenario, card), full.volumes)
    assert full.staffing == plan.summaries
    salaries = next(
        item
        for item in full.models[DeliveryModel.IN_HOUSE].line_items
        if item.key == "agent_salaries"
    )
    expected = Decimal(str(round(plan.fte, 6))) * Decimal("3569.17") * Decimal("1.431")
    assert salaries.amount == expected.quantize(Decimal("0.01"))
    assert full.models[DeliveryModel.IN_HOUSE].fte == Decimal(str(round(plan.fte, 2)))


def test_recommendation_is_the_cheapest(full: Estimate) -> None:
    rec = full.recommendation
    totals = {model: cost.monthly_total for model, cost in full.models.items()}
    assert totals[rec.model] == min(totals.values())
    assert rec.ranking[0] is rec.model and rec.ranking[1] is rec.runner_up
    assert rec.savings_vs_runner_up == totals[rec.runner_up] - totals[rec.model]
    assert rec.savings_vs_current == Decimal(90000) - totals[rec.model]
    assert len(rec.break_even) == 6


def test_sensitivity_moves_the_right_models(full: Estimate) -> None:
    rows = {(row.factor, row.change): row.totals for row in full.sensitivity}
    assert len(full.sensitivity) == 6
    base = {model: cost.monthly_total for model, cost in full.models.items()}
    down, up = Decimal("-0.2"), Decimal("0.2")
    for model in MODEL_ORDER:
        assert rows[("volume", down)][model] <= base[model] <= rows[("volume", up)][model]
    for model in (DeliveryModel.IN_HOUSE, DeliveryModel.HOSTED):
        assert rows[("wage", down)][model] < base[model] < rows[("wage", up)][model]
        assert rows[("provider_rate", up)][model] == base[model]
    out = DeliveryModel.OUTSOURCED
    assert rows[("provider_rate", down)][out] < base[out] < rows[("provider_rate", up)][out]


def test_quick_estimate_has_no_what_ifs_but_the_same_totals(full: Estimate) -> None:
    quick = estimate(full.scenario, analysis=False)
    assert quick.sensitivity == () and quick.recommendation.break_even == ()
    assert quick.models == full.models


def test_result_currency_converts_every_figure() -> None:
    usd = estimate(scenario(), analysis=False)
    eur = estimate(scenario(currency="EUR"), analysis=False)
    assert eur.currency == "EUR"
    for model in MODEL_ORDER:
        converted = usd.models[model].monthly_total / Decimal("1.1252")
        items = len(eur.models[model].line_items)
        assert abs(eur.models[model].monthly_total - converted) <= Decimal("0.01") * items
        assert eur.models[model].line_items[0].currency == "EUR"


def test_unknown_currency_and_region_are_named_errors() -> None:
    with pytest.raises(UnknownCurrency):
        estimate(scenario(currency="XYZ"), analysis=False)
    with pytest.raises(UnknownRegion):
        estimate(scenario(region="ZZ"), analysis=False)


def test_user_rate_card_is_used_and_reported(tmp_path: Path) -> None:
    override = tmp_path / "mine.toml"
    override.write_text("[inhouse.agent_salary_month]\ntypical = 5000\n", encoding="utf-8")
    mine = estimate(scenario(), load_ratecard("US", override), analysis=False)
    default = estimate(scenario(), analysis=False)
    inhouse = DeliveryModel.IN_HOUSE
    assert mine.models[inhouse].monthly_total > default.models[inhouse].monthly_total
    salaries = mine.models[inhouse].line_items[0]
    assert salaries.sources[0].overridden and "mine.toml" in salaries.sources[0].source
    keys = [assumption.key for assumption in mine.assumptions]
    assert "assumption.ratecard_overridden" in keys
    assert "assumption.ratecard_overridden" not in [a.key for a in default.assumptions]


def test_team_size_and_it_helpdesk_scenarios() -> None:
    result = estimate(
        scenario(volumes=(), team_size=6, kind=SupportKind.IT_HELPDESK, region="PH"),
        analysis=False,
    )
    assert result.currency == "PHP"
    assert "assumption.volume_implied_from_team" in [a.key for a in result.assumptions]
    assert result.baseline is not None and result.baseline.team_size == 6
    # Dedicated onshore IT agents are priced at the Philippine IT rate, cited as such.
    options = result.models[DeliveryModel.OUTSOURCED].options
    assert any(o.destination == "PH" and o.kind == "dedicated" for o in options)
    dedicated = estimate(
        scenario(
            volumes=(),
            team_size=6,
            kind=SupportKind.IT_HELPDESK,
            region="PH",
            outsourcing="dedicated",
            destination="PH",
        ),
        analysis=False,
    )
    bill = next(
        item
        for item in dedicated.models[DeliveryModel.OUTSOURCED].line_items
        if item.key in ("provider_agent_hours", "provider_seats")
    )
    assert any(ref.entry.startswith("PH.outsourced.agent_hour_it") for ref in bill.sources)


def test_same_input_same_json(full: Estimate) -> None:
    again = estimate(full.scenario)
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(full.to_json(), sort_keys=True)


def test_json_contract(full: Estimate) -> None:
    data = json.loads(json.dumps(full.to_json()))
    assert set(data) >= {
        "inputs", "currency", "fx_date", "models", "recommendation", "staffing",
        "sensitivity", "assumptions",
    }  # fmt: skip
    assert list(data["models"]) == ["in_house", "hosted", "partial", "outsourced"]
    for model in data["models"].values():
        assert {"monthly_total", "currency", "fte", "line_items"} <= set(model)
        total = Decimal(model["monthly_total"])
        assert total == sum(Decimal(item["amount"]) for item in model["line_items"])
        for item in model["line_items"]:
            assert {"key", "label", "amount", "source", "category", "inputs", "sources"} <= set(
                item
            )
            assert item["source"] and "\n" not in item["source"]
            assert Decimal(item["amount"]).as_tuple().exponent == -2
    rec = data["recommendation"]
    assert {"model", "reasons", "risks", "break_even", "ranking", "savings_vs_runner_up",
            "savings_vs_current"} <= set(rec)  # fmt: skip
    assert rec["model"] == rec["ranking"][0]
    for pair in rec["break_even"]:
        assert set(pair) == {"cheaper_below", "cheaper_above", "contacts_per_month"}
    assert data["inputs"]["region"] == "US"
    assert [row["factor"] for row in data["sensitivity"]] == [
        "volume", "volume", "wage", "wage", "provider_rate", "provider_rate",
    ]  # fmt: skip
    assert data["staffing"][0]["language"] == ",".join(full.scenario.languages)
    assert data["schema_version"] == 2
