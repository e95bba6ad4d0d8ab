"""The one-line estimate: order-free, in three languages, defaults stated, nonsense named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.errors import QuickParseError
from bot.core.events import ReplyKind
from bot.core.quick import parse_quick
from bot.turn import answer_quick
from costengine.estimate import estimate
from costengine.results import Estimate
from costengine.scenario import Channel, HoursPreset, Scenario, SupportKind


def fast(scenario: Scenario) -> Estimate:
    return estimate(scenario, analysis=False)


def test_the_issues_team_example() -> None:
    request = parse_quick("/estimate 8 agents phone,chat en,zh 24/7 US", "en")
    scenario = request.scenario
    assert scenario.team_size == 8
    assert scenario.channels == (Channel.PHONE, Channel.CHAT)
    assert scenario.languages == ("en", "zh")
    assert scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN
    assert scenario.region == "US"
    assert set(request.defaults_used) == {"kind", "timezone", "currency", "service_level"}


def test_the_issues_volume_example() -> None:
    request = parse_quick("/estimate 12000 calls/month phone en business UK", "en")
    scenario = request.scenario
    assert scenario.team_size is None
    assert [(v.channel, v.contacts_per_month) for v in scenario.volumes] == [
        (Channel.PHONE, Decimal(12000))
    ]
    assert scenario.coverage.preset is HoursPreset.BUSINESS
    assert scenario.region == "UK" and scenario.coverage.timezone == "Europe/London"
    assert "hours" not in request.defaults_used and "region" not in request.defaults_used


@pytest.mark.parametrize(
    "line",
    [
        "/estimate 8 agents phone,chat en,zh 24/7 US",
        "/estimate US 24/7 en,zh phone,chat 8 agents",
        "/estimate@SourcewiseBot zh en chat phone US 24x7 8 staff",
    ],
)
def test_order_and_synonyms_do_not_matter(line: str) -> None:
    scenario = parse_quick(line, "en").scenario
    assert scenario.team_size == 8 and scenario.region == "US"
    assert set(scenario.channels) == {Channel.PHONE, Channel.CHAT}
    assert set(scenario.languages) == {"en", "zh"}
    assert scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN


@pytest.mark.parametrize(
    ("line", "locale"),
    [
        ("/estimate 8 konsultantów telefon,czat pl,en całodobowo PL", "pl"),
        ("/estimate 8 osób telefon i czat po polsku i po angielsku 24/7 Polska", "pl"),
        ("/estimate 8名客服 电话,在线聊天 中文,英语 全天 波兰", "zh"),
    ],
)
def test_polish_and_chinese_team_lines(line: str, locale: str) -> None:
    scenario = parse_quick(line, locale).scenario
    assert scenario.team_size == 8 and scenario.region == "PL"
    assert set(scenario.channels) == {Channel.PHONE, Channel.CHAT}
    assert scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN
    assert len(scenario.languages) == 2


@pytest.mark.parametrize(
    ("line", "locale", "region"),
    [
        ("/estimate 12 tys. połączeń/mies. telefon po polsku godziny pracy Polska", "pl", "PL"),
        ("/estimate 每月1.2万通电话 电话 中文 工作时间 中国", "zh", "CN"),
        ("/estimate 12k calls per month English business hours Britain", "en", "UK"),
    ],
)
def test_volume_lines_in_three_languages(line: str, locale: str, region: str) -> None:
    scenario = parse_quick(line, locale).scenario
    assert [(v.channel, v.contacts_per_month) for v in scenario.volumes] == [
        (Channel.PHONE, Decimal(12000))
    ]
    assert scenario.region == region
    assert scenario.coverage.preset is HoursPreset.BUSINESS


def test_missing_parts_get_the_locales_defaults_and_are_reported() -> None:
    for locale, region, language in (("en", "US", "en"), ("pl", "PL", "pl"), ("zh", "CN", "zh")):
        request = parse_quick("8 agents", locale)
        assert request.scenario.region == region
        assert request.scenario.languages == (language,)
        assert request.scenario.channels == (Channel.PHONE,)
        assert request.scenario.kind is SupportKind.CUSTOMER_SERVICE
        assert {"region", "languages", "channels", "hours", "kind"} <= set(request.defaults_used)


def test_more_parts() -> None:
    request = parse_quick("8 agents IT helpdesk de DE EUR 90/30 €40k", "en")
    scenario = request.scenario
    assert scenario.kind is SupportKind.IT_HELPDESK
    assert scenario.languages == ("de",) and scenario.region == "DE"
    assert scenario.currency == "EUR"
    assert (scenario.service_level, scenario.answer_seconds) == (0.9, 30)
    assert scenario.current_monthly_cost == Decimal("40000.00")


def test_per_channel_volumes_and_a_split_total() -> None:
    scenario = parse_quick("5000 phone 2000 chat en UK", "en").scenario
    assert [(v.channel.value, int(v.contacts_per_month)) for v in scenario.volumes] == [
        ("phone", 5000),
        ("chat", 2000),
    ]
    request = parse_quick("12k contacts/month phone,email en UK", "en")
    assert [int(v.contacts_per_month) for v in request.scenario.volumes] == [6000, 6000]
    assert "volume" in request.defaults_used


def test_a_city_implies_its_region() -> None:
    scenario = parse_quick("8 agents London", "en").scenario
    assert scenario.region == "UK" and scenario.coverage.timezone == "Europe/London"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("", "error.empty"),
        ("hello world", "quick.empty"),
        ("8", "quick.empty"),
        ("phone en US", "quick.no_size"),
        ("8 agents 24/7 US UK", "quick.conflict"),
        ("8 agents 12000 calls", "quick.both_sizes"),
        ("-8 agents", "error.negative"),
        ("0 agents", "error.too_small"),
        ("30000 agents", "error.too_large"),
        ("8 agents 🙂", "error.emoji"),
        ("x" * 600, "error.too_long"),
        ("5000 phone chat en", "quick.missing_volume"),
        ("8 agents EUR $40k", "quick.conflict"),
    ],
)
def test_nonsense_is_refused_with_a_reason(line: str, key: str) -> None:
    with pytest.raises(QuickParseError) as caught:
        parse_quick(line, "en")
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("locale", "marker"), [("en", "team size"), ("pl", "wielkości zespołu"), ("zh", "团队人数")]
)
def test_a_line_without_a_size_says_what_it_read_and_what_is_missing(
    locale: str, marker: str
) -> None:
    replies, result = answer_quick("/sourcewise phone and chat frobnicate UK", locale)
    assert result is None and len(replies) == 1
    assert replies[0].kind is ReplyKind.ERROR
    assert marker in replies[0].text and "frobnicate" not in replies[0].text
    assert "/sourcewise" in replies[0].text and "/estimate" not in replies[0].text


def test_answer_quick_estimates_and_renders() -> None:
    replies, result = answer_quick("/estimate 8 agents phone,chat en,zh 24/7 US", "en")
    assert result is not None and result.scenario.team_size == 8
    assert replies[0].kind is ReplyKind.RESULT and replies[0].text


def test_quick_answers_can_be_refined_in_the_conversation() -> None:
    request = parse_quick("12000 calls/month phone en business UK", "en")
    from bot.core.answers import scenario_from_answers

    assert scenario_from_answers(request.answers) == request.scenario
