"""``sourcewise migrate``: one line out, exit codes, no password ever printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.store import head_revision


def test_migrate_upgrades_then_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SOURCEWISE_DATABASE_URL", url)
    assert main(["migrate", "--check"]) == 1
    assert "at revision none" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith(f"at revision {head_revision()} (newest)")
    assert main(["migrate", "--check"]) == 0


def test_database_url_flag_overrides_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEWISE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'env.db'}")
    assert main(["migrate", "--database-url", f"sqlite:///{tmp_path / 'flag.db'}"]) == 0
    assert (tmp_path / "flag.db").exists()
    assert not (tmp_path / "env.db").exists()


def test_unreachable_database_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql+asyncpg://sw:s3cret-pw@127.0.0.1:1/none"
    assert main(["migrate", "--database-url", url]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert "unavailable" in captured.err
    assert "s3cret-pw" not in captured.err + captured.out


def test_memory_store_needs_no_migration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--database-url", "memory://"]) == 0
    assert "nothing to migrate" in capsys.readouterr().out
