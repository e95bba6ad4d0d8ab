"""Erlang C: the published worked example, pyworkforce, a slow reference, and invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.staffing import erlang_c_reference as reference_agents
from costengine.errors import EngineError, InvalidScenario
from costengine.staffing import erlang_c


def test_worked_example_from_the_domain_primer() -> None:
    traffic = erlang_c.traffic_erlangs(contacts=100, interval_seconds=1800, aht_seconds=180)
    assert traffic == pytest.approx(10.0)

    result = erlang_c.solve(traffic, aht_seconds=180, answer_seconds=20, target=0.8)

    assert result.agents == 14
    assert result.traffic_erlangs == pytest.approx(10.0)
    assert result.service_level == pytest.approx(0.8884, abs=5e-5)
    assert result.wait_probability == pytest.approx(0.1741, abs=5e-5)
    assert result.asa_seconds == pytest.approx(7.8, abs=0.05)
    assert result.occupancy == pytest.approx(10 / 14)


def test_one_agent_fewer_misses_the_target() -> None:
    assert erlang_c.service_level(13, 10.0, 180, 20) == pytest.approx(0.796, abs=5e-4)
    assert erlang_c.evaluate(13, 10.0, 180, 20).service_level < 0.8


def test_wait_probability_matches_the_closed_form_for_small_cases() -> None:
    # Textbook Erlang C with factorials is fine at 2 agents: C(2, 1) = 1/3.
    assert erlang_c.wait_probability(2, 1.0) == pytest.approx(1 / 3)
    # One agent is M/M/1: P(wait) = rho.
    assert erlang_c.wait_probability(1, 0.3) == pytest.approx(0.3)


def test_unstable_queue_never_answers_in_time() -> None:
    result = erlang_c.evaluate(10, 10.0, 180, 20)
    assert result.wait_probability == 1.0
    assert result.service_level == 0.0
    assert math.isinf(result.asa_seconds)


def test_occupancy_cap_adds_agents_beyond_the_service_level_need() -> None:
    free = erlang_c.solve(100.0, 180, 20, 0.8)
    capped = erlang_c.solve(100.0, 180, 20, 0.8, max_occupancy=0.85)
    assert free.occupancy > 0.85
    assert capped.agents == math.ceil(100 / 0.85)
    assert capped.occupancy <= 0.85
    assert 100 / (capped.agents - 1) > 0.85


@pytest.mark.parametrize(
    ("calls", "interval_min", "aht_min", "answer_s", "target"),
    [
        (100, 30, 3, 20, 0.8),
        (250, 30, 4, 20, 0.8),
        (40, 60, 6, 30, 0.9),
        (1000, 30, 3, 15, 0.8),
        (12, 15, 5, 60, 0.7),
    ],
)
def test_agent_counts_equal_pyworkforce(
    calls: int, interval_min: int, aht_min: float, answer_s: float, target: float
) -> None:
    from pyworkforce.queuing import ErlangC

    theirs = ErlangC(transactions=calls, aht=aht_min, asa=answer_s / 60, interval=interval_min)
    expected = theirs.required_positions(service_level=target, max_occupancy=1.0)

    traffic = erlang_c.traffic_erlangs(calls, interval_min * 60, aht_min * 60)
    ours = erlang_c.solve(traffic, aht_min * 60, answer_s, target)

    assert ours.agents == expected["raw_positions"]
    assert ours.service_level == pytest.approx(expected["service_level"], rel=1e-9)
    assert ours.wait_probability == pytest.approx(expected["waiting_probability"], rel=1e-9)


@settings(max_examples=80, deadline=None)
@given(
    traffic=st.floats(min_value=0.01, max_value=2_000.0),
    aht=st.floats(min_value=10.0, max_value=1_800.0),
    answer=st.floats(min_value=0.0, max_value=120.0),
    target=st.floats(min_value=0.05, max_value=0.99),
    cap=st.none() | st.floats(min_value=0.5, max_value=1.0),
)
def test_solve_equals_the_slow_reference(
    traffic: float, aht: float, answer: float, target: float, cap: float | None
) -> None:
    result = erlang_c.solve(traffic, aht, answer, target, max_occupancy=cap)
    assert result.agents == reference_agents(traffic, aht, answer, target, cap)
    assert result.service_level >= target
    assert result.agents > traffic


@settings(max_examples=80, deadline=None)
@given(
    traffic=st.floats(min_value=0.001, max_value=3_000.0),
    aht=st.floats(min_value=10.0, max_value=1_800.0),
    answer=st.floats(min_value=0.0, max_value=120.0),
    target=st.floats(min_value=0.05, max_value=0.99),
    cap=st.none() | st.floats(min_value=0.3, max_value=1.0),
)
def test_solve_reports_exactly_what_evaluate_says_for_its_agents(
    traffic: float, aht: float, answer: float, target: float, cap: float | None
) -> None:
    # The solver's own copy of the Erlang B recurrence must give the very same floats.
    result = erlang_c.solve(traffic, aht, answer, target, max_occupancy=cap)
    assert result == erlang_c.evaluate(result.agents, traffic, aht, answer)
    fewer = result.agents - 1
    if fewer > traffic and (cap is None or traffic / fewer <= cap):
        assert erlang_c.evaluate(fewer, traffic, aht, answer).service_level < target


@settings(max_examples=40, deadline=None)
@given(
    traffic=st.floats(min_value=0.001, max_value=500.0),
    aht=st.floats(min_value=10.0, max_value=1_800.0),
    target=st.floats(min_value=0.05, max_value=0.99),
    cap=st.none() | st.floats(min_value=0.3, max_value=1.0),
)
def test_a_target_answers_like_solve(
    traffic: float, aht: float, target: float, cap: float | None
) -> None:
    fixed = erlang_c.Target(aht, 20, target, cap)
    result = erlang_c.solve(traffic, aht, 20, target, max_occupancy=cap)
    assert fixed.solve(traffic) == result
    assert fixed.agents(traffic) == result.agents


def test_a_target_checks_its_arguments() -> None:
    with pytest.raises(InvalidScenario) as caught:
        erlang_c.Target(180, 20, 1.5)
    assert caught.value.field == "target"
    with pytest.raises(InvalidScenario) as caught:
        erlang_c.Target(180, 20, 0.8).agents(-1.0)
    assert caught.value.field == "traffic"


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(min_value=0.01, max_value=5_000.0),
    aht=st.floats(min_value=10.0, max_value=1_800.0),
    answer=st.floats(min_value=1.0, max_value=120.0),
    extra=st.integers(min_value=1, max_value=200),
)
def test_service_level_rises_with_agents(
    traffic: float, aht: float, answer: float, extra: int
) -> None:
    n = math.floor(traffic) + extra
    fewer = erlang_c.service_level(n, traffic, aht, answer)
    more = erlang_c.service_level(n + 1, traffic, aht, answer)
    assert 0.0 <= fewer <= more <= 1.0


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(min_value=0.01, max_value=10_000.0),
    growth=st.floats(min_value=1.0, max_value=3.0),
    target=st.floats(min_value=0.05, max_value=0.99),
)
def test_agents_rise_with_traffic(traffic: float, growth: float, target: float) -> None:
    low = erlang_c.solve(traffic, 180, 20, target)
    high = erlang_c.solve(traffic * growth, 180, 20, target)
    assert low.agents <= high.agents


@settings(max_examples=25, deadline=None)
@given(
    traffic=st.floats(min_value=40_000.0, max_value=50_000.0),
    target=st.floats(min_value=0.05, max_value=0.999),
    answer=st.floats(min_value=0.0, max_value=600.0),
)
def test_no_overflow_or_nan_at_fifty_thousand_erlangs(
    traffic: float, target: float, answer: float
) -> None:
    result = erlang_c.solve(traffic, 180, answer, target, max_occupancy=0.95)
    for value in (result.service_level, result.wait_probability, result.asa_seconds):
        assert math.isfinite(value)
    assert result.service_level >= target
    assert traffic < result.agents < traffic + 40 * math.sqrt(traffic)
    below = erlang_c.evaluate(result.agents - 1, traffic, 180, answer)
    assert below.service_level < target or below.occupancy > 0.95


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"traffic": -1.0}, "traffic"),
        ({"traffic": math.nan}, "traffic"),
        ({"traffic": math.inf}, "traffic"),
        ({"traffic": True}, "traffic"),
        ({"aht_seconds": 0.0}, "aht_seconds"),
        ({"answer_seconds": -5.0}, "answer_seconds"),
        ({"target": 1.0}, "target"),
        ({"target": 0.0}, "target"),
        ({"target": math.nan}, "target"),
        ({"max_occupancy": 1.5}, "max_occupancy"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
    ],
)
def test_solve_rejects_bad_input_naming_the_parameter(
    kwargs: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "traffic": 10.0,
        "aht_seconds": 180.0,
        "answer_seconds": 20.0,
        "target": 0.8,
    }
    arguments.update(kwargs)
    with pytest.raises(InvalidScenario) as caught:
        erlang_c.solve(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert isinstance(caught.value, EngineError)


@pytest.mark.parametrize("agents", [0, -3, True, 2.5])
def test_agents_must_be_a_positive_whole_number(agents: object) -> None:
    with pytest.raises(InvalidScenario) as caught:
        erlang_c.wait_probability(agents, 1.0)  # type: ignore[arg-type]
    assert caught.value.field == "agents"


def test_traffic_rejects_negative_contacts_and_zero_interval() -> None:
    with pytest.raises(InvalidScenario, match="contacts"):
        erlang_c.traffic_erlangs(-1, 1800, 180)
    with pytest.raises(InvalidScenario, match="interval_seconds"):
        erlang_c.traffic_erlangs(1, 0, 180)
    assert erlang_c.traffic_erlangs(0, 1800, 180) == 0.0


def test_results_are_frozen() -> None:
    result = erlang_c.solve(10.0, 180, 20, 0.8)
    with pytest.raises(AttributeError):
        result.agents = 3  # type: ignore[misc]


def test_module_docstring_example_runs() -> None:
    import doctest

    outcome = doctest.testmod(erlang_c)
    assert outcome.attempted > 0
    assert outcome.failed == 0
