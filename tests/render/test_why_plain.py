"""A "why" a business owner reads in twenty seconds, over real engine estimates (issue 15,
problems 4 and 9): about a dozen lines before the sources, figures to three significant
digits, plain words instead of rate-card keys and Erlangs, sources as a numbered list of
titled links at the end, long replies cut at line ends; no cents on big sums anywhere."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

import pytest

from bot.render.env import LOCALES, renderer
from bot.render.labels import labels_for
from bot.render.result import (
    MESSAGE_LIMIT,
    render_details,
    render_quick,
    render_result,
    render_why,
)
from costengine import estimate
from costengine.results import Estimate
from costengine.scenario import (
    Channel,
    ChannelVolume,
    Coverage,
    HoursPreset,
    Pooling,
    Scenario,
    SupportKind,
)


def volumes(**per_channel: int) -> tuple[ChannelVolume, ...]:
    return tuple(
        ChannelVolume(channel=Channel(name), contacts_per_month=Decimal(n))
        for name, n in per_channel.items()
    )


SCENARIOS = {
    "us-team8-24x7-en-zh": Scenario(
        team_size=8,
        channels=(Channel.PHONE, Channel.CHAT),
        languages=("en", "zh"),
        region="US",
        coverage=Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN, timezone="America/New_York"),
    ),
    "uk-team2-cannot-cover": Scenario(
        team_size=2,
        channels=(Channel.PHONE,),
        languages=("en",),
        region="UK",
        coverage=Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN, timezone="Europe/London"),
    ),
    "us-big-volumes": Scenario(
        volumes=volumes(phone=80000, chat=20000, email=10000),
        channels=(Channel.PHONE, Channel.CHAT, Channel.EMAIL),
        languages=("en", "es"),
        region="US",
        coverage=Coverage(preset=HoursPreset.EXTENDED, timezone="America/Chicago"),
    ),
    "in-per-channel": Scenario(
        volumes=volumes(phone=5000, chat=3000, email=2000),
        channels=(Channel.PHONE, Channel.CHAT, Channel.EMAIL),
        languages=("en",),
        region="IN",
        pooling=Pooling.PER_CHANNEL,
        coverage=Coverage(preset=HoursPreset.BUSINESS, timezone="Asia/Kolkata"),
    ),
    "de-it-users": Scenario(
        users=400,
        kind=SupportKind.IT_HELPDESK,
        channels=(Channel.PHONE, Channel.EMAIL),
        languages=("en",),
        region="DE",
        coverage=Coverage(preset=HoursPreset.BUSINESS, timezone="Europe/Berlin"),
    ),
    "pl-team50-switch-not-worth-it": Scenario(
        team_size=50,
        channels=(Channel.PHONE,),
        languages=("en", "de"),
        region="PL",
        coverage=Coverage(preset=HoursPreset.BUSINESS, timezone="Europe/Warsaw"),
    ),
    "latam-three-languages": Scenario(
        volumes=volumes(phone=80000),
        channels=(Channel.PHONE,),
        languages=("es", "en", "pt"),
        region="LATAM",
        currency="USD",
        coverage=Coverage(preset=HoursPreset.EXTENDED, timezone="America/Mexico_City"),
    ),
}

HEADING = {"en": "Sources:", "pl": "Źródła:", "zh": "来源："}


@cache
def engine(name: str) -> Estimate:
    return estimate(SCENARIOS[name])


def why_text(name: str, locale: str) -> str:
    return "\n\n".join(reply.text for reply in render_why(engine(name), locale))


def body_and_sources(text: str, locale: str) -> tuple[str, list[str]]:
    body, _, sources = text.partition(f"\n\n{HEADING[locale]}\n")
    return body, [line for line in sources.splitlines() if line.strip()]


CASES = [(name, locale) for name in sorted(SCENARIOS) for locale in LOCALES]


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_why_is_about_a_dozen_lines_before_the_sources(name: str, locale: str) -> None:
    """Problem 4: 2,000+ character blocks of developer output. The working is at most
    thirteen lines (about a dozen), then the sources."""
    body, sources = body_and_sources(why_text(name, locale), locale)
    assert len(body.splitlines()) <= 13, body
    assert sources


DEVELOPER_OUTPUT = [
    re.compile(r"\[[A-Z]{2,5}\.[a-z_]+\.[a-z_]+"),  # [US.outsourced.per_minute = ...]
    re.compile(r"\b(?:USD|EUR|GBP|PLN|CNY|INR|PHP)/(?:minute|month|agent-hour|seat-month)"),
    re.compile(r"\bbasis:|\bestimate:|\bseed 00\d", re.IGNORECASE),
    re.compile(r"\bmanager FTE\b|\bErlangs?\b|爱尔兰"),
]


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_why_has_no_rate_card_keys_units_or_jargon(name: str, locale: str) -> None:
    """Problem 4: "[US.outsourced.per_minute = 0.95 USD/minute] infocomm.ky/…", "manager FTE
    0.2300", "0.92 Erlangs", "basis: seed 004"."""
    body, _ = body_and_sources(why_text(name, locale), locale)
    found = [p.pattern for p in DEVELOPER_OUTPUT if p.search(body)]
    assert found == [], body


_NUMBER = re.compile(r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def significant_digits(token: str, locale: str) -> int:
    decimal_mark = "," if locale == "pl" else "."
    digits = "".join(c for c in token if c.isdigit() or c == decimal_mark)
    whole, _, fraction = digits.partition(decimal_mark)
    figure = (whole + fraction).lstrip("0")
    if not fraction:
        figure = figure.rstrip("0")
    return len(figure.rstrip("0")) if fraction else len(figure)


def figures(text: str) -> list[str]:
    text = re.sub(r"\[[\d,– ]+\]", " ", text)  # source markers [1–5]
    return [m.group() for m in _NUMBER.finditer(text)]


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_result_why_and_quick_figures_have_at_most_three_significant_digits(
    name: str, locale: str
) -> None:
    """Problems 4 and 9: "manager FTE 0.2300", "0.2873 FTE", "$5,253.12". The figures a
    reader meets first are rounded to three significant digits."""
    est = engine(name)
    body, _ = body_and_sources(why_text(name, locale), locale)
    texts = [body, render_result(est, locale, chart=False)[0].text]
    texts.append(render_quick(est, locale, chart=False)[0].text)
    long = [f for text in texts for f in figures(text) if significant_digits(f, locale) > 3]
    assert long == []


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_sources_are_a_numbered_list_of_titled_links(name: str, locale: str) -> None:
    """Problem 4: the sources as a short numbered list of titled links at the end, each
    cited in the working as [n]; our own notes titled in the reader's language."""
    body, sources = body_and_sources(why_text(name, locale), locale)
    assert sources, body
    for number, line in enumerate(sources, start=1):
        assert line.startswith(f"{number}. ")
        assert "https://" in line or "Sourcewise" in line
    cited = {
        int(n)
        for marker in re.findall(r"\[([\d,– ]+)\]", body)
        for part in marker.split(",")
        for n in (
            range(int(part.split("–")[0]), int(part.split("–")[1]) + 1) if "–" in part else [part]
        )
    }
    assert cited == set(range(1, len(sources) + 1))


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_no_cents_on_four_figure_sums_in_any_view(name: str, locale: str) -> None:
    """Problem 9: cents on five- and six-figure monthly sums ("PLN75,647.31")."""
    est = engine(name)
    views = [
        *render_result(est, locale, chart=False),
        *render_why(est, locale),
        *render_details(est, locale),
        *render_quick(est, locale, chart=False),
    ]
    decimal_mark = "," if locale == "pl" else "."
    pattern = re.compile(r"\d{1,3}(?:[,\u00a0 ]\d{3})+" + re.escape(decimal_mark) + r"\d{2}(?!\d)")
    with_cents = [m.group() for reply in views for m in pattern.finditer(reply.text)]
    assert with_cents == []


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_long_replies_are_cut_at_line_ends(name: str, locale: str) -> None:
    """Problem 4: long replies split at line boundaries: every message fits, and every line
    of every message is a whole line of the reply."""
    for draw in (render_why, render_details):
        replies = draw(engine(name), locale)
        for reply in replies:
            assert 0 < len(reply.text) <= MESSAGE_LIMIT
        whole = "\n".join(reply.text for reply in replies)
        assert all(line in whole.splitlines() for r in replies for line in r.text.splitlines())


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("locale", LOCALES)
def test_every_line_item_is_worked_out_in_plain_words(name: str, locale: str) -> None:
    """Each line item's inputs fill its sentence in result.toml's [working] (the engine's
    input names and the label's parameters agree), in every locale."""
    labels = labels_for(renderer(), locale)
    est = engine(name)
    missing = []
    for cost in est.models.values():
        for item in cost.line_items:
            params: dict[str, object] = {"currency": est.currency, **item.inputs}
            if labels.try_fill("working", item.key, params) is None:
                missing.append(f"{item.key}: {sorted(item.inputs)}")
    assert missing == []
