"""Every locale has the same conversation keys and the same template files, and every text
compiles as Jinja: a translator cannot drop a key or break a placeholder unnoticed."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from jinja2 import TemplateSyntaxError

from bot.render.catalog import CATALOG_FILE, Catalog
from bot.render.env import DEFAULT_LOCALE, LOCALES, renderer

ROOT = Path(str(files("templates")))
OTHERS = [locale for locale in LOCALES if locale != DEFAULT_LOCALE]


@pytest.mark.parametrize("locale", OTHERS)
def test_conversation_catalogues_have_the_same_keys(locale: str) -> None:
    catalog = Catalog()
    english, own = catalog.keys(DEFAULT_LOCALE), catalog.keys(locale)
    assert sorted(english - own) == [], f"missing in {locale}"
    assert sorted(own - english) == [], f"only in {locale}"


@pytest.mark.parametrize("locale", OTHERS)
def test_entries_have_the_same_shape(locale: str) -> None:
    catalog = Catalog()
    for key, entry in catalog.table(DEFAULT_LOCALE).items():
        assert isinstance(catalog.table(locale)[key], type(entry)), key


@pytest.mark.parametrize("locale", LOCALES)
def test_same_template_files_in_every_locale(locale: str) -> None:
    english = {path.name for path in (ROOT / DEFAULT_LOCALE).iterdir() if path.is_file()}
    own = {path.name for path in (ROOT / locale).iterdir() if path.is_file()}
    assert CATALOG_FILE in own
    assert sorted(english ^ own) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_and_template_compiles(locale: str) -> None:
    env = renderer().env(locale)
    for key, entry in Catalog().table(locale).items():
        if isinstance(entry, str):
            try:
                env.from_string(entry)
            except TemplateSyntaxError as exc:  # pragma: no cover - the failure message
                pytest.fail(f"{locale}:{key}: {exc}")
    for path in (ROOT / locale).glob("*.j2"):
        env.get_template(path.name)


def _words(entry: str) -> str:
    return re.sub(r"{[{%].*?[%}]}", "", entry)


@pytest.mark.parametrize("locale", OTHERS)
def test_translations_are_not_english_copies(locale: str) -> None:
    catalog = Catalog()
    copied = [
        key
        for key, entry in catalog.table(DEFAULT_LOCALE).items()
        if isinstance(entry, str)
        and len(re.findall(r"[a-zA-Z]", _words(entry))) > 8
        and entry == catalog.table(locale).get(key)
        and not key.endswith(".example")
    ]
    assert copied == []
