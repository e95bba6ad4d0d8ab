"""Erlang A: against a discrete-event simulation, a from-scratch scan, and Erlang C's limit."""

from __future__ import annotations

import heapq
import math
import random
import statistics
from collections import deque
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.staffing import erlang_a_scan, erlang_a_scan_metrics
from costengine.errors import InvalidScenario
from costengine.staffing import erlang_a, erlang_c


@dataclass(frozen=True)
class Observed:
    service_level: float  # answered within the answer time, over all arrivals
    wait_probability: float
    abandon_probability: float
    asa_seconds: float  # mean wait of answered contacts


def simulate(
    agents: int,
    traffic: float,
    aht: float,
    answer: float,
    patience: float,
    *,
    customers: int,
    seed: int,
) -> Observed:
    """M/M/N+M, first come first served, one event at a time; the first 5% are warm-up.

    A waiting caller gives up at arrival + patience; whether that happened is decided when an
    agent frees up and reaches them, which is exact for first come first served.
    """
    rng = random.Random(seed)
    warm_up = customers // 20
    busy: list[float] = []  # completion times
    queue: deque[tuple[int, float, float]] = deque()  # (index, arrival, gives up at)
    counted = waited = abandoned = in_time = answered = 0
    total_wait = 0.0
    clock = 0.0

    def done(index: int, wait: float | None) -> None:
        nonlocal abandoned, in_time, answered, total_wait
        if index < warm_up:
            return
        if wait is None:
            abandoned += 1
            return
        answered += 1
        total_wait += wait
        in_time += wait <= answer

    for index in range(customers):
        clock += rng.expovariate(traffic / aht)
        while busy and busy[0] <= clock:
            free_at = heapq.heappop(busy)
            while queue:
                waiting, arrived, gives_up = queue.popleft()
                if gives_up <= free_at:
                    done(waiting, None)
                    continue
                done(waiting, free_at - arrived)
                heapq.heappush(busy, free_at + rng.expovariate(1.0 / aht))
                break
        counted += index >= warm_up
        if len(busy) < agents:
            done(index, 0.0)
            heapq.heappush(busy, clock + rng.expovariate(1.0 / aht))
        else:
            waited += index >= warm_up
            queue.append((index, clock, clock + rng.expovariate(1.0 / patience)))
    return Observed(
        service_level=in_time / counted,
        wait_probability=waited / counted,
        abandon_probability=abandoned / counted,
        asa_seconds=total_wait / answered,
    )


def replicate(
    agents: int, traffic: float, aht: float, answer: float, patience: float, *, runs: int
) -> dict[str, tuple[float, float]]:
    """Mean and standard error of each measure over independent seeded runs of 60,000 calls."""
    seen = [
        simulate(agents, traffic, aht, answer, patience, customers=60_000, seed=seed)
        for seed in range(runs)
    ]
    summary = {}
    for name in ("service_level", "wait_probability", "abandon_probability", "asa_seconds"):
        values = [getattr(observed, name) for observed in seen]
        summary[name] = (statistics.fmean(values), statistics.stdev(values) / math.sqrt(runs))
    return summary


@pytest.mark.slow
@pytest.mark.parametrize(
    ("agents", "traffic", "aht", "answer", "patience"),
    [
        (14, 10.0, 180.0, 20.0, 600.0),  # the worked example, with patience
        (8, 10.0, 180.0, 20.0, 60.0),  # N < A: overloaded but stable
        (45, 50.0, 120.0, 15.0, 90.0),  # N < A, larger
    ],
)
def test_analytic_measures_match_a_simulation(
    agents: int, traffic: float, aht: float, answer: float, patience: float
) -> None:
    seen = replicate(agents, traffic, aht, answer, patience, runs=8)
    model = erlang_a.evaluate(agents, traffic, aht, answer, patience)
    for name, (mean, error) in seen.items():
        # Four standard errors of sampling, plus the warm-up's small bias.
        assert getattr(model, name) == pytest.approx(mean, abs=4 * error + 0.002 * mean), name


def test_solver_goes_below_the_offered_load_at_a_thousand_erlangs() -> None:
    # 1,000 Erlangs, AHT 180 s, mean patience 10 minutes, 80% answered within 20 s.
    result = erlang_a.solve(1_000.0, 180.0, 20.0, 0.8, 600.0)
    assert result.agents < 1_000
    assert result.service_level >= 0.8
    assert erlang_a.service_level(result.agents - 1, 1_000.0, 180.0, 20.0, 600.0) < 0.8
    # Erlang C cannot even state this staffing: it needs N > A.
    assert erlang_c.solve(1_000.0, 180.0, 20.0, 0.8).agents > 1_000


@pytest.mark.slow
def test_simulation_confirms_a_below_load_answer_at_a_smaller_size() -> None:
    traffic, aht, answer, patience, target = 30.0, 180.0, 20.0, 90.0, 0.7
    result = erlang_a.solve(traffic, aht, answer, target, patience)
    assert result.agents < traffic
    at_n = replicate(result.agents, traffic, aht, answer, patience, runs=6)["service_level"]
    below = replicate(result.agents - 1, traffic, aht, answer, patience, runs=6)["service_level"]
    assert at_n[0] - 3 * at_n[1] >= target
    assert below[0] + 3 * below[1] < target
    assert result.service_level == pytest.approx(at_n[0], abs=4 * at_n[1])


@pytest.mark.parametrize(
    ("traffic", "answer", "target", "patience", "cap"),
    [
        (10.0, 20.0, 0.8, 600.0, None),
        (40.0, 20.0, 0.8, 60.0, None),
        (60.0, 20.0, 0.8, 30.0, None),
        (25.0, 0.0, 0.5, 120.0, 0.85),
        (0.4, 30.0, 0.95, 45.0, None),
    ],
)
def test_solver_equals_the_straightforward_scan(
    traffic: float, answer: float, target: float, patience: float, cap: float | None
) -> None:
    ours = erlang_a.solve(traffic, 180.0, answer, target, patience, max_occupancy=cap)
    assert ours.agents == erlang_a_scan(traffic, 180.0, answer, target, patience, cap)


@settings(max_examples=30, deadline=None)
@given(
    traffic=st.floats(min_value=0.05, max_value=40.0),
    answer=st.floats(min_value=0.0, max_value=120.0),
    target=st.floats(min_value=0.05, max_value=0.97),
    patience=st.floats(min_value=10.0, max_value=1_800.0),
    cap=st.none() | st.floats(min_value=0.6, max_value=1.0),
)
def test_solver_equals_the_scan_on_random_cases(
    traffic: float, answer: float, target: float, patience: float, cap: float | None
) -> None:
    ours = erlang_a.solve(traffic, 180.0, answer, target, patience, max_occupancy=cap)
    assert ours.agents == erlang_a_scan(traffic, 180.0, answer, target, patience, cap)


@settings(max_examples=40, deadline=None)
@given(
    agents=st.integers(min_value=1, max_value=150),
    traffic=st.floats(min_value=0.05, max_value=120.0),
    answer=st.floats(min_value=0.0, max_value=120.0),
    patience=st.floats(min_value=5.0, max_value=3_600.0),
)
def test_measures_equal_the_from_scratch_computation(
    agents: int, traffic: float, answer: float, patience: float
) -> None:
    level, wait, abandon = erlang_a_scan_metrics(agents, traffic, 180.0, answer, patience)
    model = erlang_a.evaluate(agents, traffic, 180.0, answer, patience)
    assert model.service_level == pytest.approx(level, abs=1e-9)
    assert model.wait_probability == pytest.approx(wait, abs=1e-9)
    assert model.abandon_probability == pytest.approx(abandon, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    traffic=st.floats(min_value=0.05, max_value=3_000.0),
    start=st.floats(min_value=0.3, max_value=1.5),
    answer=st.floats(min_value=0.0, max_value=120.0),
    patience=st.floats(min_value=5.0, max_value=3_600.0),
)
def test_more_agents_answer_more_and_lose_fewer(
    traffic: float, start: float, answer: float, patience: float
) -> None:
    n = max(1, math.floor(traffic * start))
    fewer = erlang_a.evaluate(n, traffic, 180.0, answer, patience)
    more = erlang_a.evaluate(n + 1, traffic, 180.0, answer, patience)
    assert fewer.service_level <= more.service_level + 1e-12
    assert more.abandon_probability <= fewer.abandon_probability + 1e-12
    assert 0.0 <= fewer.service_level <= 1.0 - fewer.abandon_probability + 1e-12


def test_very_patient_callers_are_erlang_c() -> None:
    a = erlang_a.evaluate(14, 10.0, 180.0, 20.0, 1e8)
    c = erlang_c.evaluate(14, 10.0, 180.0, 20.0)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.wait_probability == pytest.approx(c.wait_probability, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-4)
    assert a.abandon_probability < 1e-6
    assert erlang_a.solve(10.0, 180.0, 20.0, 0.8, 1e8).agents == 14


def test_with_no_time_limit_everyone_patient_enough_is_answered() -> None:
    model = erlang_a.evaluate(9, 10.0, 180.0, 1e9, 120.0)
    assert model.service_level == pytest.approx(1.0 - model.abandon_probability, abs=1e-12)
    assert model.occupancy == pytest.approx(10.0 * (1 - model.abandon_probability) / 9)


@pytest.mark.parametrize(
    ("agents", "traffic"), [(48_000, 50_000.0), (1, 50_000.0), (51_000, 50_000.0), (1, 0.01)]
)
def test_no_overflow_or_nan_at_the_extremes(agents: int, traffic: float) -> None:
    model = erlang_a.evaluate(agents, traffic, 180.0, 20.0, 600.0)
    values = (model.service_level, model.wait_probability, model.abandon_probability)
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values)
    assert math.isfinite(model.asa_seconds)
    if agents < traffic:
        # Overloaded: the fluid limit loses the excess, 1 - N / A.
        assert model.abandon_probability == pytest.approx(1 - agents / traffic, abs=0.01)


def test_solve_at_fifty_thousand_erlangs() -> None:
    result = erlang_a.solve(50_000.0, 180.0, 20.0, 0.8, 600.0)
    assert result.service_level >= 0.8
    assert erlang_a.service_level(result.agents - 1, 50_000.0, 180.0, 20.0, 600.0) < 0.8


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"patience_seconds": 0.0}, "patience_seconds"),
        ({"patience_seconds": math.nan}, "patience_seconds"),
        ({"traffic": -1.0}, "traffic"),
        ({"target": 1.0}, "target"),
        ({"max_occupancy": 2.0}, "max_occupancy"),
        ({"answer_seconds": math.inf}, "answer_seconds"),
    ],
)
def test_solve_rejects_bad_input(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "traffic": 10.0,
        "aht_seconds": 180.0,
        "answer_seconds": 20.0,
        "target": 0.8,
        "patience_seconds": 600.0,
    }
    arguments.update(kwargs)
    with pytest.raises(InvalidScenario) as caught:
        erlang_a.solve(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
