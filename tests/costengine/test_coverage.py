"""Hour-of-week masks, the arrival profile data file, and monthly -> hourly contacts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costengine.coverage import (
    HOURS_PER_WEEK,
    WEEKS_PER_MONTH,
    ChannelClass,
    arrival_profile,
    business_mask,
    hour_index,
    open_hours,
    open_mask,
    preset_windows,
    weekly_hourly_contacts,
    window_mask,
)
from costengine.errors import InvalidScenario
from costengine.scenario import Coverage, HoursPreset, WeeklyWindow


def test_monday_midnight_is_index_zero_and_sunday_23h_the_last() -> None:
    assert hour_index(0, 0) == 0
    assert hour_index(6, 23) == HOURS_PER_WEEK - 1
    with pytest.raises(InvalidScenario):
        hour_index(7, 0)


def test_business_hours_are_monday_to_friday_nine_to_five() -> None:
    mask = open_mask(Coverage(preset=HoursPreset.BUSINESS))
    assert open_hours(mask) == 40
    assert mask[hour_index(0, 9)] and mask[hour_index(4, 16)]
    assert not mask[hour_index(0, 8)] and not mask[hour_index(0, 17)]
    assert not any(mask[hour_index(5, h)] or mask[hour_index(6, h)] for h in range(24))
    assert business_mask() == mask


def test_extended_hours_are_the_products_definition() -> None:
    mask = open_mask(Coverage(preset=HoursPreset.EXTENDED))
    assert open_hours(mask) == 5 * 12 + 8
    assert mask[hour_index(2, 8)] and mask[hour_index(2, 19)] and not mask[hour_index(2, 20)]
    assert mask[hour_index(5, 9)] and not mask[hour_index(5, 17)]
    assert not any(mask[hour_index(6, h)] for h in range(24))


def test_twenty_four_seven_is_every_hour() -> None:
    assert open_mask(Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN)) == (True,) * 168


def test_custom_windows_are_united_in_local_time() -> None:
    coverage = Coverage(
        preset=HoursPreset.CUSTOM,
        timezone="Asia/Tokyo",
        custom=(
            WeeklyWindow(weekday=6, start_hour=22, end_hour=24),
            WeeklyWindow(weekday=6, start_hour=20, end_hour=23),
            WeeklyWindow(weekday=0, start_hour=0, end_hour=2),
        ),
    )
    mask = open_mask(coverage)
    assert [h for h in range(168) if mask[h]] == [0, 1, *range(hour_index(6, 20), 168)]
    with pytest.raises(InvalidScenario):
        preset_windows(HoursPreset.CUSTOM)


@pytest.mark.parametrize("channel_class", list(ChannelClass))
def test_arrival_profiles_are_complete_positive_and_sourced(channel_class: ChannelClass) -> None:
    profile = arrival_profile(channel_class)
    assert len(profile.weights) == HOURS_PER_WEEK
    assert all(weight > 0 for weight in profile.weights)
    assert profile.source
    assert profile.estimate and profile.why  # no citable curve: must say why
    weekday = sum(profile.weights[hour_index(1, h)] for h in range(24))
    sunday = sum(profile.weights[hour_index(6, h)] for h in range(24))
    assert sunday < weekday
    assert profile.weights[hour_index(1, 10)] > profile.weights[hour_index(1, 3)]


def test_weeks_per_month_is_a_julian_year_over_twelve() -> None:
    assert abs(WEEKS_PER_MONTH - 4.348214) < 1e-6


def test_contacts_land_in_open_hours_only_in_profile_proportion() -> None:
    mask = business_mask()
    profile = arrival_profile(ChannelClass.LIVE)
    hourly = weekly_hourly_contacts(10_000, mask, profile)
    assert math.fsum(hourly) == pytest.approx(10_000 / WEEKS_PER_MONTH)
    assert all(value == 0 for value, is_open in zip(hourly, mask, strict=True) if not is_open)
    monday_10, monday_16 = hour_index(0, 10), hour_index(0, 16)
    expected = profile.weights[monday_10] / profile.weights[monday_16]
    assert hourly[monday_10] / hourly[monday_16] == pytest.approx(expected)


def test_never_open_with_contacts_is_an_error() -> None:
    profile = arrival_profile(ChannelClass.LIVE)
    with pytest.raises(InvalidScenario):
        weekly_hourly_contacts(100, (False,) * 168, profile)
    assert weekly_hourly_contacts(0, (False,) * 168, profile) == (0.0,) * 168
    with pytest.raises(InvalidScenario):
        weekly_hourly_contacts(-1, business_mask(), profile)


@settings(max_examples=60, deadline=None)
@given(
    windows=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 23), st.integers(1, 24)).filter(
            lambda t: t[2] > t[1]
        ),
        min_size=1,
        max_size=6,
    ),
    monthly=st.floats(min_value=0.0, max_value=5e7),
)
def test_weekly_contacts_are_conserved_for_any_opening(
    windows: list[tuple[int, int, int]], monthly: float
) -> None:
    mask = window_mask(WeeklyWindow(weekday=d, start_hour=s, end_hour=e) for d, s, e in windows)
    expected_open = {hour_index(d, h) for d, s, e in windows for h in range(s, e)}
    assert {h for h in range(168) if mask[h]} == expected_open
    hourly = weekly_hourly_contacts(monthly, mask, arrival_profile(ChannelClass.DEFERRABLE))
    assert math.fsum(hourly) == pytest.approx(monthly / WEEKS_PER_MONTH, rel=1e-9, abs=1e-9)
    assert all(hourly[h] == 0 for h in range(168) if h not in expected_open)


@settings(max_examples=40, deadline=None)
@given(
    open_hours=st.sets(st.integers(0, 167), min_size=1, max_size=168),
    monthly=st.floats(min_value=0.0, max_value=5e7),
    live=st.booleans(),
)
def test_arrivals_give_the_direct_formula_to_the_last_bit(
    open_hours: set[int], monthly: float, live: bool
) -> None:
    # The renormalisation is worked out once per planner: the figures must not move.
    mask = tuple(hour in open_hours for hour in range(168))
    profile = arrival_profile(ChannelClass.LIVE if live else ChannelClass.DEFERRABLE)
    total = math.fsum(w for w, is_open in zip(profile.weights, mask, strict=True) if is_open)
    weekly = monthly / WEEKS_PER_MONTH
    direct = tuple(
        weekly * weight / total if is_open else 0.0
        for weight, is_open in zip(profile.weights, mask, strict=True)
    )
    assert weekly_hourly_contacts(monthly, mask, profile) == direct
