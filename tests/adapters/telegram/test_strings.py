"""The adapter's chrome strings: every locale has every key, within Telegram's limits."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from importlib.resources import files
from typing import Any

import pytest

from bot.adapters.telegram.strings import COMMANDS, TelegramStrings, strings
from bot.render.env import LOCALES


def _data(locale: str) -> dict[str, Any]:
    text = files("templates").joinpath(locale, "telegram.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_exactly_the_adapters_keys(locale: str) -> None:
    data = _data(locale)
    expected = {f.name for f in fields(TelegramStrings)} - {"locale"}
    assert set(data) == expected
    assert set(data["commands"]) == set(COMMANDS)


@pytest.mark.parametrize("locale", LOCALES)
def test_command_descriptions_fit_telegrams_limits(locale: str) -> None:
    for description in strings(locale).commands.values():
        assert 1 <= len(description) <= 256


def test_locales_are_normalized_and_fall_back_to_english() -> None:
    assert strings("pl-PL").done == "Gotowe"
    assert strings("zh-hans").done == "完成"
    assert strings("de").done == strings(None).done == "Done"
    assert strings("pl").commands["back"] != strings("en").commands["back"]
