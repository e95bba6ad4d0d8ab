"""Staffing speed: our Erlang C against pyworkforce, our Erlang A against a straightforward scan.

Run with ``python -m bench`` (all bench modules) or ``python -m bench.staffing``. Agent counts
must be identical, or the bench exits non-zero; times are medians of several in-process runs
(``time.perf_counter``), with caches cleared before every run. The reference implementations
below are also what ``tests/costengine`` checks the fast solvers against.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

from bench._report import machine, write_section
from costengine.staffing import erlang_a, erlang_c

__all__ = [
    "erlang_a_scan",
    "erlang_a_scan_metrics",
    "erlang_c_reference",
    "main",
]

#: Goals from the staffing brief.
GOAL_VS_PYWORKFORCE = 20.0
GOAL_VS_SCAN = 100.0


# --- straightforward references -------------------------------------------------------------


def erlang_c_reference(
    traffic: float, aht: float, answer: float, target: float, cap: float | None = None
) -> int:
    """Erlang C the plain way: Erlang B's inverse from k = 0, every N from 1 upward."""
    x = 1.0
    n = 0
    while True:
        n += 1
        x = 1.0 + x * n / traffic
        if n <= traffic or (cap is not None and traffic / n > cap):
            continue
        c = n / (x * (n - traffic) + traffic)
        if 1.0 - c * math.exp(-(n - traffic) * answer / aht) >= target:
            return n


def erlang_a_scan_metrics(
    agents: int, traffic: float, aht: float, answer: float, patience: float
) -> tuple[float, float, float]:
    """(service level, P(wait), P(abandon)) of M/M/N+M, built from state 0 with no shortcuts.

    The stationary law is the birth-death product from the empty system (rescaled when it
    grows), the per-position answer probability sums negative-binomial terms from
    ``lgamma``, and P(abandon) is the per-arrival sum ``(j + 1) / (c + j + 1)``: a different
    route from the fast module's, so agreement checks both.
    """
    lam, mu, theta = traffic / aht, 1.0 / aht, 1.0 / patience
    weights = [1.0]
    biggest = 1.0
    k = 0
    while True:
        k += 1
        death = min(k, agents) * mu + max(k - agents, 0) * theta
        weight = weights[-1] * lam / death
        weights.append(weight)
        if weight > 1e250:
            weights = [w * 1e-250 for w in weights]
            weight *= 1e-250
            biggest *= 1e-250
        biggest = max(biggest, weight)
        if k > agents and lam < death and weight < 1e-18 * biggest:
            break
    total = math.fsum(weights)
    c = agents * mu / theta
    b = c + 1.0
    x = -math.expm1(-theta * answer)
    in_time = math.fsum(weights[:agents])
    abandon = 0.0
    cumulative = 0.0  # P(NegBin(b, x) <= j): I_x(j + 1, b) = 1 - cumulative
    for j, weight in enumerate(weights[agents:]):
        if x > 0:
            cumulative += math.exp(
                math.lgamma(b + j)
                - math.lgamma(b)
                - math.lgamma(j + 1.0)
                + j * math.log(x)
                + b * math.log1p(-x)
            )
        incomplete = max(0.0, 1.0 - cumulative) if x > 0 else 0.0
        in_time += weight * c / (c + j + 1.0) * incomplete
        abandon += weight * (j + 1.0) / (c + j + 1.0)
    wait = math.fsum(weights[agents:]) / total
    return in_time / total, wait, abandon / total


def erlang_a_scan(
    traffic: float,
    aht: float,
    answer: float,
    target: float,
    patience: float,
    cap: float | None = None,
) -> int:
    """Erlang A agents the straightforward way: N = 1, 2, ... each computed from scratch."""
    n = 0
    while True:
        n += 1
        level, _, abandon = erlang_a_scan_metrics(n, traffic, aht, answer, patience)
        if level >= target and (cap is None or traffic * (1.0 - abandon) / n <= cap):
            return n


# --- timing -----------------------------------------------------------------------------------


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ours_c(traffic: float) -> int:
    erlang_c._solve.cache_clear()
    return erlang_c.solve(traffic, 180.0, 20.0, 0.8).agents


def _ours_a(traffic: float, patience: float) -> int:
    erlang_a._solve.cache_clear()
    return erlang_a.solve(traffic, 180.0, 20.0, 0.8, patience).agents


def _pyworkforce(calls: float) -> int:
    from pyworkforce.queuing import ErlangC

    model = ErlangC(transactions=calls, aht=3.0, asa=20.0 / 60.0, interval=30)
    positions: int = model.required_positions(service_level=0.8, max_occupancy=1.0)["raw_positions"]
    return positions


def _paired(
    ours: Callable[[], object], theirs: Callable[[], object], repeats: int
) -> tuple[float, float, float]:
    """Medians of ours, theirs and of the run-by-run ratio, runs interleaved A B A B ...

    Interleaving keeps the ratio honest when the shared machine's speed drifts.
    """
    mine, other, ratios = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        ours()
        middle = time.perf_counter()
        theirs()
        end = time.perf_counter()
        mine.append(middle - start)
        other.append(end - middle)
        ratios.append((end - middle) / (middle - start))
    return statistics.median(mine), statistics.median(other), statistics.median(ratios)


def bench_erlang_c() -> tuple[list[str], bool]:
    """Rows of the Erlang C table; False if any agent count differs."""
    rows = [
        "| Erlangs | calls / 30 min | agents (ours = pyworkforce) | ours | pyworkforce | ratio |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    same = True
    for traffic in (10.0, 100.0, 1_000.0, 3_333.0, 10_000.0):
        calls = traffic * 10.0  # AHT 3 min over a 30-minute interval: A = calls / 10
        ours_agents = _ours_c(traffic)
        start = time.perf_counter()
        their_agents = _pyworkforce(calls)
        once = time.perf_counter() - start
        # pyworkforce is O(A) per try: time it once when one run is long, else pair runs.
        repeats = 1 if once > 2.0 else 31
        ours, theirs, ratio = _paired(
            partial(_ours_c, traffic), partial(_pyworkforce, calls), repeats
        )
        same &= ours_agents == their_agents
        note = "" if repeats > 1 else " (1 run)"
        rows.append(
            f"| {traffic:,.0f} | {calls:,.0f} | {ours_agents}"
            f"{'' if ours_agents == their_agents else f' ≠ {their_agents}'} "
            f"| {_fmt(ours)} | {_fmt(theirs)}{note} | {_ratio(ratio)} |"
        )
    return rows, same


def bench_erlang_a() -> tuple[list[str], bool]:
    """Rows of the Erlang A table; False if any agent count differs from the scan."""
    rows = [
        "| Erlangs | patience | agents (ours = scan) | ours | scan | ratio |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    same = True
    for traffic, patience in ((10.0, 600.0), (100.0, 600.0), (1_000.0, 600.0)):
        ours_agents = _ours_a(traffic, patience)
        ours = _median_seconds(partial(_ours_a, traffic, patience), 21)
        start = time.perf_counter()
        scan_agents = erlang_a_scan(traffic, 180.0, 20.0, 0.8, patience)
        once = time.perf_counter() - start
        repeats = 1 if once > 2.0 else 5
        scan = (
            once
            if repeats == 1
            else _median_seconds(
                partial(erlang_a_scan, traffic, 180.0, 20.0, 0.8, patience), repeats
            )
        )
        same &= ours_agents == scan_agents
        note = "" if repeats > 1 else " (1 run)"
        rows.append(
            f"| {traffic:,.0f} | {patience:.0f} s | {ours_agents}"
            f"{'' if ours_agents == scan_agents else f' ≠ {scan_agents}'} "
            f"| {_fmt(ours)} | {_fmt(scan)}{note} | {_ratio(scan / ours)} |"
        )
    return rows, same


def _ratio(value: float) -> str:
    return f"{value:.1f}×" if value < 10 else f"{value:,.0f}×"


def _fmt(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def main() -> int:
    c_rows, c_same = bench_erlang_c()
    a_rows, a_same = bench_erlang_a()
    text = "\n".join(
        [
            "## Staffing (Erlang C and Erlang A)",
            "",
            f"Measured {dt.date.today().isoformat()} on {machine()}; "
            "medians of in-process `time.perf_counter` runs (Erlang C: 31 runs interleaved "
            "with pyworkforce's, ratio = median of run-by-run ratios; Erlang A: 21 runs, the "
            "scan 5 or, when one run exceeds 2 s, 1), caches cleared before each run. "
            "Service level 80% in 20 s, AHT 180 s.",
            "",
            f"Erlang C against pyworkforce `ErlangC.required_positions` "
            f"(goal: ≥ {GOAL_VS_PYWORKFORCE:.0f}× at ≥ 1,000 Erlangs):",
            "",
            *c_rows,
            "",
            f"Erlang A against the straightforward scan from N = 1 "
            f"(`bench/staffing.py:erlang_a_scan`; goal: ≥ {GOAL_VS_SCAN:.0f}×):",
            "",
            *a_rows,
            "",
            "Notes: pyworkforce recomputes Erlang B from k = 0 for every N it tries from "
            "round(A + 1), O(A) per try; ours carries Erlang B's inverse from a damped warm "
            "start, O(sqrt(A)) per solve, so the ratio grows with traffic. At small traffic "
            "both finish in microseconds and the fixed per-call cost (input validation, "
            "result object) dominates. The Erlang A scan evaluates every N from 1, each from "
            "the empty system; at 10 Erlangs that is only 13 values, so there is little to "
            "save, while at 100 Erlangs and above the ratio passes the goal.",
        ]
    )
    print(text)
    write_section("staffing", text)
    if not (c_same and a_same):
        print("agent counts differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
