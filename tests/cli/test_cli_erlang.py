"""``sourcewise erlang`` run as a real process: JSON, table, Erlang A, shrinkage, errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

EXAMPLE = [
    "--calls", "100", "--interval-minutes", "30", "--aht", "180",
    "--answer-seconds", "20", "--target", "0.8",
]  # fmt: skip


#: An invalid value is refused before any maths: a hang shows as a TimeoutExpired.
PROMPT = 10


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "erlang", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_json_output_is_the_worked_example() -> None:
    done = run(*EXAMPLE, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {
        "traffic_erlangs",
        "agents",
        "service_level",
        "wait_probability",
        "asa_seconds",
        "occupancy",
    }
    assert result["agents"] == 14
    assert result["traffic_erlangs"] == pytest.approx(10.0)
    assert result["service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert result["wait_probability"] == pytest.approx(0.1741, abs=5e-5)
    assert result["asa_seconds"] == pytest.approx(7.8, abs=0.05)
    assert result["occupancy"] == pytest.approx(10 / 14)


def test_table_output_is_aligned_and_readable() -> None:
    done = run(*EXAMPLE)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "traffic (Erlangs)",
        "agents",
        "service level",
        "P(wait)",
        "ASA (seconds)",
        "occupancy",
    ]
    assert len({len(line) for line in lines}) == 1  # right-aligned values
    assert lines[1].split()[-1] == "14"
    assert lines[2].endswith("88.84%")


def test_patience_switches_to_erlang_a_and_reports_abandonment() -> None:
    done = run(*EXAMPLE, "--patience", "600", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert 0 < result["abandon_probability"] < 0.05
    assert result["agents"] == 13  # patient callers leave: one agent fewer than Erlang C
    assert result["service_level"] >= 0.8


def test_shrinkage_adds_scheduled_agents() -> None:
    done = run(*EXAMPLE, "--shrinkage", "0.3", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["agents"] == 14
    assert result["scheduled_agents"] == math.ceil(14 / 0.7 - 1e-9) == 20


def test_occupancy_cap_is_applied() -> None:
    done = run(
        "--calls", "1000", "--interval-minutes", "30", "--aht", "180",
        "--answer-seconds", "20", "--target", "0.8", "--max-occupancy", "0.85", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["agents"] == math.ceil(100 / 0.85)


@pytest.mark.parametrize(
    ("change", "flag"),
    [
        (("--target", "1"), "--target"),
        (("--target", "1.5"), "--target"),
        (("--calls", "-5"), "--calls"),
        (("--calls", "nan"), "--calls"),
        (("--aht", "inf"), "--aht"),
        (("--interval-minutes", "0"), "--interval-minutes"),
        (("--answer-seconds", "-1"), "--answer-seconds"),
        (("--patience", "-3"), "--patience"),
        (("--shrinkage", "1"), "--shrinkage"),
        (("--calls", "many"), "--calls"),
        # The hardening findings (issue 14): each was a traceback or a hang.
        (("--calls", "1e300"), "--calls"),
        (("--calls", "1e15"), "--calls"),
        (("--calls", "1e9", "--patience", "60"), "--calls"),
        (("--patience", "1e308"), "--patience"),
        (("--patience", "5e-324"), "--patience"),
        (("--max-occupancy", "5e-324"), "--max-occupancy"),
        (("--max-occupancy", "1.5"), "--max-occupancy"),
        (("--shrinkage", "0.99999999"), "--shrinkage"),
        (("--interval-minutes", "1e-300"), "--calls"),
        (("--interval-minutes", "1e9"), "--interval-minutes"),
        (("--aht", "1e300"), "--aht"),
        (("--answer-seconds", "1e308"), "--answer-seconds"),
        (("--calls", "4000000", "--interval-minutes", "60"), "--calls"),
    ],
)
def test_invalid_input_exits_2_with_one_line(change: tuple[str, ...], flag: str) -> None:
    args = list(EXAMPLE)
    for name, value in zip(change[::2], change[1::2], strict=True):
        if name in args:
            args[args.index(name) + 1] = value
        else:
            args.extend((name, value))
    done = run(*args, "--json", timeout=PROMPT)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert flag in done.stderr


def test_missing_required_flag_is_a_usage_error() -> None:
    done = run("--calls", "100")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_the_largest_traffic_allowed_still_answers_promptly() -> None:
    """10,000 Erlangs and more stay in bounds (the limit is 50,000), Erlang A included."""
    args = ["--calls", "400000", "--interval-minutes", "60", "--aht", "180"]
    args += ["--answer-seconds", "20", "--target", "0.8", "--patience", "60", "--json"]
    done = run(*args, timeout=PROMPT * 3)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["traffic_erlangs"] == pytest.approx(20_000)
