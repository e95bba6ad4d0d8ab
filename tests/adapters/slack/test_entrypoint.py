"""``sourcewise slack``: one clear line and exit 2 without configuration; with it, a real
process serving signed requests."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import BOT_TOKEN, SIGNING_SECRET, signature
from tests.fakes.slack_server import FakeSlackServer

_SLACK_ENV = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SOURCEWISE_SLACK_API_URL",
)


@pytest.fixture
def no_slack_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in _SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_missing_configuration_is_one_line_and_exit_2(
    no_slack_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["slack"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("sourcewise slack: error: Slack is not configured")


def test_a_half_configured_app_names_the_missing_variable(
    no_slack_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_slack_env.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    assert main(["slack"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET" in err and BOT_TOKEN not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
async def test_the_command_serves_signed_events(tmp_path: Path) -> None:
    async with FakeSlackServer() as api:
        api.add_workspace("T1", bot_token=BOT_TOKEN)
        env = {
            **{k: v for k, v in os.environ.items() if k not in _SLACK_ENV},
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SOURCEWISE_SLACK_API_URL": api.api_url,
            "SOURCEWISE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            "SOURCEWISE_LOG_LEVEL": "DEBUG",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "slack",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        # DEBUG logs fill the pipe within seconds: keep reading them, or the process blocks
        stderr = asyncio.create_task(process.stderr.read())
        try:
            async with asyncio.timeout(60):
                line = (await process.stdout.readline()).decode()
            found = re.search(r"http://[\d.]+:\d+", line)
            if found is None:
                process.kill()
                err = (await stderr).decode()
                raise AssertionError(f"no address in {line!r}; stderr: {err[-3000:]}")
            base = found.group(0)
            body = json.dumps(payloads.message_event("hello", channel="D9"))
            ts = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signature(SIGNING_SECRET, ts, body),
            }
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{base}/healthz") as health:
                    assert health.status == 200
                async with session.post(f"{base}/slack/events", data=body, headers=headers) as r:
                    assert r.status == 200
                async with session.post(f"{base}/slack/events", data=body) as unsigned:
                    assert unsigned.status == 401
            (posted,) = await api.wait_for("chat.postMessage", within=20)
            assert posted.params["channel"] == "D9"
        finally:
            process.terminate()
            await process.wait()
            err = await stderr
        assert process.returncode == 0, err.decode()[-2000:]
        logged = err.decode()
        assert "chat.postMessage" in logged  # DEBUG logging was on
        assert BOT_TOKEN not in logged and SIGNING_SECRET not in logged
