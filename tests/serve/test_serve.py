"""``sourcewise serve``: configuration errors in one line, the routes it serves, which
adapters and scheduler it starts, and a real process that stops cleanly on SIGTERM."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from bot.app import ConfigError, serve_plan, serving
from bot.cli import main
from bot.config import Settings
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_server import FakeBotApi
from tests.replicas.harness import ReplicaProcess, replica_settings


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TELEGRAM_BOT_TOKEN": "1:x"}, "SOURCEWISE_TELEGRAM_WEBHOOK_URL"),
        (
            {"TELEGRAM_BOT_TOKEN": "1:x", "SOURCEWISE_TELEGRAM_WEBHOOK_URL": "https://x/hook"},
            "SOURCEWISE_TELEGRAM_WEBHOOK_SECRET",
        ),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
        ({"SOURCEWISE_HTTP_PORT": "eighty"}, "invalid settings: SOURCEWISE_HTTP_PORT"),
    ],
)
def test_incomplete_configuration_is_one_line_and_exit_2(
    env: dict[str, str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sourcewise serve: error: ")
    assert expected in err
    for value in env.values():
        if value.startswith(("1:", "xoxb")):
            assert value not in err


def test_adapters_follow_the_settings() -> None:
    assert serve_plan(Settings(database_url="memory://")).adapters == ()
    empty = {"slack_bot_token": "", "slack_signing_secret": " ", "telegram_bot_token": ""}
    assert (
        serve_plan(Settings(database_url="memory://", **empty)).adapters == ()
    )  # compose's ${X:-}
    both = Settings(
        database_url="memory://",
        telegram_bot_token="1:abc",
        telegram_webhook_url="https://bot.example/telegram",
        telegram_webhook_secret="s",
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
    )
    assert serve_plan(both).adapters == ("telegram", "slack")
    with pytest.raises(ConfigError):
        serve_plan(Settings(database_url="memory://", slack_app_token="xapp-1"))


async def test_without_a_token_metrics_are_not_on_the_public_port() -> None:
    async with (
        serving(Settings(database_url="memory://"), host="127.0.0.1", port=0, warm=False) as s,
        aiohttp.ClientSession() as http,
        http.get(f"{s.url}/metrics") as response,
    ):
        assert response.status == 404


async def test_with_nothing_configured_it_serves_health_and_metrics_only() -> None:
    settings = Settings(database_url="memory://", metrics_token="m-token", metrics_port=0)
    async with (
        serving(settings, host="127.0.0.1", port=0, warm=False) as s,
        aiohttp.ClientSession() as http,
    ):
        assert s.adapters == () and s.scheduler is None and s.telegram is None and s.slack is None
        async with http.get(f"{s.url}/healthz") as health:
            assert health.status == 200
        # /metrics is not open to anyone on the public port (issue 14, finding 7) ...
        async with http.get(f"{s.url}/metrics") as refused:
            assert refused.status == 401
        bearer = {"Authorization": "Bearer m-token"}
        async with http.get(f"{s.url}/metrics", headers=bearer) as metrics:
            assert metrics.status == 200
            assert metrics.headers["Content-Type"].startswith("text/plain")
            assert "# TYPE sourcewise_turns_total counter" in await metrics.text()
        # ... and open on the private metrics listener.
        assert s.metrics_url and s.metrics_url != s.url
        async with http.get(f"{s.metrics_url}/metrics") as private:
            assert private.status == 200
        for path in ("/telegram/webhook", "/slack/events"):
            async with http.post(f"{s.url}{path}", json={}) as response:
                assert response.status == 404


async def test_both_adapters_and_the_scheduler_share_one_port(
    sqlite_url: str, telegram_api: FakeBotApi, slack_api: FakeSlackServer
) -> None:
    settings = replica_settings(sqlite_url, telegram_api, slack_api)
    async with serving(settings, host="127.0.0.1", port=0) as s:
        assert s.adapters == ("telegram", "slack")
        assert s.scheduler is not None
        # Every replica registers the public webhook URL and its secret on start.
        assert telegram_api.webhook_url == settings.telegram_webhook_url
        paths = {r.resource.canonical for r in s.web_app.router.routes() if r.resource}
        assert {"/healthz", "/slack/events", "/telegram/webhook"} <= paths
        assert "/metrics" not in paths  # no token, no private port: not served at all


async def test_a_serve_process_starts_and_stops_cleanly_on_sigterm(
    sqlite_url: str, tmp_path: Path
) -> None:
    replica = ReplicaProcess(Settings(database_url=sqlite_url), tmp_path / "serve.log")
    try:
        url = await replica.started()
        async with aiohttp.ClientSession() as http, http.get(f"{url}/healthz") as health:
            assert health.status == 200
    finally:
        status = replica.stop()  # SIGTERM, then wait
    assert status == 0, replica.log()
    records = [json.loads(line) for line in replica.log().splitlines() if line.strip()]
    messages = [r["message"] for r in records]
    assert any("adapters none" in m and "scheduler off" in m for m in messages), messages
    assert any("stopping" in m for m in messages)


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _mapped(pid: int) -> str:
    """The files a process has mapped: the shared libraries of every module it imported."""
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/<pid>/maps")
async def test_the_serving_process_leaves_the_engine_and_charts_to_its_workers(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Issue 14's 150 MB budget for the serving process: it warmed up by pricing a one-liner
    and drawing its chart, which loaded numpy and matplotlib (about 50 MB) into a process
    whose workers do all the pricing and drawing. The workers have them; the server does not."""
    replica = ReplicaProcess(Settings(database_url=sqlite_url), tmp_path / "serve.log")
    try:
        await replica.started()
        server = _mapped(replica.process.pid)
        workers = _children(replica.process.pid)
        assert workers, "the compute workers run as the server's children"
        assert any("matplotlib" in _mapped(pid) for pid in workers)  # warmed: they draw
        assert "matplotlib" not in server and "numpy" not in server
    finally:
        replica.stop()


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [["serve"], ["slack"], ["telegram", "--webhook"]],
    ids=["serve", "slack", "telegram-webhook"],
)
async def test_a_taken_port_fails_every_server_command_the_same_way(
    command: list[str], tmp_path: Path
) -> None:
    """The same composition root for all three: one line on stderr, exit 1, no hang."""
    import asyncio
    import socket
    import sys

    from tests.replicas.harness import replica_env

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeBotApi() as telegram, FakeSlackServer() as slack:
            slack.add_workspace("T1", bot_token="xoxb-test-1")
            settings = replica_settings(
                f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                telegram if command[0] != "slack" else None,
                slack if command[0] != "telegram" else None,
            )
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                *command,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                env=replica_env(settings) | {"SOURCEWISE_LOG_LEVEL": "WARNING"},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode == 1, err.decode()[-2000:]
    prog = f"sourcewise {command[0]}"
    assert out == b""
    # Log records are JSON lines (bolt warns about its env token at WARNING); what the
    # command itself says is one plain line, with no traceback anywhere.
    assert "Traceback" not in err.decode()
    said = [line for line in err.decode().splitlines() if not line.startswith("{")]
    assert said == [
        f"{prog}: error: cannot listen: error while attempting to bind on address "
        f"('127.0.0.1', {port}): address already in use"
    ]
