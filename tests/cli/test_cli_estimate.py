"""``sourcewise estimate`` run as a real process: JSON shape, table, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BASE = [
    "--contacts-per-month", "4000", "--channels", "phone,chat,email",
    "--languages", "en,zh", "--hours", "24x7", "--region", "US",
]  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "estimate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def full_json() -> dict:  # type: ignore[type-arg]
    done = run(*BASE, "--current-cost", "50000", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_json_has_all_four_models(full_json: dict) -> None:  # type: ignore[type-arg]
    assert set(full_json["models"]) == {"in_house", "hosted", "outsourced", "partial"}
    assert full_json["currency"] == "USD"
    assert full_json["fx_date"] == "2025-05-09"
    for model in full_json["models"].values():
        assert {"monthly_total", "currency", "fte", "line_items"} <= set(model)
        assert model["currency"] == "USD"
        assert model["line_items"]
        total = Decimal(model["monthly_total"])
        assert total == sum(Decimal(item["amount"]) for item in model["line_items"])
        for item in model["line_items"]:
            assert {"key", "label", "amount", "source"} <= set(item)
            assert item["source"].strip()


def test_json_recommendation(full_json: dict) -> None:  # type: ignore[type-arg]
    rec = full_json["recommendation"]
    assert {"model", "reasons", "risks", "break_even"} <= set(rec)
    assert rec["model"] in full_json["models"]
    assert rec["reasons"][0] == "reason.cheapest"
    assert all(key.startswith("risk.") for key in rec["risks"])
    assert len(rec["break_even"]) == 6
    cheapest = min(
        full_json["models"], key=lambda m: Decimal(full_json["models"][m]["monthly_total"])
    )
    assert Decimal(full_json["models"][rec["model"]]["monthly_total"]) == Decimal(
        full_json["models"][cheapest]["monthly_total"]
    )
    winner_total = Decimal(full_json["models"][rec["model"]]["monthly_total"])
    assert Decimal(rec["savings_vs_current"]) == Decimal(50000) - winner_total
    assert full_json["inputs"]["languages"] == ["en", "zh"]
    assert len(full_json["sensitivity"]) == 6


def test_team_size_currency_and_quick(tmp_path: Path) -> None:
    done = run(
        "--team-size", "12", "--channels", "phone,email", "--region", "PL",
        "--currency", "EUR", "--kind", "it_helpdesk", "--quick", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["currency"] == "EUR"
    assert data["inputs"]["team_size"] == 12 and data["inputs"]["kind"] == "it_helpdesk"
    assert data["sensitivity"] == [] and data["recommendation"]["break_even"] == []


def test_ratecard_file_overrides_and_marks(tmp_path: Path) -> None:
    card = tmp_path / "card.toml"
    card.write_text("[inhouse.agent_salary_month]\ntypical = 9000\n", encoding="utf-8")
    done = run(*BASE, "--ratecard", str(card), "--quick", "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)["models"]["in_house"]["line_items"]
    salaries = next(item for item in items if item["key"] == "agent_salaries")
    assert salaries["sources"][0]["overridden"] is True
    assert "card.toml" in salaries["source"]


def test_table_output() -> None:
    done = run(*BASE, "--quick")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for name in ("In-house", "Hosted", "Outsourced", "Partly outsourced"):
        assert name in out
    assert "Recommended:" in out
    assert "Monthly cost in USD" in out
    assert "+ " in out  # at least one reason line


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--contacts-per-month", "-5", "--channels", "phone", "--region", "US"],
         "--contacts-per-month"),
        (["--team-size", "-3", "--channels", "phone", "--region", "US"], "--team-size"),
        (["--team-size", "3", "--channels", "phone", "--region", "ZZ"], "--region"),
        (["--team-size", "3", "--channels", "phone", "--region", "US", "--service-level", "1"],
         "--service-level"),
        (["--team-size", "3", "--channels", "phone", "--region", "US", "--currency", "XYZ"],
         "--currency"),
        (["--team-size", "3", "--channels", "fax", "--region", "US"], "--channels"),
        (["--team-size", "3", "--channels", "phone", "--region", "US", "--languages", "english"],
         "--languages"),
        (["--team-size", "3", "--channels", "phone", "--region", "US", "--timezone", "Mars/Base"],
         "--timezone"),
        (["--team-size", "3", "--channels", "phone", "--region", "US", "--hours", "always"],
         "--hours"),
    ],
)  # fmt: skip
def test_invalid_input_exits_2_with_one_line(args: list[str], flag: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert flag in lines[0]


@pytest.mark.parametrize(
    ("text", "name", "field"),
    [
        ("[inhouse.agent_salary_month]\ntypical = -1\n", "bad.toml",
         "inhouse.agent_salary_month.typical"),
        ("[inhouse\n", "broken.toml", "not valid TOML"),
        ("{", "broken.json", "not valid JSON"),
    ],
)  # fmt: skip
def test_bad_ratecard_file_is_one_line(tmp_path: Path, text: str, name: str, field: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = run("--team-size", "3", "--channels", "phone", "--region", "US", "--ratecard", str(path))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--ratecard" in lines[0] and field in lines[0]


def test_missing_ratecard_file_is_one_line(tmp_path: Path) -> None:
    done = run("--team-size", "3", "--channels", "phone", "--region", "US",
               "--ratecard", str(tmp_path / "nope.toml"))  # fmt: skip
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "cannot read" in done.stderr


def test_the_work_is_required_and_a_team_can_come_with_volumes() -> None:
    neither = run("--channels", "phone", "--region", "US")
    twice = run("--contacts-per-month", "10", "--volumes", "phone=10", "--region", "US")
    for done in (neither, twice):
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
    # A team size with volumes: the volumes set the work, the team is checked against them.
    both = run("--team-size", "3", "--volumes", "phone=3000", "--region", "US", "--quick",
               "--json")  # fmt: skip
    assert both.returncode == 0, both.stderr
    data = json.loads(both.stdout)
    assert data["baseline"]["team_size"] == "3"
    assert [v["channel"] for v in data["volumes"]] == ["phone"]
    keys = [a["key"] for a in data["assumptions"]]
    assert {"assumption.team_short", "assumption.team_surplus", "assumption.team_matches"} & set(
        keys
    )


def test_new_flags_reach_the_scenario() -> None:
    done = run(
        "--team-size", "2.5", "--channels", "phone,chat", "--languages", "en,zh",
        "--language-shares", "80,20", "--agents-speak", "mixed", "--multilingual-share", "0.5",
        "--pooling", "per_channel", "--outsourcing", "dedicated", "--destination", "PH",
        "--region", "US", "--quick", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    inputs = data["inputs"]
    assert inputs["team_size"] == 2.5 and inputs["language_shares"] == [0.8, 0.2]
    assert inputs["agent_languages"] == "mixed" and inputs["pooling"] == "per_channel"
    outsourced = data["models"]["outsourced"]
    assert outsourced["kind"] == "dedicated" and outsourced["destination"] == "PH"
    assert {team["team"] for team in data["staffing"]} == {"phone", "chat"}
    it = run("--users", "250", "--kind", "it_helpdesk", "--channels", "phone,email",
             "--tickets-per-user", "2", "--it-tiers", "2", "--region", "UK", "--quick",
             "--json")  # fmt: skip
    assert it.returncode == 0, it.stderr
    volumes = json.loads(it.stdout)["volumes"]
    assert sum(Decimal(v["contacts_per_month"]) for v in volumes) == 500
