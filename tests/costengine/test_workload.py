"""Chat concurrency, deferrable workload spreading, and FTE after shrinkage."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costengine.coverage import business_mask, hour_index
from costengine.errors import InvalidScenario
from costengine.staffing import erlang_c, workload


def test_chat_concurrency_divides_handle_time() -> None:
    assert workload.chat_effective_aht(600, 2) == 300
    # 120 chats/hour of 10 minutes at 2 concurrent = 10 Erlangs of agent time.
    assert workload.chat_traffic(120, 3600, 600, 2) == pytest.approx(10.0)
    assert workload.chat_traffic(120, 3600, 600, 1) == pytest.approx(
        erlang_c.traffic_erlangs(120, 3600, 600)
    )
    with pytest.raises(InvalidScenario) as caught:
        workload.chat_effective_aht(600, 0.5)
    assert caught.value.field == "chat_concurrency"


def test_deferrable_agent_hours() -> None:
    # 120 emails x 5 min = 10 h of handling, at 80% utilisation 12.5 agent-hours.
    assert workload.deferrable_agent_hours(120, 300, 0.8) == pytest.approx(12.5)
    with pytest.raises(InvalidScenario) as caught:
        workload.deferrable_agent_hours(120, 300, 0)
    assert caught.value.field == "email_utilisation"


def _one_burst(hour: int, contacts: float) -> list[float]:
    hourly = [0.0] * 168
    hourly[hour] = contacts
    return hourly


def test_work_is_spread_over_the_next_open_hours_of_the_response_window() -> None:
    mask = business_mask()
    friday_16 = hour_index(4, 16)
    agents = workload.spread_deferrable(
        _one_burst(friday_16, 48), mask, aht_seconds=300, utilisation=1.0, response_hours=4
    )
    # 48 x 5 min = 4 agent-hours over 4 open hours: Fri 16:00, then Mon 09:00-11:00.
    assert agents[friday_16] == pytest.approx(1.0)
    for hour in (hour_index(0, 9), hour_index(0, 10), hour_index(0, 11)):
        assert agents[hour] == pytest.approx(1.0)
    assert math.fsum(agents) == pytest.approx(4.0)
    assert sum(1 for a in agents if a > 0) == 4


def test_a_target_under_two_hours_keeps_work_in_its_hour() -> None:
    mask = business_mask()
    hour = hour_index(2, 11)
    agents = workload.spread_deferrable(
        _one_burst(hour, 30), mask, aht_seconds=240, utilisation=0.8, response_hours=0.5
    )
    assert agents[hour] == pytest.approx(30 * 240 / 3600 / 0.8)
    assert math.fsum(agents) == pytest.approx(agents[hour])


def test_a_week_long_target_levels_the_work() -> None:
    mask = business_mask()
    hourly = [10.0 if is_open else 0.0 for is_open in mask]
    hourly[hour_index(0, 9)] = 400.0
    agents = workload.spread_deferrable(
        hourly, mask, aht_seconds=360, utilisation=1.0, response_hours=168
    )
    open_values = [a for a, is_open in zip(agents, mask, strict=True) if is_open]
    assert max(open_values) == pytest.approx(min(open_values))
    assert math.fsum(agents) == pytest.approx(math.fsum(hourly) * 360 / 3600)


def test_contacts_in_closed_hours_are_refused() -> None:
    with pytest.raises(InvalidScenario):
        workload.spread_deferrable(
            _one_burst(hour_index(6, 3), 5.0),
            business_mask(),
            aht_seconds=300,
            utilisation=0.8,
            response_hours=24,
        )


@settings(max_examples=60, deadline=None)
@given(
    hourly=st.lists(st.floats(min_value=0, max_value=500), min_size=40, max_size=40),
    response=st.floats(min_value=0.1, max_value=168),
    aht=st.floats(min_value=30, max_value=3600),
    utilisation=st.floats(min_value=0.3, max_value=1.0),
)
def test_spreading_keeps_every_agent_hour_inside_open_hours(
    hourly: list[float], response: float, aht: float, utilisation: float
) -> None:
    mask = business_mask()
    week = [0.0] * 168
    for value, hour in zip(hourly, (h for h in range(168) if mask[h]), strict=True):
        week[hour] = value
    agents = workload.spread_deferrable(
        week, mask, aht_seconds=aht, utilisation=utilisation, response_hours=response
    )
    expected = math.fsum(week) * aht / 3600 / utilisation
    assert math.fsum(agents) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert all(a == 0 for a, is_open in zip(agents, mask, strict=True) if not is_open)


def test_twenty_four_seven_floor_is_six_and_a_half_fte_at_35_percent_shrinkage() -> None:
    assert workload.rostered_fte(168, 40, 0.35) == pytest.approx(6.4615, abs=1e-4)
    assert workload.rostered_fte(168, 40, 0) == pytest.approx(4.2)
    with pytest.raises(InvalidScenario) as caught:
        workload.rostered_fte(168, 40, 1.0)
    assert caught.value.field == "shrinkage"


def test_scheduled_agents_round_up_without_float_noise() -> None:
    assert workload.scheduled_agents(14, 0.3) == 20  # pyworkforce's doctest: 14 -> 20
    assert workload.scheduled_agents(14, 0.0) == 14
    assert workload.scheduled_agents(10, 0.35) == 16
    assert workload.scheduled_agents(0, 0.3) == 0
    with pytest.raises(InvalidScenario):
        workload.scheduled_agents(14, math.nan)


def _spread_hour_by_hour(
    hourly: list[float], mask: tuple[bool, ...], aht: float, use: float, response: float
) -> tuple[float, ...]:
    """The straightforward spreading: every hour's share added to each hour of its window."""
    opened = [hour for hour in range(168) if mask[hour]]
    window = min(max(1, math.floor(response)), len(opened))
    agents = [0.0] * 168
    for position, hour in enumerate(opened):
        if hourly[hour] == 0:
            continue
        share = hourly[hour] * aht / 3600.0 / use / window
        for step in range(window):
            agents[opened[(position + step) % len(opened)]] += share
    return tuple(agents)


@settings(max_examples=60, deadline=None)
@given(
    open_hours=st.sets(st.integers(0, 167), min_size=1, max_size=168),
    values=st.lists(st.floats(min_value=0, max_value=500), min_size=168, max_size=168),
    response=st.floats(min_value=0.1, max_value=200),
    aht=st.floats(min_value=30, max_value=3600),
    utilisation=st.floats(min_value=0.3, max_value=1.0),
)
def test_spreading_adds_exactly_like_the_hour_by_hour_loop(
    open_hours: set[int], values: list[float], response: float, aht: float, utilisation: float
) -> None:
    # Window sums are added in the loop's order, so not one bit may differ.
    mask = tuple(hour in open_hours for hour in range(168))
    week = [value if mask[hour] else 0.0 for hour, value in enumerate(values)]
    spread = workload.spread_deferrable(
        week, mask, aht_seconds=aht, utilisation=utilisation, response_hours=response
    )
    assert spread == _spread_hour_by_hour(week, mask, aht, utilisation, response)
