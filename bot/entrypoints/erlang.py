"""``sourcewise erlang``: agents for one interval, Erlang C (or Erlang A with ``--patience``).

Other tools call this and parse what it prints, so ``--json`` prints exactly one JSON object
on stdout and every invalid input exits 2 with one line on stderr, never a traceback. The
maths lives in :mod:`costengine.staffing`; this module only translates flags and output.
"""

from __future__ import annotations

import argparse
import json
import math
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


#: The scenario's shrinkage bound (``costengine.scenario.Scenario.shrinkage``: below 0.9).
_MAX_SHRINKAGE = 0.9


def _check(
    flag_field: str,
    value: float | None,
    low: float,
    high: float,
    *,
    open_low: bool = False,
    open_high: bool = False,
) -> None:
    """Refuse ``value`` outside ``[low, high]`` (ends open as asked), naming the engine field."""
    from costengine.errors import InvalidScenario

    if value is None:
        return
    if not math.isfinite(value):
        raise InvalidScenario(flag_field, f"must be finite, got {value!r}")
    too_low = value <= low if open_low else value < low
    too_high = value >= high if open_high else value > high
    if too_low or too_high:
        left, right = ("(" if open_low else "["), (")" if open_high else "]")
        raise InvalidScenario(
            flag_field, f"must be in {left}{low:g}, {high:g}{right}, got {value:g}"
        )


def _validate(args: argparse.Namespace) -> None:
    """Every flag within :mod:`costengine.limits` before any maths runs, so a value the
    engine cannot finish promptly (or at all) is one line and exit 2, never a traceback or a
    hang. The offered traffic is bounded too: it is what the solve's cost grows with."""
    from costengine import limits
    from costengine.errors import InvalidScenario

    _check("contacts", args.calls, 0, limits.MAX_CONTACTS_PER_MONTH)
    _check("interval_seconds", args.interval_minutes, 0, limits.MAX_INTERVAL_MINUTES, open_low=True)
    _check("aht_seconds", args.aht, 0, limits.MAX_AHT_SECONDS, open_low=True)
    _check("answer_seconds", args.answer_seconds, 0, limits.MAX_ANSWER_SECONDS)
    _check("target", args.target, 0, 1, open_low=True, open_high=True)
    _check(
        "patience_seconds", args.patience, limits.MIN_PATIENCE_SECONDS, limits.MAX_PATIENCE_SECONDS
    )
    _check("max_occupancy", args.max_occupancy, limits.MIN_OCCUPANCY, 1)
    _check("shrinkage", args.shrinkage, 0, _MAX_SHRINKAGE, open_high=True)
    traffic = args.calls * args.aht / (args.interval_minutes * 60.0)
    if not traffic <= limits.MAX_TRAFFIC_ERLANGS:
        raise InvalidScenario(
            "traffic",
            f"offered traffic {traffic:g} Erlangs is over the limit of "
            f"{limits.MAX_TRAFFIC_ERLANGS:,} (fewer calls, shorter handling or a longer interval)",
        )


def _compute(args: argparse.Namespace) -> dict[str, float | int]:
    from costengine.staffing import erlang_a, erlang_c, workload

    _validate(args)
    minutes: float = args.interval_minutes
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
