"""The four views of an estimate: every figure is the estimate's, formatted by Babel per locale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from bot.core.events import Reply, ReplyKind
from bot.render.labels import labels_for
from bot.render.result import (
    DEFAULT_KEYS,
    RESULT_ACTIONS,
    render_details,
    render_quick,
    render_result,
    render_why,
)
from costengine.results import Assumption, Estimate
from costengine.scenario import DeliveryModel, HoursPreset
from tests.render.fixtures import make_estimate

BABEL = {"en": "en_US", "zh": "zh_Hans_CN", "pl": "pl_PL"}
LOCALES = tuple(BABEL)
PNG = b"\x89PNG\r\n\x1a\n"


def money(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=BABEL[locale])


def number(value: Decimal | float, digits: int, locale: str) -> str:
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=fmt, locale=BABEL[locale])


def label(locale: str, section: str, key: str) -> str:
    from bot.render.env import renderer

    return labels_for(renderer(), locale).get(section, key)


@pytest.fixture(scope="module")
def estimate() -> Estimate:
    return make_estimate(currency="PLN")


# --- render_result -------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_result_shows_every_model_total_and_fte_in_the_locale(
    estimate: Estimate, locale: str
) -> None:
    (reply,) = render_result(estimate, locale)
    assert reply.kind is ReplyKind.RESULT
    for cost in estimate.models.values():
        assert money(cost.monthly_total, "PLN", locale) in reply.text
        assert number(cost.fte, 1, locale) in reply.text
        assert label(locale, "model", cost.model.value) in reply.text


@pytest.mark.parametrize("locale", LOCALES)
def test_result_lists_models_cheapest_first(estimate: Estimate, locale: str) -> None:
    (reply,) = render_result(estimate, locale)
    positions = [
        reply.text.index(money(estimate.models[m].monthly_total, "PLN", locale))
        for m in estimate.recommendation.ranking
    ]
    assert positions == sorted(positions)


@pytest.mark.parametrize("locale", LOCALES)
def test_result_names_winner_reasons_risks_savings_and_break_even(
    estimate: Estimate, locale: str
) -> None:
    (reply,) = render_result(estimate, locale)
    recommendation = estimate.recommendation
    text = reply.text
    winner_line = text.splitlines()[0]
    assert label(locale, "model", recommendation.model.value) in winner_line
    assert money(estimate.models[recommendation.model].monthly_total, "PLN", locale) in winner_line
    for key in (*recommendation.reasons, *recommendation.risks):
        section = key.split(".")[0]
        assert label(locale, section, key) in text
    assert money(recommendation.savings_vs_runner_up, "PLN", locale) in text
    assert recommendation.savings_vs_current is not None
    assert money(recommendation.savings_vs_current, "PLN", locale) in text
    crossing = recommendation.break_even[0].contacts_per_month
    assert crossing is not None
    assert number(crossing, 0, locale) in text


@pytest.mark.parametrize("locale", LOCALES)
def test_result_carries_chart_and_localized_actions(estimate: Estimate, locale: str) -> None:
    (reply,) = render_result(estimate, locale)
    assert reply.image is not None
    assert reply.image.png.startswith(PNG)
    assert reply.image.filename.endswith(".png")
    assert money(estimate.models[DeliveryModel.IN_HOUSE].monthly_total, "PLN", locale) in (
        reply.image.alt
    )
    assert tuple(a.value for a in reply.actions) == RESULT_ACTIONS
    assert all(a.label and a.label != a.value for a in reply.actions)
    assert len({a.label for a in reply.actions}) == len(reply.actions)


def test_result_labels_differ_between_locales(estimate: Estimate) -> None:
    texts = {locale: render_result(estimate, locale)[0].text for locale in LOCALES}
    assert len(set(texts.values())) == 3
    assert "推荐" in texts["zh"]
    assert "Zalecany" in texts["pl"]


def test_result_on_24x7_offers_business_hours_instead() -> None:
    (reply,) = render_result(make_estimate(preset=HoursPreset.TWENTY_FOUR_SEVEN), "en")
    values = [a.value for a in reply.actions]
    assert "whatif:hours=business" in values
    assert "whatif:hours=24x7" not in values


def test_result_when_dearer_than_today_says_how_much_more() -> None:
    estimate = make_estimate(current=Decimal("30000"))
    recommendation = estimate.recommendation
    assert recommendation.savings_vs_current is not None
    assert recommendation.savings_vs_current < 0
    (reply,) = render_result(estimate, "en")
    assert f"Costs {money(-recommendation.savings_vs_current, 'USD', 'en')} a month more" in (
        reply.text
    )
    assert "Saves " + money(-recommendation.savings_vs_current, "USD", "en") not in reply.text


def test_result_without_todays_cost_has_no_comparison_with_today() -> None:
    (reply,) = render_result(make_estimate(current=None), "en")
    assert "today" not in reply.text


def test_result_for_team_size_states_the_team_not_a_volume() -> None:
    (reply,) = render_result(make_estimate(team_size=1200), "en")
    assert "today's team of 1,200" in reply.text
    assert "contacts a month," not in reply.text.splitlines()[1]


def test_unknown_keys_fall_back_without_crashing() -> None:
    estimate = make_estimate(reasons=("reason.brand_new",), risks=("risk.something_new",))
    (reply,) = render_result(estimate, "pl")
    assert "brand_new" in reply.text
    assert "something_new" in reply.text


# --- render_why ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_why_shows_staffing_per_pool(estimate: Estimate, locale: str) -> None:
    replies = render_why(estimate, locale)
    assert len(replies) >= 3
    staffing = replies[0].text
    live, deferred = estimate.staffing
    assert number(live.peak_erlangs, 2, locale) in staffing
    assert str(live.peak_agents) in staffing
    assert live.peak_service_level is not None
    assert (
        format_percent(
            Decimal(str(live.peak_service_level)), format="#,##0.0%", locale=BABEL[locale]
        )
        in staffing
    )
    assert live.peak_asa_seconds is not None
    assert number(live.peak_asa_seconds, 1, locale) in staffing
    for pool in estimate.staffing:
        assert number(pool.fte, 1, locale) in staffing
        assert number(pool.agent_hours_per_week, 1, locale) in staffing
    assert number(deferred.peak_erlangs, 2, locale) in staffing
    assert format_percent(Decimal("0.35"), locale=BABEL[locale]) in staffing  # shrinkage


@pytest.mark.parametrize("locale", LOCALES)
def test_why_lists_every_line_item_of_the_winner_with_sources(
    estimate: Estimate, locale: str
) -> None:
    costs = "\n".join(reply.text for reply in render_why(estimate, locale)[1:-1])
    winner = estimate.models[estimate.recommendation.model]
    for item in winner.line_items:
        assert money(item.amount, "PLN", locale) in costs
        assert label(locale, "line_item", item.key) in costs
        for ref in item.sources:
            assert ref.entry in costs
            assert ref.source in costs
    estimated = next(i for i in winner.line_items if i.sources[0].estimate)
    line = next(line for line in costs.splitlines() if estimated.sources[0].source in line)
    assert {"en": "(estimate)", "zh": "（估算值）", "pl": "(szacunek)"}[locale] in line
    # inputs are the engine's figures, localized: 1550 hours -> "1,550" / "1 550"
    assert number(Decimal(1550), 0, locale) in costs


@pytest.mark.parametrize("locale", LOCALES)
def test_why_fills_assumptions_in_the_locale(estimate: Estimate, locale: str) -> None:
    replies = render_why(estimate, locale)
    text = replies[2].text
    assert (
        format_date(__import__("datetime").date(2025, 5, 9), format="medium", locale=BABEL[locale])
        in text
    )
    assert "{{" not in text
    assert label(locale, "channel", "phone") + " 60%" in text
    assert number(Decimal("4.345"), 3, locale) in text
    assert [a.value for a in replies[-1].actions] == ["details", "restart"]
    assert all(not r.actions for r in replies[:-1])


def test_assumption_with_unusable_param_still_shows_its_values() -> None:
    estimate = make_estimate().model_copy(
        update={"assumptions": (Assumption(key="shrinkage", params={"value": "n/a"}),)}
    )
    text = render_why(estimate, "en")[-1].text
    assert "shrinkage (value=n/a)" in text


# --- render_details ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_details_lists_every_model_line_item(estimate: Estimate, locale: str) -> None:
    replies = render_details(estimate, locale)
    assert len(replies) == len(estimate.models) + 1
    for reply, model in zip(replies, estimate.recommendation.ranking, strict=False):
        cost = estimate.models[model]
        assert reply.text.startswith(label(locale, "model", model.value))
        for item in cost.line_items:
            assert money(item.amount, "PLN", locale) in reply.text
            assert label(locale, "line_item", item.key) in reply.text
    partial = next(r for r in replies if r.text.startswith(label(locale, "model", "partial")))
    assert label(locale, "split", "overflow") in partial.text
    assert money(Decimal("47210.55"), "PLN", locale) in partial.text


@pytest.mark.parametrize("locale", LOCALES)
def test_details_sensitivity_table(estimate: Estimate, locale: str) -> None:
    table = render_details(estimate, locale)[-1].text.splitlines()[1:]
    assert len(table) == len(estimate.sensitivity)
    for line, row in zip(table, estimate.sensitivity, strict=True):
        assert line.startswith("• " + label(locale, "factor", row.factor))
        sign = "+" if row.change > 0 else ""
        assert sign + format_percent(row.change, locale=BABEL[locale]) in line
        for total in row.totals.values():
            assert money(total, "PLN", locale) in line
        assert line.endswith(label(locale, "model", row.winner.value))


# --- render_quick --------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_quick_is_one_compact_message_with_chart(estimate: Estimate, locale: str) -> None:
    replies = render_quick(estimate, locale, ("default.region", "default.hours"))
    assert len(replies) == 1
    reply: Reply = replies[0]
    assert reply.kind is ReplyKind.RESULT
    assert reply.image is not None and reply.image.png.startswith(PNG)
    for cost in estimate.models.values():
        assert money(cost.monthly_total, "PLN", locale) in reply.text
    reason = label(locale, "reason", estimate.recommendation.reasons[0])
    assert reason in reply.text
    assert label(locale, "reason", estimate.recommendation.reasons[1]) not in reply.text
    assert len(reply.text.splitlines()) <= 8
    region = {"en": "Poland", "zh": "波兰", "pl": "Polska"}[locale]
    assert region in reply.text.splitlines()[-1]
    assert label(locale, "hours", "business") in reply.text.splitlines()[-1]


@pytest.mark.parametrize("locale", LOCALES)
def test_quick_explains_every_supported_default(estimate: Estimate, locale: str) -> None:
    (reply,) = render_quick(estimate, locale, DEFAULT_KEYS)
    line = reply.text.splitlines()[-1]
    for key in DEFAULT_KEYS:
        assert label(locale, "default", key) in line
    assert label(locale, "channel", "email") in line
    assert number(Decimal(15500), 0, locale) in line  # default.volume: the total volume
    assert "Europe/Warsaw" in line


def test_quick_without_defaults_has_no_defaults_line(estimate: Estimate) -> None:
    (reply,) = render_quick(estimate, "en")
    assert "Assumed" not in reply.text
    (reply,) = render_quick(estimate, "en", ("default.unknown_thing",))
    assert "unknown_thing" in reply.text


def test_quick_accepts_bare_question_ids_as_default_keys(estimate: Estimate) -> None:
    (prefixed,) = render_quick(estimate, "pl", ("default.languages", "default.hours"))
    (bare,) = render_quick(estimate, "pl", ("languages", "hours"))
    assert bare.text == prefixed.text
    assert "języki: angielski, polski" in bare.text
