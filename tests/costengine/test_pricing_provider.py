"""Outsourcing and partial outsourcing: dedicated vs pay-per-use, destinations, the choice.

The home card is the round-number one (agent-hour 20 USD, minimum 2 seats, nights x1.5,
weekends x2, per minute 1 + a wrap-up minute per call, email 2, vendor management 5% of the
bill, setup 1.2 months over 12); destinations abroad use their built-in cards.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costengine import Channel, ChannelVolume, Coverage, HoursPreset, Scenario, estimate
from costengine.estimate import staffing_inputs
from costengine.pricing.common import Draft
from costengine.pricing.destinations import destinations, location_of, shift_hours
from costengine.pricing.outsourced import (
    Destination,
    _channel_bill,
    choose,
    dedicated_quote,
    quotes,
    shared_quote,
)
from costengine.ratecard import load_ratecard
from costengine.scenario import DeliveryModel, OutsourcingKind, SupportKind
from costengine.staffing import Planner
from costengine.staffing.splits import planned_splits
from tests.costengine._pricing_fixtures import (
    BUSINESS,
    context,
    flat,
    simple_card,
    without,
    workload,
)


def _items(drafts: tuple[Draft, ...]) -> dict[str, Decimal]:
    return {item.key: item.amount for item in drafts}


def _home(tmp_path: Path, **kind: SupportKind) -> Destination:
    return Destination(
        ctx=context(simple_card(tmp_path), **kind), location="onshore", serves_languages=True
    )


def test_dedicated_agents_bill_every_hour_on_shift(tmp_path: Path) -> None:
    work = workload(flat(3, BUSINESS))  # 120 on-shift hours a week, all weekday daytime
    quote = dedicated_quote(work, _home(tmp_path))
    assert quote is not None and quote.kind == "dedicated" and quote.billing == "agent_hour"
    items = _items(quote.drafts)
    assert items["provider_agent_hours"] == Decimal("9600.00")  # 120 h x 4 weeks x 20
    assert "provider_after_hours" not in items
    assert items["provider_setup"] == Decimal("960.00")  # 1.2 months over 12
    assert items["vendor_management"] == Decimal("480.00")  # 5% of the bill
    assert quote.fte == 3.0 and quote.equivalent_fte == 3.0


def test_dedicated_minimum_seats_are_billed_and_said(tmp_path: Path) -> None:
    work = workload(flat(0.25, BUSINESS), busy=flat(0.1, BUSINESS))
    quote = dedicated_quote(work, _home(tmp_path))
    assert quote is not None
    assert _items(quote.drafts)["provider_agent_hours"] == Decimal("6400.00")  # 2 x 40 h x 4 x 20
    assert not quote.sellable and "note.below_minimum_seats" in quote.notes
    busy = dedicated_quote(workload(flat(3, BUSINESS), busy=flat(2.5, BUSINESS)), _home(tmp_path))
    assert busy is not None and busy.sellable  # 100 busy hours fill two seats at 80%


def test_night_premiums_are_paid_on_the_providers_clock(tmp_path: Path) -> None:
    work = workload(flat(1, BUSINESS))
    home = _home(tmp_path)
    day = dedicated_quote(work, home)
    abroad = Destination(
        ctx=home.ctx.at(home.ctx.card, 12), location="offshore", serves_languages=True
    )
    night = dedicated_quote(work, abroad)
    assert day is not None and night is not None
    assert "provider_after_hours" not in _items(day.drafts)
    # Shifted 12 hours, the 9-17 weekday becomes 21-05: mostly night, partly weekend.
    assert _items(night.drafts)["provider_after_hours"] > 0
    assert night.night_share > 0.5 and day.night_share == 0.0


def test_pay_per_use_bills_minutes_with_the_wrap_up_and_messages(tmp_path: Path) -> None:
    work = workload(
        flat(1, BUSINESS), contacts={Channel.PHONE: 100.0, Channel.EMAIL: 50.0}
    )  # calls of 6 minutes
    quote = shared_quote(work, _home(tmp_path), users=Decimal(0))
    assert quote is not None and quote.kind == "shared" and quote.fte == 0.0
    items = _items(quote.drafts)
    assert items["provider_phone_minutes"] == Decimal("2800.00")  # 400 calls x (6 + 1) min x 1
    assert items["provider_emails"] == Decimal("400.00")  # 200 x 2
    assert "provider_setup" not in items
    assert quote.equivalent_fte == work.busy_fte


def test_phone_minutes_take_the_cheaper_of_packages_and_per_minute() -> None:
    card = load_ratecard("US")  # signpost and answerfirst packages, per minute 0.95
    ctx = context(card)

    def phone(calls_a_week: float) -> tuple[str, Decimal]:
        work = workload(flat(1, BUSINESS), contacts={Channel.PHONE: calls_a_week})
        found = _channel_bill(work, ctx)
        assert found is not None
        return found[1], _items(tuple(found[0]))["provider_phone_minutes"]

    # 20 calls, 140 minutes: the smallest plan (150 minutes for $199) is the least sold.
    assert phone(5.0)[1] == Decimal("199.00")
    # 280 minutes: 0.95 a minute beats every package (the 275-minute plan + overage: 340.25).
    assert phone(10.0) == ("per_minute", Decimal("266.00"))
    # Without a per-minute price, the cheapest package with its overage.
    ctx = context(without(card, "outsourced", "per_minute"))
    assert phone(10.0) == ("package", Decimal("340.25"))


def test_an_it_desk_is_priced_per_user_or_per_ticket(tmp_path: Path) -> None:
    home = _home(tmp_path, kind=SupportKind.IT_HELPDESK)
    work = workload(flat(2, BUSINESS), contacts={Channel.PHONE: 100.0, Channel.EMAIL: 100.0})
    per_ticket = shared_quote(work, home, users=Decimal(1000))
    assert per_ticket is not None and per_ticket.billing == "per_ticket"  # 800 x 30 < 1,000 x 40
    per_user = shared_quote(work, home, users=Decimal(100))
    assert per_user is not None and per_user.billing == "per_user"
    assert _items(per_user.drafts)["provider_it_users"] == Decimal("4000.00")


def test_auto_shows_dedicated_once_the_work_fills_the_minimum(tmp_path: Path) -> None:
    home = _home(tmp_path)
    small = workload(flat(1, BUSINESS), busy=flat(0.2, BUSINESS))
    options = quotes(small, [home], users=Decimal(0))
    picked = choose(options, OutsourcingKind.AUTO, None, ["US"])
    assert picked is not None and picked.quote.kind == "shared"
    assert picked.reason == "choice.shared_below_minimum"
    big = workload(flat(6, BUSINESS), busy=flat(5, BUSINESS))
    picked = choose(quotes(big, [home], users=Decimal(0)), OutsourcingKind.AUTO, None, ["US"])
    assert picked is not None and picked.quote.kind == "dedicated"
    asked = choose(options, OutsourcingKind.DEDICATED, None, ["US"])
    assert asked is not None and asked.quote.kind == "dedicated"
    assert asked.reason == "choice.user_dedicated"


def test_destinations_are_every_region_seen_from_the_customer() -> None:
    scenario = Scenario(
        volumes=(ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(1000)),),
        channels=(Channel.PHONE,),
        languages=("en", "zh"),
        region="US",
    )
    home = context(load_ratecard("US"))
    found = {d.code: d for d in destinations(scenario.model_copy(), home)}
    assert found["US"].location == "onshore" and found["US"].ctx.shift_hours == 0
    assert found["LATAM"].location == "nearshore"
    assert found["PH"].location == "offshore"
    assert found["CN"].serves_languages and not found["PH"].serves_languages
    assert shift_hours("America/New_York", "Asia/Manila") == 13
    assert location_of("DE", load_ratecard("PL")) == "nearshore"


def _scenario(contacts: int, **fields: object) -> Scenario:
    base: dict[str, object] = {
        "volumes": (
            ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(contacts)),
            ChannelVolume(channel=Channel.EMAIL, contacts_per_month=Decimal(contacts // 3 + 1)),
        ),
        "channels": (Channel.PHONE, Channel.EMAIL),
        "languages": ("en",),
        "region": "US",
        "coverage": Coverage(preset=HoursPreset.EXTENDED),
    }
    base.update(fields)
    return Scenario.model_validate(base)


def test_the_outsourced_model_names_what_it_shows_and_lists_the_rest() -> None:
    result = estimate(_scenario(20_000), analysis=False)
    cost = result.models[DeliveryModel.OUTSOURCED]
    assert cost.kind == "dedicated" and cost.choice == "choice.dedicated_fills_minimum"
    chosen = [option for option in cost.options if option.chosen]
    assert len(chosen) == 1 and chosen[0].monthly_total == cost.monthly_total
    assert {option.destination for option in cost.options} >= {"US", "PH", "IN", "LATAM"}
    onshore = [o for o in cost.options if o.location == "onshore"]
    assert {o.kind for o in onshore} == {"dedicated", "shared"}
    shared = estimate(_scenario(20_000, outsourcing=OutsourcingKind.SHARED), analysis=False)
    assert shared.models[DeliveryModel.OUTSOURCED].kind == "shared"
    assert shared.models[DeliveryModel.OUTSOURCED].fte == 0
    assert shared.models[DeliveryModel.OUTSOURCED].equivalent_fte > 0
    home = estimate(_scenario(20_000, destination="US"), analysis=False)
    assert home.models[DeliveryModel.OUTSOURCED].destination == "US"


def test_commission_is_priced_only_with_a_value_and_never_chosen() -> None:
    plain = estimate(_scenario(2000), analysis=False).models[DeliveryModel.OUTSOURCED]
    assert all(option.billing != "commission" for option in plain.options)
    valued = estimate(_scenario(2000, value_per_success=Decimal(50)), analysis=False)
    options = valued.models[DeliveryModel.OUTSOURCED].options
    commission = [o for o in options if o.billing == "commission"]
    assert commission and not any(o.chosen for o in commission)


def test_cost_per_contact_and_minute_are_the_total_over_the_work() -> None:
    result = estimate(_scenario(9000), analysis=False)
    contacts = 9000 + 3001
    minutes = 9000 * 6 + 3001 * 5
    for cost in result.models.values():
        assert cost.cost_per_contact == (cost.monthly_total / contacts).quantize(Decimal("0.01"))
        assert cost.cost_per_minute == (cost.monthly_total / minutes).quantize(Decimal("0.001"))


@pytest.mark.parametrize(
    "hours", [HoursPreset.BUSINESS, HoursPreset.EXTENDED, HoursPreset.TWENTY_FOUR_SEVEN]
)
def test_no_split_carries_two_floors(hours: HoursPreset) -> None:
    """The kept part never needs more people than the whole; hours split between the two
    sides staff exactly what the whole did (no hour floored twice)."""
    scenario = _scenario(3000, coverage=Coverage(preset=hours), languages=("en", "es"))
    inputs = staffing_inputs(scenario, load_ratecard("US"))
    planner = Planner(scenario, inputs)
    whole = planner.plan(scenario.volumes)
    splits = planned_splits(planner, whole, tier1_share=0.65)
    assert splits, "every scenario here has a split"
    for name, split in splits.items():
        assert split.kept.fte <= whole.fte + 1e-9, name
    if "after_hours" in splits:
        both = splits["after_hours"].kept.fte + splits["after_hours"].given.fte
        assert both == pytest.approx(whole.fte, rel=1e-9)
    tier = splits["tier1"]
    assert all(not team.live for team in tier.kept.teams)  # escalations are worked as tickets


@settings(max_examples=20, deadline=None)
@given(
    contacts=st.integers(min_value=200, max_value=40_000),
    step=st.floats(min_value=1.05, max_value=2.0),
    hours=st.sampled_from(
        [HoursPreset.BUSINESS, HoursPreset.EXTENDED, HoursPreset.TWENTY_FOUR_SEVEN]
    ),
)
def test_partial_never_costs_less_for_more_work(
    contacts: int, step: float, hours: HoursPreset
) -> None:
    low = estimate(_scenario(contacts, coverage=Coverage(preset=hours)), analysis=False)
    high = estimate(
        _scenario(int(contacts * step), coverage=Coverage(preset=hours)), analysis=False
    )
    assert (
        high.models[DeliveryModel.PARTIAL].monthly_total
        >= low.models[DeliveryModel.PARTIAL].monthly_total
    )


@pytest.mark.parametrize("contacts", [2534, 2600, 2700, 2787, 3000])
def test_a_dedicated_bill_never_falls_with_more_work(contacts: int) -> None:
    """Found by the volume property: an IT chat desk in the UK fell from 14,527.00 to
    14,526.88 at 10% more chats, because the seat bill's night surcharge was a share of the
    hours needed (falling as daytime work grew) on seats that stayed the same."""

    def outsourced(n: int) -> Decimal:
        scenario = Scenario(
            kind=SupportKind.IT_HELPDESK,
            volumes=(ChannelVolume(channel=Channel.CHAT, contacts_per_month=Decimal(n)),),
            channels=(Channel.CHAT,),
            languages=("en",),
            region="UK",
        )
        return estimate(scenario, analysis=False).models[DeliveryModel.OUTSOURCED].monthly_total

    assert outsourced(int(contacts * 1.1)) >= outsourced(contacts)


def test_pricing_is_deterministic() -> None:
    scenario = _scenario(5000, languages=("en", "es"))
    assert estimate(scenario).to_json() == estimate(scenario).to_json()


@pytest.mark.parametrize("region", ["US", "UK", "DE", "PL", "CN", "PH", "IN", "LATAM"])
def test_every_region_prices_every_model(region: str) -> None:
    result = estimate(_scenario(4000, region=region), analysis=False)
    for cost in result.models.values():
        assert cost.monthly_total > 0
        assert cost.monthly_total == sum(item.amount for item in cost.line_items)
