"""The adapter's chrome strings: every locale has every key, within Telegram's limits."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from importlib.resources import files
from typing import Any

import pytest

from bot.adapters.telegram.strings import COMMANDS, TelegramStrings, strings
from bot.core.quick import read_fields
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


#: Words of the English examples ("/estimate 8 agents phone,chat en 24/7 US").
_ENGLISH_EXAMPLE = re.compile(r"\b(?:agents?|phone|chat|email|en|zh)\b", re.IGNORECASE)


@pytest.mark.parametrize("locale", ["pl", "zh"])
def test_polish_and_chinese_examples_are_in_their_own_language(locale: str) -> None:
    """The /estimate examples of the command menu (setMyCommands) and of the group pointer
    were English ("/estimate 8 agents phone 24/7 PL"): each is in the locale's words and
    reads the same as the English one (a team of 8, phone, around the clock)."""
    words = strings(locale)
    for text in (words.commands["estimate"], words.group_pointer):
        example = text.split("/estimate", 1)[1]
        assert not _ENGLISH_EXAMPLE.search(example), example
        read = read_fields(example)
        assert read.team_size == 8 and "phone" in read.channels and read.hours == "24x7"
        assert read.region == {"pl": "PL", "zh": "CN"}[locale] and read.ignored == []
