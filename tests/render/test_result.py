"""The four views of a hand-built estimate: every figure is the estimate's, rounded the way
the view rounds it and formatted by Babel per locale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale

from bot.core.events import Reply, ReplyKind
from bot.render.conversation import action_choice
from bot.render.labels import labels_for
from bot.render.numbers import format_money, format_significant
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


def money(amount: Decimal, currency: str, locale: str, precision: str = "sig") -> str:
    return format_money(amount, currency, Locale.parse(BABEL[locale]), precision)  # type: ignore[arg-type]


def sig(value: Decimal | float, locale: str, digits: int = 3) -> str:
    return format_significant(value, Locale.parse(BABEL[locale]), digits)


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
        assert sig(cost.fte, locale) in reply.text
        assert label(locale, "model", cost.model.value) in reply.text


@pytest.mark.parametrize("locale", LOCALES)
def test_result_lists_models_cheapest_first(estimate: Estimate, locale: str) -> None:
    (reply,) = render_result(estimate, locale)
    text = reply.text.split("\n\n", 1)[1]  # after the headline, which names the winner
    positions = [
        text.index(money(estimate.models[m].monthly_total, "PLN", locale))
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
    assert money(estimate.models[recommendation.model].monthly_total, "PLN", locale) in (
        winner_line
    )
    for key in (*recommendation.reasons, *recommendation.risks):
        section = key.split(".")[0]
        assert label(locale, section, key) in text
    assert money(recommendation.savings_vs_runner_up, "PLN", locale) in text
    assert recommendation.savings_vs_current is not None
    assert money(recommendation.savings_vs_current, "PLN", locale) in text
    crossing = recommendation.break_even[0].contacts_per_month
    assert crossing is not None
    assert sig(crossing, locale) in text


@pytest.mark.parametrize("locale", LOCALES)
def test_break_even_sentences_are_about_the_recommended_model(
    estimate: Estimate, locale: str
) -> None:
    """Issue 15, problem 10: a break-even sentence about Hosted vs Partial while Outsourced
    is recommended. The fixture has that crossing (7,350 contacts): it is never said."""
    (reply,) = render_result(estimate, locale)
    assert sig(Decimal(7350), locale) not in reply.text
    assert sig(Decimal(48250), locale) in reply.text  # outsourced vs in-house: said


@pytest.mark.parametrize("locale", LOCALES)
def test_result_carries_chart_and_the_conversations_action_labels(
    estimate: Estimate, locale: str
) -> None:
    """Problem 10: labels that change between screens. The buttons under a result are
    labelled exactly as the conversation labels the same actions."""
    (reply,) = render_result(estimate, locale)
    assert reply.image is not None
    assert reply.image.png.startswith(PNG)
    assert reply.image.filename.endswith(".png")
    in_house = estimate.models[DeliveryModel.IN_HOUSE].monthly_total
    assert money(in_house, "PLN", locale) in reply.image.alt
    assert tuple(a.value for a in reply.actions) == RESULT_ACTIONS
    assert [a.label for a in reply.actions] == [
        action_choice(value, locale).label for value in RESULT_ACTIONS
    ]
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
    more = money(-recommendation.savings_vs_current, "USD", "en")
    assert f"costs {more} a month more" in reply.text
    assert f"saves {more}" not in reply.text


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
def test_why_is_one_short_message_with_numbered_sources(estimate: Estimate, locale: str) -> None:
    (reply,) = render_why(estimate, locale)
    heading = {"en": "Sources:", "pl": "Źródła:", "zh": "来源："}[locale]
    body, sources = reply.text.split(f"\n\n{heading}\n")
    assert len(body.splitlines()) <= 12
    winner = estimate.models[estimate.recommendation.model]
    for item in winner.line_items:
        assert money(item.amount, "PLN", locale) in body
        assert label(locale, "line_item", item.key) in body
    largest_first = sorted(winner.line_items, key=lambda item: item.amount, reverse=True)
    cited = [ref.citations[0] for item in largest_first for ref in item.sources]
    for number, (line, citation) in enumerate(
        zip(sources.splitlines(), cited, strict=True), start=1
    ):
        assert line.startswith(f"{number}. {citation.publisher}")
        assert citation.title in line and line.endswith(str(citation.url))
        assert f"[{number}]" in body or f"[{number}," in body or f"{number}]" in body
    estimated = {"en": "(an estimate", "zh": "（估算", "pl": "(szacunek"}[locale]
    assert estimated in body
    assert [a.value for a in reply.actions] == ["details", "restart"]


@pytest.mark.parametrize("locale", LOCALES)
def test_why_states_the_staffing_in_plain_words(estimate: Estimate, locale: str) -> None:
    text = render_why(estimate, locale)[0].text
    live = estimate.staffing[0]
    assert sig(live.peak_agents, locale) in text
    assert sig(Decimal("9.9"), locale, 2) in text  # the phone team's FTE
    assert "Erlang" not in text and "爱尔朗" not in text  # the working, not the jargon


# --- render_details ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_details_lists_every_model_line_item(estimate: Estimate, locale: str) -> None:
    replies = render_details(estimate, locale)
    for reply, model in zip(replies, estimate.recommendation.ranking, strict=False):
        cost = estimate.models[model]
        assert reply.text.startswith(label(locale, "model", model.value))
        for item in cost.line_items:
            assert money(item.amount, "PLN", locale, "auto") in reply.text
            assert label(locale, "line_item", item.key) in reply.text
    partial = next(r for r in replies if r.text.startswith(label(locale, "model", "partial")))
    assert label(locale, "split", "overflow") in partial.text
    assert money(Decimal("47210.55"), "PLN", locale, "auto") in partial.text


@pytest.mark.parametrize("locale", LOCALES)
def test_details_sensitivity_table(estimate: Estimate, locale: str) -> None:
    replies = render_details(estimate, locale)
    table = replies[len(estimate.models)].text.splitlines()[1:]
    assert len(table) == len(estimate.sensitivity)
    for line, row in zip(table, estimate.sensitivity, strict=True):
        assert line.startswith("• " + label(locale, "factor", row.factor))
        for total in row.totals.values():
            assert money(total, "PLN", locale, "auto") in line
        assert line.endswith(label(locale, "model", row.winner.value))


@pytest.mark.parametrize("locale", LOCALES)
def test_details_end_with_staffing_assumptions_and_sources(estimate: Estimate, locale: str) -> None:
    replies = render_details(estimate, locale)
    assumptions = replies[len(estimate.models) + 1].text
    assert {"en": "May 9, 2025", "pl": "9 maja 2025", "zh": "2025年5月9日"}[locale] in assumptions
    assert "{{" not in assumptions
    assert label(locale, "channel", "phone") + " 60%" in assumptions
    sources = replies[-1].text
    assert sources.splitlines()[1].startswith("1. U.S. Bureau of Labor Statistics")
    assert [a.value for a in replies[-1].actions] == ["why", "restart"]
    assert all(not r.actions for r in replies[:-1])


def test_assumption_with_unusable_param_still_shows_its_values() -> None:
    estimate = make_estimate().model_copy(
        update={"assumptions": (Assumption(key="shrinkage", params={"value": "n/a"}),)}
    )
    text = "\n".join(reply.text for reply in render_details(estimate, "en"))
    assert "shrinkage (value=n/a)" in text


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
    assert len(reply.text.splitlines()) <= 9
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
    assert sig(Decimal(15500), locale) in line  # default.volume: the total volume
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
    assert "języki: angielski i polski" in bare.text
