"""The fuzz budget, kept honest: the tests in this folder ask for at least 10,000 examples.

Hypothesis runs each ``@given`` test up to its ``max_examples``; the strategies here are
unbounded, so that is how many it runs. Lowering a budget to save CI time is a decision
this test makes visible (the whole suite must stay well under 15 minutes on 2 cores: these
examples take about half a minute).
"""

from __future__ import annotations

import importlib
from pathlib import Path

FOLDER = Path(__file__).parent
GOAL = 10_000


def budgets() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(FOLDER.glob("test_*.py")):
        module = importlib.import_module(f"tests.fuzz.{path.stem}")
        for name, test in vars(module).items():
            chosen = getattr(test, "_hypothesis_internal_use_settings", None)
            if name.startswith("test_") and hasattr(test, "hypothesis") and chosen is not None:
                found[f"{path.stem}::{name}"] = chosen.max_examples
    return found


def test_the_fuzz_tests_ask_for_at_least_ten_thousand_examples() -> None:
    found = budgets()
    assert len(found) >= 6, found  # questions, turns, quick, what-if, roster, rate cards
    assert sum(found.values()) >= GOAL, found
