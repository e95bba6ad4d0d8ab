"""The tree's rules, enforced: layering and curated public names (PTB's test_modules idea)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    "path", _python_files("costengine"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_costengine_never_imports_bot_or_io_frameworks(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    forbidden = {"bot", "telegram", "slack_bolt", "slack_sdk", "sqlalchemy", "aiohttp", "httpx"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


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
