"""``sourcewise erlang``: agents for one interval, Erlang C (or Erlang A with ``--patience``).

Other tools call this and parse what it prints, so ``--json`` prints exactly one JSON object
on stdout and every invalid input exits 2 with one line on stderr, never a traceback. The
maths lives in :mod:`costengine.staffing`; this module only translates flags and output.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register", "run"]

#: Engine parameter names -> the flag the user typed, so errors point at the flag.
_FLAGS = {
    "contacts": "--calls",
    "traffic": "--calls",
    "interval_seconds": "--interval-minutes",
    "aht_seconds": "--aht",
    "answer_seconds": "--answer-seconds",
    "target": "--target",
    "patience_seconds": "--patience",
    "max_occupancy": "--max-occupancy",
    "shrinkage": "--shrinkage",
}

_LABELS = {
    "traffic_erlangs": "traffic (Erlangs)",
    "agents": "agents",
    "service_level": "service level",
    "wait_probability": "P(wait)",
    "asa_seconds": "ASA (seconds)",
    "occupancy": "occupancy",
    "abandon_probability": "P(abandon)",
    "scheduled_agents": "scheduled agents",
}

_PERCENT = {"service_level", "wait_probability", "occupancy", "abandon_probability"}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "erlang",
        help="agents needed for one interval (Erlang C, or Erlang A with --patience)",
        description=(
            "Agents needed so that a share of contacts is answered within a time, for N "
            "contacts arriving in one interval. Erlang C; with --patience, Erlang A "
            "(callers hang up after an exponentially distributed wait)."
        ),
    )
    parser.add_argument("--calls", type=float, required=True, help="contacts in the interval")
    parser.add_argument(
        "--interval-minutes", type=float, required=True, help="length of the interval"
    )
    parser.add_argument("--aht", type=float, required=True, help="average handle time, seconds")
    parser.add_argument(
        "--answer-seconds", type=float, required=True, help="answer time of the target, seconds"
    )
    parser.add_argument(
        "--target", type=float, required=True, help="share answered in time, e.g. 0.8"
    )
    parser.add_argument("--patience", type=float, help="mean caller patience, seconds (Erlang A)")
    parser.add_argument("--max-occupancy", type=float, help="occupancy cap, e.g. 0.85")
    parser.add_argument(
        "--shrinkage", type=float, help="share of paid time not available, e.g. 0.3"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from costengine.errors import EngineError, InvalidScenario

    try:
        result = _compute(args)
    except InvalidScenario as exc:
        flag = _FLAGS.get(exc.field, exc.field)
        print(f"sourcewise erlang: error: {flag}: {exc.reason}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"sourcewise erlang: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        print(_table(result))
    return 0


def _compute(args: argparse.Namespace) -> dict[str, float | int]:
    from costengine.errors import InvalidScenario
    from costengine.staffing import erlang_a, erlang_c, workload

    minutes: float = args.interval_minutes
    if not 0 < minutes < float("inf"):
        raise InvalidScenario("interval_seconds", f"must be a positive number, got {minutes!r}")
    traffic = erlang_c.traffic_erlangs(args.calls, minutes * 60.0, args.aht)
    output: dict[str, float | int]
    if args.patience is None:
        c = erlang_c.solve(
            traffic, args.aht, args.answer_seconds, args.target, max_occupancy=args.max_occupancy
        )
        output = {
            "traffic_erlangs": c.traffic_erlangs,
            "agents": c.agents,
            "service_level": c.service_level,
            "wait_probability": c.wait_probability,
            "asa_seconds": c.asa_seconds,
            "occupancy": c.occupancy,
        }
    else:
        a = erlang_a.solve(
            traffic,
            args.aht,
            args.answer_seconds,
            args.target,
            args.patience,
            max_occupancy=args.max_occupancy,
        )
        output = {
            "traffic_erlangs": a.traffic_erlangs,
            "agents": a.agents,
            "service_level": a.service_level,
            "wait_probability": a.wait_probability,
            "asa_seconds": a.asa_seconds,
            "occupancy": a.occupancy,
            "abandon_probability": a.abandon_probability,
        }
    if args.shrinkage is not None:
        output["scheduled_agents"] = workload.scheduled_agents(output["agents"], args.shrinkage)
    return output


def _table(result: dict[str, float | int]) -> str:
    width = max(len(_LABELS[key]) for key in result)
    lines = []
    for key, value in result.items():
        if isinstance(value, int):
            text = str(value)
        elif key in _PERCENT:
            text = f"{value:.2%}"
        else:
            text = f"{value:,.2f}"
        lines.append(f"{_LABELS[key]:<{width}}  {text:>10}")
    return "\n".join(lines)
