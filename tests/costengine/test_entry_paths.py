"""Every rate-card entry the engine names in its code exists in the rate-card model.

Pricing reads entries by dotted path (``ctx.value("inhouse.lead_span")``) because each line
item cites the paths it used; a typo would otherwise be a KeyError for a user. This test reads
every such string in ``costengine/`` and checks it against the pydantic sections, so a typo
fails here (and the keys the engine reports are translated in every locale).
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from costengine.pricing import CHOICE_KEYS
from costengine.ratecard import RateCard

ROOT = Path(__file__).resolve().parents[2]
_PATH = re.compile(r"^(inhouse|hosted|telephony|outsourced|planning)\.[a-z][a-z0-9_]*$")
_PACKAGE = re.compile(r"^outsourced\.(minute_packages|chat_packages)(\.\d+)?$")


def _paths_in_code() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for file in sorted((ROOT / "costengine").rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and _PATH.match(text) and not _PACKAGE.match(text):
                found.add((text, file.name))
    return found


PATHS = sorted(_paths_in_code())


def test_the_engine_names_many_entries() -> None:
    assert len(PATHS) > 60


@pytest.mark.parametrize(("path", "where"), PATHS, ids=[f"{p}@{w}" for p, w in PATHS])
def test_every_named_entry_exists(path: str, where: str) -> None:
    section, _, name = path.partition(".")
    model = RateCard.model_fields[section].annotation
    assert isinstance(model, type)
    assert name in model.model_fields, f"{where} names {path}, which no rate card has"


def test_every_choice_is_worded_in_every_locale() -> None:
    for locale in ("en", "pl", "zh"):
        labels = tomllib.loads((ROOT / "templates" / locale / "result.toml").read_text("utf-8"))
        for key in CHOICE_KEYS:
            assert key.removeprefix("choice.") in labels["choice"], (locale, key)
