"""``sourcewise telegram``: configuration problems are one line on stderr and exit 2, and
the real command runs, answers and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.redaction import REDACTED
from tests.fakes.telegram_server import FakeBotApi

_ENV = (
    "TELEGRAM_BOT_TOKEN",
    "SOURCEWISE_TELEGRAM_WEBHOOK_URL",
    "SOURCEWISE_TELEGRAM_WEBHOOK_SECRET",
    "SOURCEWISE_TELEGRAM_API_URL",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(["telegram", *argv])
    return status, capsys.readouterr().err


def test_without_a_token_it_says_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _run(capsys)
    assert status == 2
    assert err == "sourcewise telegram: error: TELEGRAM_BOT_TOKEN is not set\n"


def test_a_blank_token_counts_as_missing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "   ")
    assert _run(capsys)[0] == 2


@pytest.mark.parametrize(
    ("url", "secret", "missing"),
    [
        (None, "s3cret", "SOURCEWISE_TELEGRAM_WEBHOOK_URL"),
        ("ftp://bot.example.com/hook", "s3cret", "SOURCEWISE_TELEGRAM_WEBHOOK_URL"),
        ("https://bot.example.com/telegram/webhook", None, "SOURCEWISE_TELEGRAM_WEBHOOK_SECRET"),
    ],
)
def test_webhook_mode_needs_a_public_url_and_a_secret(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str | None,
    secret: str | None,
    missing: str,
) -> None:
    token = "123:never-printed"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    if url:
        monkeypatch.setenv("SOURCEWISE_TELEGRAM_WEBHOOK_URL", url)
    if secret:
        monkeypatch.setenv("SOURCEWISE_TELEGRAM_WEBHOOK_SECRET", secret)
    status, err = _run(capsys, "--webhook")
    assert status == 2
    assert err.startswith("sourcewise telegram: error: --webhook needs ")
    assert missing in err and err.count("\n") == 1
    assert token not in err


@pytest.mark.slow
async def test_sourcewise_telegram_polls_answers_and_stops_on_sigterm(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """The real command in its own process, against the fake Bot API, logging at DEBUG."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "SOURCEWISE_TELEGRAM_API_URL": api.url,
        "SOURCEWISE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'sourcewise.db'}",
        "SOURCEWISE_LOG_LEVEL": "DEBUG",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "telegram",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    # DEBUG logs (the warm-up's included) fill a pipe within seconds: keep reading them
    reading = asyncio.gather(process.stdout.read(), process.stderr.read())
    try:
        await api.wait_for("getUpdates", within=60)
        api.feed_update(api.user_message("/start", user_id=77))
        await api.wait_for("sendMessage", 2, within=60)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(reading, 60)
        await process.wait()
    assert process.returncode == 0, err.decode()[-2000:]
    assert b"long polling" in out
    assert b"HTTP Request" in err  # httpx logged the request URLs...
    assert REDACTED.encode() in err  # ...with the token taken out
    assert api.token.encode() not in out + err
    assert [c.params["chat_id"] for c in api.sent()] == [77, 77]
