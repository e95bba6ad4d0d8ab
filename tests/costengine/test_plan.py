"""The staffing plan: pools, floors, language split, implied volumes and assumptions."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costengine.coverage import (
    WEEKS_PER_MONTH,
    ChannelClass,
    arrival_profile,
    hour_index,
    open_mask,
    weekly_hourly_contacts,
)
from costengine.errors import InvalidScenario, RateCardError
from costengine.scenario import Channel, ChannelVolume, Coverage, HoursPreset, Scenario, SupportKind
from costengine.staffing import (
    Planner,
    StaffingInputs,
    StaffingPlan,
    channel_mix,
    erlang_a,
    erlang_c,
    plan_staffing,
    volumes_from_total,
)

AHT = {Channel.PHONE: 360.0, Channel.CHAT: 600.0, Channel.EMAIL: 300.0, Channel.SOCIAL: 300.0}
ALL_HOURS = Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN)


def _inputs(scenario: Scenario, **overrides: float | None) -> StaffingInputs:
    defaults: dict[str, float | None] = {
        "chat_concurrency_default": 2.0,
        "shrinkage_default": 0.35,
        "paid_hours_per_fte_week": 40.0,
        "email_utilisation": 0.8,
    }
    defaults.update(overrides)
    return StaffingInputs.from_scenario(scenario, aht_defaults=AHT, **defaults)  # type: ignore[arg-type]


def _volume(channel: Channel, contacts: int, aht: int | None = None) -> ChannelVolume:
    return ChannelVolume(channel=channel, contacts_per_month=Decimal(contacts), aht_seconds=aht)


def _scenario(**fields: object) -> Scenario:
    base: dict[str, object] = {
        "channels": (Channel.PHONE,),
        "languages": ("en",),
        "region": "US",
        "volumes": (_volume(Channel.PHONE, 5000),),
    }
    base.update(fields)
    return Scenario.model_validate(base)


def test_from_scenario_lays_the_scenario_over_the_defaults() -> None:
    scenario = _scenario(
        channels=(Channel.PHONE, Channel.CHAT),
        volumes=(_volume(Channel.PHONE, 1000, aht=240), _volume(Channel.CHAT, 800)),
        shrinkage=0.25,
        chat_concurrency=3,
        service_level=0.9,
        answer_seconds=30,
        max_occupancy=None,
        floor_agents=2,
    )
    inputs = _inputs(scenario, patience_seconds=120.0)
    assert inputs.aht_seconds[Channel.PHONE] == 240
    assert inputs.aht_seconds[Channel.CHAT] == 600
    assert inputs.effective_aht(Channel.CHAT) == pytest.approx(200)
    assert inputs.shrinkage == 0.25
    assert inputs.chat_concurrency == 3
    assert (inputs.service_level, inputs.answer_seconds, inputs.max_occupancy) == (0.9, 30, None)
    assert inputs.floor_agents == 2
    assert inputs.patience_seconds == 120.0

    plain = _inputs(_scenario())
    assert plain.shrinkage == 0.35
    assert plain.chat_concurrency == 2
    assert plain.max_occupancy == 0.85


def test_a_selected_channel_without_handle_time_is_a_rate_card_error() -> None:
    scenario = _scenario(channels=(Channel.PHONE, Channel.SOCIAL))
    with pytest.raises(RateCardError):
        StaffingInputs.from_scenario(
            scenario,
            aht_defaults={Channel.PHONE: 360.0},
            chat_concurrency_default=2,
            shrinkage_default=0.3,
            paid_hours_per_fte_week=40,
            email_utilisation=0.8,
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("shrinkage", 1.0),
        ("chat_concurrency", 0.5),
        ("service_level", 1.0),
        ("paid_hours_per_fte_week", 0.0),
        ("email_utilisation", 0.0),
        ("floor_agents", -1),
        ("patience_seconds", -5.0),
    ],
)
def test_inputs_are_validated(field: str, value: float) -> None:
    good = _inputs(_scenario())
    arguments = {name: getattr(good, name) for name in good.__dataclass_fields__}
    arguments[field] = value
    with pytest.raises(InvalidScenario) as caught:
        StaffingInputs(**arguments)
    assert caught.value.field == field


@pytest.mark.parametrize(("floor", "shrinkage"), [(1, 0.35), (2, 0.35), (1, 0.3)])
def test_tiny_round_the_clock_desk_is_set_by_the_floor(floor: int, shrinkage: float) -> None:
    scenario = _scenario(
        volumes=(_volume(Channel.PHONE, 20),), coverage=ALL_HOURS, floor_agents=floor
    )
    plan = plan_staffing(scenario, _inputs(scenario, shrinkage_default=shrinkage))
    (pool,) = plan.pools
    assert pool.agents == (floor,) * 168
    assert plan.total_fte == pytest.approx(168 * floor / (40 * (1 - shrinkage)))
    (summary,) = plan.summaries
    assert summary.floor_hours_per_week == 168
    assert summary.agent_hours_per_week == 168 * floor


def test_live_hours_are_erlang_c_per_channel_summed_and_closed_hours_empty() -> None:
    scenario = _scenario(
        channels=(Channel.PHONE, Channel.CHAT),
        volumes=(_volume(Channel.PHONE, 20_000), _volume(Channel.CHAT, 12_000)),
    )
    inputs = _inputs(scenario)
    plan = plan_staffing(scenario, inputs)
    (pool,) = plan.pools
    assert pool.live and pool.channels == (Channel.PHONE, Channel.CHAT)
    mask = open_mask(scenario.coverage)
    profile = arrival_profile(ChannelClass.LIVE)
    phone = weekly_hourly_contacts(20_000, mask, profile)
    chat = weekly_hourly_contacts(12_000, mask, profile)
    for hour in (hour_index(0, 10), hour_index(3, 16), hour_index(4, 9)):
        need = erlang_c.solve(phone[hour] * 360 / 3600, 360, 20, 0.8, 0.85).agents
        need += erlang_c.solve(chat[hour] * 300 / 3600, 300, 20, 0.8, 0.85).agents
        assert pool.agents[hour] == need
        assert pool.contacts[hour] == pytest.approx(phone[hour] + chat[hour])
    assert all(a == 0 for a, is_open in zip(pool.agents, mask, strict=True) if not is_open)
    assert plan.summaries[0].peak_agents == max(pool.agents)
    assert plan.summaries[0].peak_service_level is not None
    assert plan.summaries[0].peak_service_level >= 0.8


def test_deferrable_pool_has_no_floor_and_keeps_the_workload() -> None:
    scenario = _scenario(
        channels=(Channel.EMAIL, Channel.SOCIAL),
        volumes=(_volume(Channel.EMAIL, 3000), _volume(Channel.SOCIAL, 600)),
        coverage=ALL_HOURS,
    )
    inputs = _inputs(scenario)
    plan = plan_staffing(scenario, inputs)
    (pool,) = plan.pools
    assert not pool.live
    expected = 3600 / WEEKS_PER_MONTH * 300 / 3600 / 0.8
    assert pool.agent_hours_per_week == pytest.approx(expected)
    assert min(pool.agents) < 1  # fractional, no floor of one agent
    (summary,) = plan.summaries
    assert summary.floor_hours_per_week == 0
    assert summary.peak_service_level is None
    assert summary.fte == pytest.approx(expected / (40 * 0.65))


def test_languages_split_contacts_evenly_and_lose_economies_of_scale() -> None:
    volumes = (_volume(Channel.PHONE, 40_000), _volume(Channel.EMAIL, 8_000))
    one = _scenario(channels=(Channel.PHONE, Channel.EMAIL), volumes=volumes)
    two = _scenario(
        channels=(Channel.PHONE, Channel.EMAIL), volumes=volumes, languages=("en", "de")
    )
    plan_one = plan_staffing(one, _inputs(one))
    plan_two = plan_staffing(two, _inputs(two))

    assert [(p.language, p.live) for p in plan_two.pools] == [
        ("en", True),
        ("en", False),
        ("de", True),
        ("de", False),
    ]
    keys = [a.key for a in plan_two.assumptions]
    assert "assumption.language_split_even" in keys
    assert "assumption.language_split_even" not in [a.key for a in plan_one.assumptions]
    en_live, de_live = plan_two.pools[0], plan_two.pools[2]
    assert en_live.contacts == de_live.contacts
    assert math.fsum(en_live.contacts) == pytest.approx(math.fsum(plan_one.pools[0].contacts) / 2)
    # Two half-size queues need more agents than one full queue (square-root staffing).
    assert 2 * en_live.agent_hours_per_week > plan_one.pools[0].agent_hours_per_week
    assert plan_two.total_fte > plan_one.total_fte
    assert plan_two.total_fte == pytest.approx(math.fsum(s.fte for s in plan_two.summaries))


def test_team_size_implies_volumes_and_says_so() -> None:
    scenario = _scenario(
        volumes=(),
        team_size=10,
        channels=(Channel.PHONE, Channel.CHAT, Channel.EMAIL),
        kind=SupportKind.IT_HELPDESK,
    )
    inputs = _inputs(scenario)
    plan = plan_staffing(scenario, inputs)
    total = sum(v.contacts_per_month for v in plan.volumes)
    assumption = next(a for a in plan.assumptions if a.key == "assumption.volume_implied_from_team")
    assert assumption.params["team_size"] == "10"
    assert Decimal(assumption.params["contacts"]) == total
    assert "assumption.channel_mix" in [a.key for a in plan.assumptions]
    # The implied volume is what 10 people handle at the file's occupancy.
    handled = sum(
        float(v.contacts_per_month) * inputs.effective_aht(v.channel) / 3600 for v in plan.volumes
    )
    assert handled / WEEKS_PER_MONTH == pytest.approx(10 * 40 * 0.65 * 0.75, rel=1e-3)
    # and staffing it properly lands in the same range as the team.
    assert 5 < plan.total_fte < 25


def test_patience_switches_live_channels_to_erlang_a() -> None:
    scenario = _scenario(volumes=(_volume(Channel.PHONE, 60_000),))
    inputs = _inputs(scenario, patience_seconds=90.0)
    plan = plan_staffing(scenario, inputs)
    model = next(a for a in plan.assumptions if a.key == "assumption.live_queue_model")
    assert model.params["model"] == "erlang_a"
    mask = open_mask(scenario.coverage)
    hourly = weekly_hourly_contacts(60_000, mask, arrival_profile(ChannelClass.LIVE))
    hour = hour_index(0, 10)
    expected = erlang_a.solve(hourly[hour] * 360 / 3600, 360, 20, 0.8, 90.0, max_occupancy=0.85)
    assert plan.pools[0].agents[hour] == expected.agents


def test_planning_is_deterministic() -> None:
    scenario = _scenario(
        channels=(Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.SOCIAL),
        volumes=volumes_from_total(
            25_000, (Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.SOCIAL)
        ),
        languages=("en", "pl", "zh"),
        coverage=Coverage(preset=HoursPreset.EXTENDED, timezone="Europe/Warsaw"),
    )
    first: StaffingPlan = plan_staffing(scenario, _inputs(scenario))
    second = plan_staffing(scenario, _inputs(scenario))
    assert first == second
    assert len(first.pools) == 6
    assert first.weeks_per_month == WEEKS_PER_MONTH


def test_volumes_from_total_follow_the_mix_and_add_up_exactly() -> None:
    volumes = volumes_from_total(10_001, (Channel.PHONE, Channel.EMAIL))
    assert sum(v.contacts_per_month for v in volumes) == 10_001
    mix = channel_mix(SupportKind.CUSTOMER_SERVICE).shares
    phone = next(v for v in volumes if v.channel is Channel.PHONE)
    share = mix[Channel.PHONE] / (mix[Channel.PHONE] + mix[Channel.EMAIL])
    assert abs(float(phone.contacts_per_month) - 10_001 * share) <= 1
    helpdesk = volumes_from_total(
        1000, (Channel.PHONE, Channel.EMAIL), kind=SupportKind.IT_HELPDESK
    )
    assert helpdesk != volumes_from_total(1000, (Channel.PHONE, Channel.EMAIL))
    for bad in (0, -5, math.nan, True):
        with pytest.raises(InvalidScenario):
            volumes_from_total(bad, (Channel.PHONE,))


@settings(max_examples=60, deadline=None)
@given(
    total=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(50_000_000), places=2),
    channels=st.lists(st.sampled_from(list(Channel)), min_size=1, max_size=4, unique=True),
)
def test_volumes_from_total_never_lose_a_contact(total: Decimal, channels: list[Channel]) -> None:
    volumes = volumes_from_total(total, channels)
    assert sum(v.contacts_per_month for v in volumes) == total
    assert {v.channel for v in volumes} <= set(channels)
    assert all(v.contacts_per_month > 0 for v in volumes)


def test_channel_mix_file_is_sourced_and_sums_to_one() -> None:
    for kind in SupportKind:
        mix = channel_mix(kind)
        assert math.fsum(mix.shares.values()) == pytest.approx(1.0)
        assert mix.source and (not mix.estimate or mix.why)


def test_a_planner_shared_across_volumes_plans_like_a_fresh_one() -> None:
    # An estimate plans one scenario at many volumes through one planner (cached solves,
    # shared pools): every plan must equal the one made from scratch.
    scenario = _scenario(
        channels=(Channel.PHONE, Channel.CHAT, Channel.EMAIL),
        volumes=(
            _volume(Channel.PHONE, 9000),
            _volume(Channel.CHAT, 4000),
            _volume(Channel.EMAIL, 2000),
        ),
        languages=("en", "de"),
        coverage=ALL_HOURS,
    )
    inputs = _inputs(scenario)
    planner = Planner(scenario, inputs)
    for factor in ("1", "0.3", "2", "0.3", "1"):
        volumes = tuple(
            v.model_copy(update={"contacts_per_month": v.contacts_per_month * Decimal(factor)})
            for v in scenario.volumes
        )
        shared = planner.plan(volumes)
        fresh = plan_staffing(scenario.model_copy(update={"volumes": volumes}), inputs)
        assert shared.pools == fresh.pools
        assert shared.summaries == fresh.summaries
        assert shared.total_fte == fresh.total_fte
