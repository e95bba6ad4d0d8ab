"""The staffing plan the way small teams work: one blended queue, languages as skills,
deferrable work in idle time, breaks in quiet hours, absence covered, today's team."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costengine.coverage import open_hours, open_mask
from costengine.errors import InvalidScenario, RateCardError
from costengine.scenario import (
    AgentLanguages,
    Channel,
    ChannelVolume,
    Coverage,
    HoursPreset,
    Pooling,
    Scenario,
    SupportKind,
)
from costengine.staffing import (
    Planner,
    StaffingInputs,
    channel_mix,
    erlang_a,
    erlang_c,
    volumes_from_total,
)
from costengine.staffing.plan import _fill_idle
from costengine.staffing.team import team_work, user_volumes

AHT = {Channel.PHONE: 360.0, Channel.CHAT: 600.0, Channel.EMAIL: 300.0, Channel.SOCIAL: 300.0}
ALL_HOURS = Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN)
BUSINESS = Coverage(preset=HoursPreset.BUSINESS)
SHRINKAGE = 0.30
ABSENCE = 0.12


def _inputs(scenario: Scenario, **overrides: object) -> StaffingInputs:
    from costengine.staffing.languages import language_shares, multilingual_share

    fields: dict[str, object] = {
        "aht_seconds": AHT,
        "chat_concurrency": 2.0,
        "shrinkage": SHRINKAGE,
        "absence_share": ABSENCE,
        "paid_hours_per_fte_week": 40.0,
        "service_level": scenario.service_level,
        "answer_seconds": float(scenario.answer_seconds),
        "max_occupancy": scenario.max_occupancy,
        "email_response_hours": scenario.email_response_hours,
        "email_utilisation": 0.85,
        "floor_agents": scenario.floor_agents,
        "pooling": scenario.pooling,
        "languages": language_shares(scenario),
        "multilingual": multilingual_share(scenario),
    }
    fields.update(overrides)
    return StaffingInputs(**fields)  # type: ignore[arg-type]


def _volume(channel: Channel, contacts: float) -> ChannelVolume:
    return ChannelVolume(channel=channel, contacts_per_month=Decimal(repr(contacts)))


def _scenario(**fields: object) -> Scenario:
    base: dict[str, object] = {
        "channels": (Channel.PHONE,),
        "languages": ("en",),
        "region": "US",
        "volumes": (_volume(Channel.PHONE, 5000),),
    }
    base.update(fields)
    return Scenario.model_validate(base)


def _plan(scenario: Scenario, **overrides: object):  # type: ignore[no-untyped-def]
    planner = Planner(scenario, _inputs(scenario, **overrides))
    return planner.plan(scenario.volumes)


# --- inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("shrinkage", 1.0),
        ("absence_share", -0.1),
        ("chat_concurrency", 0.5),
        ("service_level", 1.0),
        ("paid_hours_per_fte_week", 0.0),
        ("email_utilisation", 0.0),
        ("floor_agents", -1),
        ("patience_seconds", -5.0),
        ("multilingual", 1.5),
    ],
)
def test_inputs_are_validated(field: str, value: float) -> None:
    with pytest.raises(InvalidScenario) as raised:
        _inputs(_scenario(), **{field: value})
    assert field in raised.value.field


def test_absence_is_part_of_shrinkage_and_the_rest_is_on_shift() -> None:
    inputs = _inputs(_scenario())
    assert (1 - inputs.shrinkage) == pytest.approx(
        (1 - inputs.absence_share) * (1 - inputs.on_shift_shrinkage)
    )
    # A user's shrinkage below the absence default caps it: nothing is on shift.
    low = _inputs(_scenario(), shrinkage=0.05)
    assert low.absence_share == 0.05 and low.on_shift_shrinkage == pytest.approx(0.0)


def test_a_channel_without_handle_time_is_a_rate_card_error() -> None:
    inputs = _inputs(_scenario(), aht_seconds={Channel.PHONE: 360.0})
    with pytest.raises(RateCardError):
        inputs.effective_aht(Channel.CHAT)


# --- floors, breaks and absence --------------------------------------------------------------


@pytest.mark.parametrize("floor", [1, 2])
def test_a_quiet_round_the_clock_desk_is_its_floor_with_absence_covered(floor: int) -> None:
    plan = _plan(
        _scenario(coverage=ALL_HOURS, volumes=(_volume(Channel.PHONE, 10),), floor_agents=floor)
    )
    # One person (or two) on shift every hour; breaks fit in the idle time; leave and
    # sickness need cover: 168 h / (40 h x (1 - 12%)) per person.
    assert plan.present == pytest.approx((float(floor),) * 168)
    assert plan.fte == pytest.approx(floor * 168 / (40 * (1 - ABSENCE)))
    assert plan.summaries[0].floor_hours_per_week == 168


def test_a_one_person_business_desk_is_about_one_person() -> None:
    plan = _plan(_scenario(coverage=BUSINESS, volumes=(_volume(Channel.PHONE, 200),)))
    assert plan.present_hours == pytest.approx(40.0)
    assert plan.fte == pytest.approx(40 / (40 * (1 - ABSENCE)))  # 1.14: absence needs cover


def test_breaks_come_out_of_idle_time_and_a_busy_team_takes_textbook_shrinkage() -> None:
    scenario = _scenario(coverage=ALL_HOURS, volumes=(_volume(Channel.PHONE, 200_000),))
    plan = _plan(scenario)
    (team,) = plan.teams
    on_shift = 1 - (1 - SHRINKAGE) / (1 - ABSENCE)
    for hour in range(168):
        agents, busy = team.needed[hour], team.erlangs[hour]
        slack = max(0.0, 0.5 * agents - busy)  # a quiet hour (under half busy) takes breaks
        expected = agents + (on_shift * agents - min(on_shift * agents, slack)) / (1 - on_shift)
        assert team.present[hour] == pytest.approx(expected)
    # At this load few hours are quiet: FTE is within 5% of agents / (paid x (1 - s)).
    classic = math.fsum(team.needed) / (40 * (1 - SHRINKAGE))
    assert classic / 1.05 <= plan.fte <= classic


def test_closed_hours_have_nobody_and_no_contacts() -> None:
    plan = _plan(_scenario(coverage=BUSINESS))
    mask = open_mask(BUSINESS)
    for hour in range(168):
        if not mask[hour]:
            assert plan.present[hour] == 0 and plan.busy[hour] == 0
        else:
            assert plan.present[hour] >= 1


# --- one blended queue ----------------------------------------------------------------------


def test_phone_and_chat_are_one_queue_at_the_mixed_handle_time() -> None:
    scenario = _scenario(
        channels=(Channel.PHONE, Channel.CHAT),
        volumes=(_volume(Channel.PHONE, 8000), _volume(Channel.CHAT, 4000)),
        coverage=ALL_HOURS,
    )
    plan = _plan(scenario)
    (team,) = plan.teams
    assert team.name == "blended" and set(team.channels) == {Channel.PHONE, Channel.CHAT}
    phone, chat = plan.streams
    hour = team.peak.hour
    mean = (phone.hourly[hour] * 360 + chat.hourly[hour] * 300) / (
        phone.hourly[hour] + chat.hourly[hour]
    )
    traffic = (phone.hourly[hour] * 360 + chat.hourly[hour] * 300) / 3600
    assert team.erlangs[hour] == pytest.approx(traffic)
    assert team.needed[hour] == erlang_c.solve(traffic, mean, 20, 0.8, 0.85).agents
    separate = _plan(scenario.model_copy(update={"pooling": Pooling.PER_CHANNEL}))
    assert [t.name for t in separate.teams] == ["phone", "chat"]
    assert plan.fte < separate.fte  # pooling
    # Each separate team has its own floor in every open hour.
    for team_alone in separate.teams:
        assert min(team_alone.needed) >= 1


def test_email_fills_idle_time_before_anyone_is_added() -> None:
    base = _scenario(
        channels=(Channel.PHONE, Channel.EMAIL),
        volumes=(_volume(Channel.PHONE, 1500),),
        coverage=BUSINESS,
    )
    phone_only = _plan(base)
    some_email = _plan(
        base.model_copy(
            update={"volumes": (_volume(Channel.PHONE, 1500), _volume(Channel.EMAIL, 400))}
        )
    )
    assert some_email.fte == pytest.approx(phone_only.fte)  # done in idle time
    assert some_email.busy_hours > phone_only.busy_hours  # but it is work
    lots = _plan(
        base.model_copy(
            update={"volumes": (_volume(Channel.PHONE, 1500), _volume(Channel.EMAIL, 20_000))}
        )
    )
    assert lots.fte > phone_only.fte
    # The work is all done: busy hours = calls + emails (agent-hours).
    weekly = (1500 * 360 + 20_000 * 300) / 3600 / (365.25 / 7 / 12)
    assert lots.busy_hours == pytest.approx(weekly, rel=1e-6)
    separate = _plan(
        base.model_copy(
            update={
                "volumes": (_volume(Channel.PHONE, 1500), _volume(Channel.EMAIL, 20_000)),
                "pooling": Pooling.PER_CHANNEL,
            }
        )
    )
    assert separate.fte > lots.fte


def test_fill_idle_meets_deadlines_earliest_first() -> None:
    mask = (True,) * 4 + (False,) * 164
    work = [2.0, 0.0, 0.0, 0.0] + [0.0] * 164
    idle = [0.5, 0.5, 0.5, 0.5] + [0.0] * 164
    done, missed = _fill_idle(work, idle, mask, window_hours=3)
    assert done[:4] == pytest.approx([0.5, 0.5, 0.5, 0.0])
    assert missed == pytest.approx(0.5)
    done, missed = _fill_idle(work, idle, mask, window_hours=4)
    assert missed == pytest.approx(0.0) and math.fsum(done) == pytest.approx(2.0)


# --- languages as skills --------------------------------------------------------------------


def _languages(speak: AgentLanguages, share: float | None = None, **fields: object) -> Scenario:
    base: dict[str, object] = {
        "channels": (Channel.PHONE, Channel.CHAT),
        "volumes": (_volume(Channel.PHONE, 800), _volume(Channel.CHAT, 400)),
        "languages": ("en", "zh"),
        "coverage": ALL_HOURS,
        "agent_languages": speak,
        "multilingual_share": share,
    }
    base.update(fields)
    return _scenario(**base)


def test_everyone_speaking_every_language_is_one_pool() -> None:
    bilingual = _plan(_languages(AgentLanguages.ALL))
    one_language = _plan(_languages(AgentLanguages.ALL, languages=("en",)))
    assert bilingual.fte == pytest.approx(one_language.fte)
    # The second language's speakers are what its share needs, not the whole team.
    rows = {row.language: row for row in bilingual.language_rows}
    assert rows["en"].share == pytest.approx(0.7) and rows["zh"].share == pytest.approx(0.3)
    assert rows["zh"].speaker_hours_per_week <= bilingual.present_hours + 1e-9
    assert rows["zh"].peak_speakers >= 1


def test_one_language_each_needs_a_speaker_of_each_in_every_hour() -> None:
    one_each = _plan(_languages(AgentLanguages.ONE_EACH))
    assert min(n for n in one_each.teams[0].needed) >= 2  # a speaker of each, every hour
    bilingual = _plan(_languages(AgentLanguages.ALL))
    mixed = _plan(_languages(AgentLanguages.MIXED, 0.5))
    assert bilingual.fte <= mixed.fte <= one_each.fte
    assert one_each.fte > 1.5 * bilingual.fte  # a small 24/7 team nearly doubles


def test_a_second_language_at_a_thousand_contacts_does_not_double_the_team() -> None:
    one = _plan(
        _scenario(volumes=(_volume(Channel.PHONE, 1000),), coverage=BUSINESS),
    )
    two = _plan(
        _scenario(
            volumes=(_volume(Channel.PHONE, 1000),), coverage=BUSINESS, languages=("en", "es")
        )
    )
    assert two.fte < 1.2 * one.fte


@settings(max_examples=25, deadline=None)
@given(
    volume=st.integers(min_value=50, max_value=60_000),
    share=st.floats(min_value=0.0, max_value=1.0),
)
def test_more_multilingual_agents_never_need_more_people(volume: int, share: float) -> None:
    fewer = _plan(
        _languages(
            AgentLanguages.MIXED,
            share,
            volumes=(_volume(Channel.PHONE, volume),),
            channels=(Channel.PHONE,),
        )
    )
    more = _plan(
        _languages(
            AgentLanguages.MIXED,
            min(1.0, share + 0.25),
            volumes=(_volume(Channel.PHONE, volume),),
            channels=(Channel.PHONE,),
        )
    )
    assert more.fte <= fewer.fte + 1e-9


# --- today's team ----------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(
    team=st.decimals(min_value=Decimal("1.5"), max_value=Decimal(60), places=1),
    hours=st.sampled_from(
        [HoursPreset.BUSINESS, HoursPreset.EXTENDED, HoursPreset.TWENTY_FOUR_SEVEN]
    ),
    channels=st.sampled_from(
        [
            (Channel.PHONE,),
            (Channel.PHONE, Channel.CHAT),
            (Channel.PHONE, Channel.EMAIL),
            (Channel.EMAIL,),
        ]
    ),
)
def test_a_team_carries_the_most_work_it_can_staff(
    team: Decimal, hours: HoursPreset, channels: tuple[Channel, ...]
) -> None:
    scenario = _scenario(
        team_size=team, volumes=(), channels=channels, coverage=Coverage(preset=hours)
    )
    planner = Planner(scenario, _inputs(scenario))
    work = team_work(planner, float(team), channels, kind=SupportKind.CUSTOMER_SERVICE)
    if not work.covers_hours:
        assert planner.plan(volumes_from_total(1, channels)).fte > float(team)
        return
    assert work.plan.fte <= float(team) + 1e-9
    # A little more work would need more people than the team has.
    more = planner.plan(volumes_from_total(math.ceil(work.total * 1.01) + 1, channels))
    assert more.fte > float(team)
    assert work.plan.fte > 0.85 * float(team)  # in-house for today's work is about the team


def test_one_person_cannot_cover_round_the_clock_and_it_is_said() -> None:
    scenario = _scenario(team_size=1, volumes=(), coverage=ALL_HOURS)
    planner = Planner(scenario, _inputs(scenario))
    work = team_work(planner, 1.0, (Channel.PHONE,), kind=SupportKind.CUSTOMER_SERVICE)
    assert not work.covers_hours
    assert work.plan.fte == pytest.approx(168 / (40 * (1 - ABSENCE)), rel=0.05)
    (said, _) = work.assumptions
    assert said.key == "assumption.team_cannot_cover"
    assert said.params["team_size"] == "1"


def test_team_of_eight_round_the_clock_in_two_languages() -> None:
    """The issue's case: near 8 FTE bilingual (the default), about 12-15 one language each."""
    bilingual = _languages(AgentLanguages.ALL, team_size=8, volumes=())
    planner = Planner(bilingual, _inputs(bilingual))
    work = team_work(planner, 8.0, (Channel.PHONE, Channel.CHAT), kind=SupportKind.CUSTOMER_SERVICE)
    assert 7.6 <= work.plan.fte <= 8.0
    split = _languages(AgentLanguages.ONE_EACH, team_size=8, volumes=())
    apart = Planner(split, _inputs(split)).plan(work.plan.volumes)
    assert 12.0 <= apart.fte <= 15.0


def test_an_it_desk_is_sized_from_its_users_with_escalations() -> None:
    volumes, said = user_volumes(200, Decimal("1.5"), (Channel.PHONE, Channel.EMAIL))
    assert sum(v.contacts_per_month for v in volumes) == 300
    assert said.params == {"users": "200", "tickets_per_user": "1.5", "tickets": "300"}
    scenario = _scenario(
        kind=SupportKind.IT_HELPDESK,
        users=200,
        volumes=(),
        channels=(Channel.PHONE, Channel.EMAIL),
        coverage=BUSINESS,
    )
    inputs = _inputs(scenario, tier_shares={2: 0.3, 3: 0.045}, tier_seconds={2: 1800.0, 3: 5400.0})
    plan = Planner(scenario, inputs).plan(volumes)
    keys = [stream.key for stream in plan.streams]
    assert keys == ["phone", "email", "tier2", "tier3"]
    tiers = plan.tier_busy_hours()
    first = math.fsum(s.weekly for s in plan.streams if s.tier == 1)
    assert tiers[2] == pytest.approx(first * 0.3 * 1800 / 3600)
    assert tiers[3] == pytest.approx(first * 0.045 * 5400 / 3600)
    assert plan.busy_hours == pytest.approx(math.fsum(tiers.values()))


# --- the rest ---------------------------------------------------------------------------------


def test_patience_switches_the_live_queue_to_erlang_a() -> None:
    scenario = _scenario(coverage=ALL_HOURS, volumes=(_volume(Channel.PHONE, 30_000),))
    plan = _plan(scenario, patience_seconds=60.0)
    (team,) = plan.teams
    hour = team.peak.hour
    expected = erlang_a.solve(team.erlangs[hour], 360.0, 20, 0.8, 60.0, max_occupancy=0.85).agents
    assert team.needed[hour] == max(1, expected)
    assert plan.fte < _plan(scenario).fte  # callers who hang up need fewer agents


def test_planning_is_deterministic_and_a_shared_planner_plans_like_a_fresh_one() -> None:
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
        fresh = Planner(scenario, inputs).plan(volumes)
        assert shared.teams == fresh.teams
        assert shared.summaries == fresh.summaries


def test_the_work_is_kept_whatever_the_structure() -> None:
    scenario = _languages(
        AgentLanguages.ONE_EACH,
        channels=(Channel.PHONE, Channel.CHAT, Channel.EMAIL),
        volumes=(
            _volume(Channel.PHONE, 3000),
            _volume(Channel.CHAT, 1000),
            _volume(Channel.EMAIL, 1000),
        ),
    )
    expected = (3000 * 360 + 1000 * 300 + 1000 * 300) / 3600 / (365.25 / 7 / 12)
    for pooling in Pooling:
        plan = _plan(scenario.model_copy(update={"pooling": pooling}))
        assert plan.busy_hours == pytest.approx(expected, rel=1e-6)
        assert open_hours(plan.teams[0].open_mask) == 168


def test_volumes_from_total_follow_the_mix_and_add_up_exactly() -> None:
    volumes = volumes_from_total(10_001, (Channel.PHONE, Channel.EMAIL))
    assert sum(v.contacts_per_month for v in volumes) == 10_001
    mix = channel_mix(SupportKind.CUSTOMER_SERVICE).shares
    phone = next(v for v in volumes if v.channel is Channel.PHONE)
    share = mix[Channel.PHONE] / (mix[Channel.PHONE] + mix[Channel.EMAIL])
    assert abs(float(phone.contacts_per_month) - 10_001 * share) <= 1
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


def test_channel_and_language_mix_files_are_sourced() -> None:
    from costengine.staffing.languages import language_mix

    for kind in SupportKind:
        mix = channel_mix(kind)
        assert math.fsum(mix.shares.values()) == pytest.approx(1.0)
        assert mix.source and (not mix.estimate or mix.why)
    languages = language_mix()
    assert languages.estimate and languages.why
    for count in range(1, 8):
        shares = languages.shares(count)
        assert math.fsum(shares) == pytest.approx(1.0)
        assert shares[0] == max(shares)
