"""Localized labels for the engine's stable keys, kept as data in ``templates/<locale>/``.

The engine names things by key (line items, cost categories, models, reasons, risks,
assumptions); the words live in one ``result.toml`` per locale with the same keys everywhere,
so a translator edits data, never code. A label may be a tiny Jinja template
(``{{ share|percent }}``) filled from an :class:`~costengine.results.Assumption`'s params with
the locale's Babel filters.

A key missing in a locale falls back to English, then to the engine's own English text: a new
engine key must never crash a conversation (``tests/render/test_result_parity.py`` is what
keeps the files complete).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, Template, TemplateError

from bot.render.env import DEFAULT_LOCALE, Renderer, normalize_locale

__all__ = ["LABELS_FILE", "Labels", "flatten", "labels_for"]

#: The label file in every ``templates/<locale>/`` folder.
LABELS_FILE = "result.toml"


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"model": {"hosted": "Hosted"}}`` -> ``{"model.hosted": "Hosted"}``."""
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


def _qualified(section: str, key: str) -> str:
    return key if key.startswith(section + ".") else f"{section}.{key}"


class Labels:
    """The labels of one locale, with the English labels behind them."""

    def __init__(
        self, env: Environment, own: Mapping[str, str], fallback: Mapping[str, str]
    ) -> None:
        self._env = env
        self._own = dict(own)
        self._fallback = dict(fallback)
        self._compiled: dict[str, Template] = {}

    def has(self, section: str, key: str) -> bool:
        return _qualified(section, key) in self._own

    def get(self, section: str, key: str, default: str | None = None) -> str:
        """The label for ``key`` in ``section``; ``key`` may already carry the prefix."""
        full = _qualified(section, key)
        found = self._own.get(full) or self._fallback.get(full)
        if found is not None:
            return found
        return default if default is not None else key.removeprefix(section + ".")

    def try_fill(self, section: str, key: str, params: Mapping[str, object]) -> str | None:
        """The label filled with ``params``, or None when there is no label or it cannot
        be filled (a param missing or not a number): the caller then says it another way."""
        text = self._own.get(_qualified(section, key)) or self._fallback.get(
            _qualified(section, key)
        )
        return None if text is None else self._render(text, params)

    def _render(self, text: str, params: Mapping[str, object]) -> str | None:
        """``text`` as a Jinja snippet (compiled once), or None when it cannot be filled."""
        if "{{" not in text and "{%" not in text:
            return text
        template = self._compiled.get(text)
        if template is None:
            template = self._env.from_string(text)
            self._compiled[text] = template
        try:
            return template.render(**params).strip()
        except (TemplateError, ArithmeticError, ValueError, TypeError):
            return None

    def fill(
        self, section: str, key: str, params: Mapping[str, str], default: str | None = None
    ) -> str:
        """The label rendered as a Jinja snippet with ``params`` (numbers via Babel filters).

        A label that cannot be filled (a missing or non-numeric param) falls back to the plain
        key with its params listed, so the user still sees every figure.
        """
        filled = self._render(self.get(section, key, default), params)
        if filled is not None:
            return filled
        listed = ", ".join(f"{name}={value}" for name, value in sorted(params.items()))
        return f"{key} ({listed})" if listed else key


def _load(renderer: Renderer, locale: str) -> dict[str, str]:
    env = renderer.env(locale)
    assert env.loader is not None  # the renderer always builds a FileSystemLoader
    source, _, _ = env.loader.get_source(env, LABELS_FILE)
    return flatten(tomllib.loads(source))


@cache
def labels_for(renderer: Renderer, locale: str) -> Labels:
    """The labels of ``locale`` (normalized), read once per renderer."""
    locale = normalize_locale(locale)
    own = _load(renderer, locale)
    fallback = own if locale == DEFAULT_LOCALE else _load(renderer, DEFAULT_LOCALE)
    return Labels(renderer.env(locale), own, fallback)
