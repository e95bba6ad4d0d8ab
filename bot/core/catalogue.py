"""The words of ``templates/<locale>/conversation.toml`` that the parsers understand.

The catalogue is one file per locale, shared by two readers with different jobs: the
renderer (``bot.render.catalog``) writes its texts through Jinja2 and Babel; the core reads
only what people may *type back* — the ``words.*`` vocabularies, the button labels of fixed
choices (typing "Customer service" picks that button) and the questions' short labels
("edit Kanały"). Those are plain strings, read here with ``tomllib`` so that understanding
a message never needs the renderer.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from bot.core.locales import LOCALES

__all__ = ["CATALOG_FILE", "Entry", "catalogue_table", "flatten", "plain_label"]

#: The conversation catalogue in every ``templates/<locale>/`` folder.
CATALOG_FILE = "conversation.toml"

#: A text, or a vocabulary (TOML array).
Entry = str | tuple[str, ...]


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Entry]:
    """``{"q": {"kind": {"label": "Kind"}}}`` -> ``{"q.kind.label": "Kind"}``."""
    flat: dict[str, Entry] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, key + "."))
        elif isinstance(value, list):
            flat[key] = tuple(str(item) for item in value)
        else:
            flat[key] = str(value)
    return flat


@cache
def catalogue_table(locale: str, root: Path | None = None) -> Mapping[str, Entry]:
    """The flattened entries of one locale's own file (no fallback; empty when missing)."""
    base = root or Path(str(files("templates")))
    path = base / locale / CATALOG_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return flatten(tomllib.loads(text))


#: The one placeholder a question label uses: the channel's button label (``|lower`` where
#: it stands inside a sentence).
_CHANNEL_LABEL = re.compile(
    r"\{\{\s*t\('q\.channels\.choices\.'\s*~\s*channel\)\s*(\|\s*lower\s*)?\}\}"
)


def plain_label(locale: str, key: str, channel: str | None = None) -> str | None:
    """The short label of question ``q.<key>`` in ``locale`` as the user reads it, or None
    when the label uses a placeholder other than the channel's name (the renderer's
    ``question_label`` gives the same text; ``tests/core/test_catalogue.py`` checks it)."""
    table = catalogue_table(locale)
    fallback = catalogue_table(LOCALES[0])
    entry = table.get(f"{key}.label") or fallback.get(f"{key}.label")
    if not isinstance(entry, str):
        return None
    if channel is not None:
        name_key = f"q.channels.choices.{channel}"
        name = table.get(name_key) or fallback.get(name_key)
        if isinstance(name, str):
            entry = _CHANNEL_LABEL.sub(
                lambda match: name.lower() if match.group(1) else name, entry
            )
    return None if "{" in entry else entry
