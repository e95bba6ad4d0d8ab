"""Curated public names in every package (PTB's test_modules idea).

Layering is not tested here: the import contracts in pyproject.toml (``lint-imports``, run
by ``make lint``) enforce it.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest


def _packages() -> list[str]:
    found = []
    for top in ("costengine", "bot"):
        module = importlib.import_module(top)
        found.append(top)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{top}."):
            if info.ispkg and not info.name.startswith("bot.migrations"):
                found.append(info.name)
    return found


@pytest.mark.parametrize("name", _packages())
def test_every_package_curates_its_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    public_defs = [
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and getattr(value, "__module__", "").startswith(name)
        and not isinstance(value, type(module))
    ]
    if exported is None:
        assert not public_defs, f"{name} defines public names but has no __all__"
        return
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ lists missing {attr}"
