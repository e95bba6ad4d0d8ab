"""The views on real engine output: the engine's own figures, in each locale's Babel format,
and no untranslated key anywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale

from bot.core.events import Reply
from bot.render.env import renderer
from bot.render.labels import labels_for
from bot.render.numbers import format_money
from bot.render.result import (
    MESSAGE_LIMIT,
    render_details,
    render_quick,
    render_result,
    render_why,
)
from costengine import estimate
from costengine.results import Estimate
from costengine.scenario import Channel, ChannelVolume, Coverage, HoursPreset, Scenario

BABEL = {"en": "en_US", "zh": "zh_Hans_CN", "pl": "pl_PL"}

SCENARIOS = {
    "pl-24x7-volumes": Scenario(
        channels=(Channel.PHONE, Channel.EMAIL),
        languages=("en", "pl"),
        region="PL",
        volumes=(
            ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(12000)),
            ChannelVolume(channel=Channel.EMAIL, contacts_per_month=Decimal(3000)),
        ),
        coverage=Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN, timezone="Europe/Warsaw"),
        current_monthly_cost=Decimal(200000),
    ),
    "uk-team-size": Scenario(
        team_size=6, channels=(Channel.CHAT, Channel.EMAIL), languages=("en",), region="UK"
    ),
    "latam-usd-three-languages": Scenario(
        volumes=(ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(80000)),),
        channels=(Channel.PHONE,),
        languages=("es", "en", "pt"),
        region="LATAM",
        currency="USD",
        coverage=Coverage(preset=HoursPreset.EXTENDED, timezone="America/Mexico_City"),
    ),
}


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def engine_estimate(request: pytest.FixtureRequest) -> Estimate:
    return estimate(SCENARIOS[request.param])


def money(amount: Decimal, currency: str, locale: str, precision: str = "sig") -> str:
    return format_money(amount, currency, Locale.parse(BABEL[locale]), precision)  # type: ignore[arg-type]


def all_views(est: Estimate, locale: str) -> list[Reply]:
    return [
        *render_result(est, locale),
        *render_why(est, locale),
        *render_details(est, locale),
        *render_quick(est, locale, ("default.region", "default.hours", "default.languages")),
    ]


@pytest.mark.parametrize("locale", sorted(BABEL))
def test_engine_figures_appear_formatted_for_the_locale(
    engine_estimate: Estimate, locale: str
) -> None:
    est, currency = engine_estimate, engine_estimate.currency
    winner = est.models[est.recommendation.model]
    result = render_result(est, locale)[0].text
    quick = render_quick(est, locale)[0].text
    assert money(winner.monthly_total, currency, locale) in result.splitlines()[0]
    assert money(winner.monthly_total, currency, locale) in quick.splitlines()[0]
    for cost in est.models.values():
        assert money(cost.monthly_total, currency, locale) in result
    why = "\n".join(reply.text for reply in render_why(est, locale))
    largest = sorted(winner.line_items, key=lambda item: item.amount, reverse=True)
    for item in largest[:4]:
        assert money(item.amount, currency, locale) in why
    details = "\n".join(reply.text for reply in render_details(est, locale))
    for cost in est.models.values():
        for item in cost.line_items:
            assert money(item.amount, currency, locale, "auto") in details
    for row in est.sensitivity:
        for total in row.totals.values():
            assert money(total, currency, locale, "auto") in details


@pytest.mark.parametrize("locale", sorted(BABEL))
def test_every_engine_key_is_translated(engine_estimate: Estimate, locale: str) -> None:
    labels = labels_for(renderer(), locale)
    est = engine_estimate
    wanted = [("reason", key) for key in est.recommendation.reasons]
    wanted += [("risk", key) for key in est.recommendation.risks]
    wanted += [("assumption", a.key) for a in est.assumptions]
    for cost in est.models.values():
        wanted += [("note", key) for key in cost.notes]
        wanted += [("line_item", item.key) for item in cost.line_items]
        wanted += [("working", item.key) for item in cost.line_items]
        wanted += [("split", cost.split)] if cost.split else []
        wanted += [("billing", cost.billing)] if cost.billing else []
    assert sorted({f"{s}: {k}" for s, k in wanted if not labels.has(s, k)}) == []


@pytest.mark.parametrize("locale", sorted(BABEL))
def test_assumptions_fill_without_fallback(engine_estimate: Estimate, locale: str) -> None:
    text = "\n".join(reply.text for reply in render_details(engine_estimate, locale))
    assert "{{" not in text and "{%" not in text
    for assumption in engine_estimate.assumptions:
        name = assumption.key.removeprefix("assumption.")
        assert f"• {name}" not in text, name  # the fallback shows the bare key


@pytest.mark.parametrize("locale", sorted(BABEL))
def test_every_message_fits_a_chat_message(engine_estimate: Estimate, locale: str) -> None:
    for reply in all_views(engine_estimate, locale):
        assert 0 < len(reply.text) <= MESSAGE_LIMIT
