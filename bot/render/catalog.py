"""The conversation's words, kept as data: one ``conversation.toml`` per locale.

Every prompt, choice label, error explanation, example and command word of the conversation
lives in ``templates/<locale>/conversation.toml`` under the same dotted keys in every locale
(``tests/core/test_templates_parity.py`` enforces that), so a translator edits data, never
code. A string is a tiny Jinja template rendered with the locale's environment from
:mod:`bot.render.env`, so ``{{ max|number }}`` or ``{{ cost|money(currency) }}`` comes out the
Polish or Chinese way through Babel. Arrays (``words.*``) are vocabularies the parsers accept.

A key missing in a locale falls back to English; a key missing in English is a programming
error and raises :class:`KeyError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Template

from bot.core.catalogue import CATALOG_FILE, Entry, catalogue_table
from bot.render.env import DEFAULT_LOCALE, LOCALES, Renderer, normalize_locale, renderer

__all__ = ["CATALOG_FILE", "Catalog", "catalog", "lookup"]


class Catalog:
    """The conversation texts of every locale, with English behind each of them."""

    def __init__(self, root: Path | None = None, render: Renderer | None = None) -> None:
        self._root = root or Path(str(files("templates")))
        self._renderer = render or (renderer() if root is None else Renderer(root))
        self._compiled: dict[tuple[str, str], Template] = {}

    def table(self, locale: str) -> Mapping[str, Entry]:
        """The flattened entries of one locale's own file (no fallback)."""
        return catalogue_table(normalize_locale(locale), self._root)

    def keys(self, locale: str) -> frozenset[str]:
        return frozenset(self.table(locale))

    def _entry(self, locale: str, key: str) -> tuple[str, Entry]:
        locale = normalize_locale(locale)
        for candidate in (locale, DEFAULT_LOCALE):
            entry = self.table(candidate).get(key)
            if entry is not None:
                return candidate, entry
        raise KeyError(f"no catalogue entry {key!r}")

    def has(self, key: str) -> bool:
        return key in self.table(DEFAULT_LOCALE)

    def lookup(self, locale: str, key: str, /, **params: Any) -> str:
        """The text under ``key`` in ``locale``, rendered with ``params`` (Babel filters).

        Inside a text, ``t('other.key')`` looks up another entry of the same locale, so a
        prompt can name a channel with its translated label.
        """
        locale = normalize_locale(locale)
        entry = self._entry(locale, key)[1]
        if not isinstance(entry, str):
            raise KeyError(f"catalogue entry {key!r} is a word list, not a text")
        if "{" not in entry:
            return entry
        template = self._compiled.get((locale, key))
        if template is None:
            # An English fallback still formats numbers the user's way.
            template = self._renderer.env(locale).from_string(entry)
            self._compiled[(locale, key)] = template
        if "t" not in params:
            params["t"] = self._translator(locale)
        return template.render(**params).strip()

    def _translator(self, locale: str) -> Any:
        def t(key: str, **params: Any) -> str:
            return self.lookup(locale, key, **params)

        return t

    def words(self, locale: str, key: str) -> tuple[str, ...]:
        """A vocabulary (TOML array) in one locale; a plain text counts as one word."""
        entry = self._entry(locale, key)[1]
        return (entry,) if isinstance(entry, str) else entry

    def all_words(self, key: str) -> tuple[str, ...]:
        """The vocabulary under ``key`` in every locale at once: people mix languages."""
        merged: dict[str, None] = {}
        for locale in LOCALES:
            if key in self.table(locale):
                merged.update(dict.fromkeys(self.words(locale, key)))
        return tuple(merged)

    def section(self, locale: str, prefix: str) -> dict[str, Entry]:
        """Entries under ``prefix.`` keyed by the rest of the key (English fills gaps)."""
        dotted = prefix + "."
        merged: dict[str, Entry] = {}
        for candidate in (DEFAULT_LOCALE, normalize_locale(locale)):
            for key, entry in self.table(candidate).items():
                if key.startswith(dotted):
                    merged[key[len(dotted) :]] = entry
        return merged

    def render(self, locale: str, name: str, **context: Any) -> str:
        """A ``.j2`` template of the locale, with :meth:`lookup` available as ``t(key)``."""
        locale = normalize_locale(locale)
        return self._renderer.render(locale, name, t=self._translator(locale), **context)


@cache
def catalog() -> Catalog:
    """The process-wide catalogue (files are read once)."""
    return Catalog()


def lookup(locale: str, key: str, /, **params: Any) -> str:
    """Shortcut for ``catalog().lookup(locale, key, **params)``."""
    return catalog().lookup(locale, key, **params)
