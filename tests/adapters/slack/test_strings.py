"""The adapter's chrome strings: every locale has every key, within Slack's limits."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from importlib.resources import files

import pytest

from bot.adapters.slack.strings import SlackStrings, strings
from bot.render.env import LOCALES


def _keys(locale: str) -> set[str]:
    text = files("templates").joinpath(locale, "slack.toml").read_text(encoding="utf-8")
    return set(tomllib.loads(text))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_exactly_the_adapters_keys(locale: str) -> None:
    assert _keys(locale) == {f.name for f in fields(SlackStrings)}


@pytest.mark.parametrize("locale", LOCALES)
def test_modal_labels_fit_slacks_24_characters(locale: str) -> None:
    words = strings(locale)
    for label in (words.modal_title, words.modal_submit, words.modal_close):
        assert 0 < len(label) <= 24


def test_locales_are_normalized_and_fall_back_to_english() -> None:
    assert strings("pl-PL").done == "Gotowe"
    assert strings("zh_CN").done == "完成"
    assert strings("de").done == strings(None).done == "Done"
    assert strings("en").shared("U1") == "Shared by <@U1>:"
