"""Estimate speed: a full weekly scenario priced four ways, with and without the what-ifs.

Run with ``python -m bench`` (all bench modules) or ``python -m bench.estimate``. Times are
medians of in-process ``time.perf_counter`` runs. "Cold" clears the Erlang solve caches before
each run (a scenario never seen before); "warm" repeats the same scenario (the bot recomputing
after "why?" or a changed currency). The reference measured in the same run is one
``plan_staffing`` call for the same scenario, cold: the estimate's cost is reported as a
multiple of it, so the ratio survives a slower or faster machine. Speed is reported here,
never asserted in tests; the exit status only says whether every run produced the same
totals (determinism).
"""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from costengine import Channel, ChannelVolume, Coverage, HoursPreset, Scenario, estimate
from costengine.estimate import _Evaluator, staffing_inputs
from costengine.money import fx_table
from costengine.ratecard import load_ratecard
from costengine.staffing import erlang_c
from costengine.staffing.plan import plan_staffing

__all__ = ["SCENARIOS", "main"]

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION_START = "<!-- estimate:start -->"
SECTION_END = "<!-- estimate:end -->"

#: The brief's goal for a full weekly scenario without the what-ifs.
GOAL_MS = 5.0

SCENARIOS: dict[str, Scenario] = {
    "full week: 24x7, phone+chat+email, 3 languages (US)": Scenario(
        volumes=(
            ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(20_000)),
            ChannelVolume(channel=Channel.CHAT, contacts_per_month=Decimal(8_000)),
            ChannelVolume(channel=Channel.EMAIL, contacts_per_month=Decimal(5_000)),
        ),
        channels=(Channel.PHONE, Channel.CHAT, Channel.EMAIL),
        languages=("en", "zh", "pl"),
        coverage=Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN),
        region="US",
    ),
    "small: business hours, phone+email, 1 language (UK)": Scenario(
        volumes=(
            ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(3_000)),
            ChannelVolume(channel=Channel.EMAIL, contacts_per_month=Decimal(1_000)),
        ),
        channels=(Channel.PHONE, Channel.EMAIL),
        languages=("en",),
        region="UK",
    ),
}


def _clear_caches() -> None:
    erlang_c._solve.cache_clear()


def _median(run: Callable[[], object], repeats: int, *, cold: bool) -> float:
    times = []
    for _ in range(repeats):
        if cold:
            _clear_caches()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.machine()}, {model}, Python {platform.python_version()}"


def _write_section(text: str) -> None:
    block = f"{SECTION_START}\n{text.rstrip()}\n{SECTION_END}\n"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    if SECTION_START in old and SECTION_END in old:
        head, rest = old.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1].lstrip("\n")
        new = f"{head}{block}\n{tail}" if tail else f"{head}{block}"
    else:
        new = f"{old.rstrip()}\n\n{block}"
    RESULTS.write_text(new, encoding="utf-8")


def _bench(name: str, scenario: Scenario) -> tuple[list[str], bool, tuple[float, ...]]:
    card = load_ratecard(scenario.region)
    inputs = staffing_inputs(scenario, card)
    first = estimate(scenario).to_json()

    quick_results = []
    full_results = []

    def quick() -> None:
        quick_results.append(estimate(scenario, analysis=False))

    def full() -> None:
        full_results.append(estimate(scenario))

    plan_cold = _median(lambda: plan_staffing(scenario, inputs), 21, cold=True)
    # Pricing alone: the four models on plans made beforehand (estimate's own internals).
    evaluator = _Evaluator(scenario, card, fx_table(), card.currency)
    evaluator.planned(1.0)
    evaluator.tier_parts(1.0)
    pricing = _median(lambda: evaluator.priced(1.0), 21, cold=False)
    quick_cold = _median(quick, 21, cold=True)
    quick_warm = _median(quick, 21, cold=False)
    full_cold = _median(full, 5, cold=True)
    full_warm = _median(full, 5, cold=False)
    pools = len(plan_staffing(scenario, inputs).pools)
    same = all(result.to_json()["models"] == first["models"] for result in quick_results)
    same = same and all(result.to_json() == first for result in full_results)
    rows = [
        f"| {name} | {pools} | {_fmt(plan_cold)} | {_fmt(pricing)} "
        f"| {_fmt(quick_cold)} ({quick_cold / plan_cold:.1f}×) "
        f"| {_fmt(quick_warm)} ({quick_warm / plan_cold:.1f}×) "
        f"| {_fmt(full_cold)} ({full_cold / plan_cold:.0f}×) "
        f"| {_fmt(full_warm)} ({full_warm / plan_cold:.0f}×) |"
    ]
    print(
        f"{name}: plan {_fmt(plan_cold)}, estimate {_fmt(quick_cold)} cold / "
        f"{_fmt(quick_warm)} warm, with what-ifs {_fmt(full_cold)} / {_fmt(full_warm)}"
    )
    return rows, same, (quick_cold, plan_cold, pricing)


def main() -> int:
    rows: list[str] = []
    deterministic = True
    verdict = ""
    for index, (name, scenario) in enumerate(SCENARIOS.items()):
        found, same, (quick_cold, plan_cold, pricing) = _bench(name, scenario)
        rows.extend(found)
        deterministic = deterministic and same
        if index == 0:
            met = "met" if quick_cold * 1000 <= GOAL_MS else "NOT met"
            verdict = (
                f"Goal {met} for the full weekly scenario: {_fmt(quick_cold)} cold, of which "
                f"three staffing plans take about {_fmt(3 * plan_cold)} and pricing the four "
                f"models on them {_fmt(pricing)}; the rest turns plans into workloads and "
                "builds the validated result."
            )
    text = "\n".join(
        [
            "## Estimate (four models, what-ifs)",
            "",
            f"Measured {dt.date.today().isoformat()} on {_machine()}, on a machine shared with "
            "other jobs; medians of in-process `time.perf_counter` runs (21 runs; 5 with "
            "what-ifs). Cold = Erlang caches cleared before each run; warm = the same scenario "
            "again. In brackets: the time as a multiple of one cold `plan_staffing` call for "
            f"the same scenario, measured in the same run. Goal: full weekly scenario ≤ "
            f"{GOAL_MS:g} ms without what-ifs.",
            "",
            "| scenario | pools | plan_staffing (reference) | pricing 4 models on ready plans "
            "| estimate, cold | estimate, warm "
            "| with break-even + sensitivity, cold | with what-ifs, warm |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            verdict,
            "",
            "What an estimate does: one staffing plan plus two more for the tier-1 split (each "
            "side of that split is staffed on its own, floors included), then the four models "
            "priced on it, partial trying up to four splits, each priced in-house, hosted and "
            "outsourced. The what-ifs re-plan at 9 grid volumes (1/16× to 16×), bisect each "
            "pair of models whose costs cross 10 times (pricing only the two models compared, "
            "so the tier-1 plans are made only for pairs with partial) and re-plan at ±20% "
            "volume; wage and provider changes re-price the same plan. "
            + ("All runs gave identical results." if deterministic else "RUNS DIFFERED."),
        ]
    )
    _write_section(text)
    print(f"wrote {RESULTS.name}")
    return 0 if deterministic else 1


if __name__ == "__main__":
    raise SystemExit(main())
