"""The catalogue renders texts with the locale's Babel filters and falls back to English."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.commands import command_from_text, parse_locale, parse_volume_change
from bot.core.events import Command
from bot.render.catalog import Catalog, lookup


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "That's too large: the maximum is 20,000."),
        ("pl", "To za dużo: maksimum to 20\u00a0000."),
        ("zh", "数值太大：最大为 20,000。"),
    ],
)
def test_numbers_in_texts_go_through_babel(locale: str, text: str) -> None:
    assert lookup(locale, "error.too_large", max=20_000) == text


def test_money_and_percent_filters() -> None:
    assert lookup("pl", "display.money", amount=Decimal("25000"), currency="PLN") == (
        "25\u00a0000\u00a0zł miesięcznie"  # no cents on a five-figure sum (issue 15)
    )
    assert lookup("en", "display.service_level", level=0.8, seconds=20) == (
        "80% answered within 20 s"
    )


def test_missing_keys_fall_back_to_english_and_unknown_keys_raise(tmp_path: Path) -> None:
    for locale, body in (("en", 'a = "A {{ n|number }}"\nb = "B"\n'), ("pl", 'b = "Be"\n')):
        (tmp_path / locale).mkdir()
        (tmp_path / locale / "conversation.toml").write_text(body, encoding="utf-8")
    catalog = Catalog(root=tmp_path)
    assert catalog.lookup("pl", "b") == "Be"
    assert catalog.lookup("pl", "a", n=1000) == "A 1\u00a0000"  # English text, Polish digits
    with pytest.raises(KeyError):
        catalog.lookup("pl", "nope")


def test_words_of_every_locale_are_understood_everywhere() -> None:
    catalog = Catalog()
    back = catalog.all_words("words.command.back")
    assert {"back", "wstecz", "返回"} <= set(back)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("back", Command("back")),
        ("/back", Command("back")),
        ("/back@SourcewiseBot", Command("back")),
        ("Wstecz", Command("back")),
        ("返回", Command("back")),
        ("why?", Command("why")),
        ("Dlaczego?", Command("why")),
        ("为什么？", Command("why")),
        ("?", Command("help")),
        ("what if 24/7?", Command("whatif", "24/7")),
        ("a co jeśli 24/7", Command("whatif", "24/7")),
        ("如果24/7", Command("whatif", "24/7")),
        ("language pl", Command("language", "pl")),
        ("język polski", Command("language", "pl")),
        ("/language 中文", Command("language", "zh")),
        ("edit channels", Command("edit", "channels")),
        ("pomiń", Command("skip")),
        ("od nowa", Command("restart")),
    ],
)
def test_typed_commands(text: str, command: Command) -> None:
    assert command_from_text(text) == command


@pytest.mark.parametrize("text", ["backwards", "languages", "12 agents", "phone", "x" * 300])
def test_answers_are_not_commands(text: str) -> None:
    assert command_from_text(text) is None


def test_locales_by_code_or_name() -> None:
    assert [parse_locale(x) for x in ("pl-PL", "zh_Hans", "English", "polski", "xx")] == [
        "pl",
        "zh",
        "en",
        "pl",
        None,
    ]


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("+20%", "0.2"),
        ("20% more calls", "0.2"),
        ("o 20% więcej", "0.2"),
        ("增加20%", "0.2"),
        ("-10%", "-0.1"),
        ("30% fewer", "-0.3"),
        ("o 15% mniej", "-0.15"),
    ],
)
def test_volume_changes(text: str, change: str) -> None:
    found = parse_volume_change(text)
    assert found is not None and found.change == Decimal(change)


@pytest.mark.parametrize("text", ["20%", "+0%", "-100%", "lots more", "+2000%"])
def test_unclear_volume_changes(text: str) -> None:
    assert parse_volume_change(text) is None
