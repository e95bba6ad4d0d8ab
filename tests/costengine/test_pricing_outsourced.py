"""Outsourced pricing: billing models, surcharges, premiums, setup and vendor management."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costengine.pricing.outsourced import BILLING_MODELS, price_outsourced
from costengine.scenario import Channel, SupportKind
from tests.costengine._pricing_fixtures import (
    HOURS,
    business_pool,
    context,
    pool,
    round_the_clock_pool,
    simple_card,
    with_billing,
    without,
    workload,
)


def test_agent_hour_billing_by_hand(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    quote = price_outsourced(workload(business_pool()), ctx)
    assert quote is not None
    assert quote.billing == "agent_hour"
    assert {d.key: d.amount for d in quote.drafts} == {
        "provider_agent_hours": Decimal("3200.00"),  # 40 h x 4 weeks x 20
        "provider_setup": Decimal("320.00"),  # 3,200 x 1.2 months / 12
        "vendor_management": Decimal("1575.00"),  # (0.5 + 0.1 x 2 FTE) x 1,500 x 1.5
    }
    assert quote.total == Decimal("5095.00")
    assert quote.fte == 2.0


def test_every_priceable_billing_model_is_an_alternative(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    quote = price_outsourced(workload(business_pool()), ctx)
    assert quote is not None
    assert quote.alternatives == {
        "agent_hour": Decimal("5095.00"),
        # busy 20 h / 0.8 occupancy x 4 x 20 = 2,000; setup 200; (0.5 + 0.1 x 1.25) x 2,250
        "shared_hour": Decimal("3606.25"),
        # 9,600 minutes x 1; setup 960; (0.5 + 0.1 x 1 busy FTE) x 2,250
        "per_contact": Decimal("11910.00"),
    }
    assert set(quote.alternatives) <= set(BILLING_MODELS)


def test_auto_billing_takes_the_cheapest(tmp_path: Path) -> None:
    ctx = context(with_billing(simple_card(tmp_path), "auto"))
    quote = price_outsourced(workload(business_pool()), ctx)
    assert quote is not None
    assert quote.billing == "shared_hour"
    assert quote.total == min(quote.alternatives.values()) == Decimal("3606.25")
    assert quote.fte == 1.25  # busy FTE at the provider's pooled occupancy
    assert {d.key for d in quote.drafts} >= {"provider_shared_hours", "vendor_management"}


def test_nights_and_weekends_cost_the_higher_multiplier(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    quote = price_outsourced(workload(round_the_clock_pool()), ctx)
    assert quote is not None
    by_key = {d.key: d for d in quote.drafts}
    assert by_key["provider_agent_hours"].amount == Decimal("13440.00")  # 672 h x 20
    # weekday nights 40 h x 0.5 + weekend 48 h x (2 - 1) = 68 h a week
    assert by_key["provider_after_hours"].amount == Decimal("5440.00")
    assert by_key["provider_after_hours"].inputs["surcharge_hours"] == Decimal(272)


def test_language_premium_on_the_other_languages_share(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    quote = price_outsourced(workload(business_pool(), business_pool(language="de")), ctx)
    assert quote is not None
    premium = next(d for d in quote.drafts if d.key == "provider_language_premium")
    assert premium.amount == Decimal("320.00")  # 6,400 x half x 10%


def test_per_contact_billing_needs_every_channel_priced(tmp_path: Path) -> None:
    card = simple_card(tmp_path)
    social = pool([1.0] * HOURS, channels={Channel.SOCIAL: 1.0}, live=False)
    quote = price_outsourced(workload(social), context(with_billing(card, "per_contact")))
    assert quote is not None
    messages = next(d for d in quote.drafts if d.key == "provider_emails")
    assert messages.amount == Decimal("13440.00")  # 1,680 a week x 4 x 2 per message
    quote = price_outsourced(
        workload(business_pool()), context(without(card, "outsourced", "per_minute"))
    )
    assert quote is not None
    assert "per_contact" not in quote.alternatives


def test_named_billing_the_card_cannot_price_falls_back(tmp_path: Path) -> None:
    card = simple_card(tmp_path)
    card = card.model_copy(
        update={"outsourced": card.outsourced.model_copy(update={"billing": "seat_month"})}
    )
    quote = price_outsourced(workload(business_pool()), context(card))
    assert quote is not None
    assert quote.billing == "agent_hour"
    assert quote.notes == ("note.billing_fallback",)


def test_seat_month_with_minimum_seats(tmp_path: Path) -> None:
    extra = (
        '[outsourced.seat_month]\ntypical = 1000\nunit = "USD/seat-month"\n'
        "[outsourced.min_seats]\ntypical = 5\n"
    )
    card = simple_card(tmp_path, extra)
    card = card.model_copy(
        update={"outsourced": card.outsourced.model_copy(update={"billing": "seat_month"})}
    )
    quote = price_outsourced(workload(business_pool()), context(card))
    assert quote is not None
    seats = next(d for d in quote.drafts if d.key == "provider_seats")
    assert seats.inputs["seats"] == 5  # 2 heads, minimum 5
    assert seats.amount == Decimal("5000.00")


def test_chat_package_used_when_cheaper(tmp_path: Path) -> None:
    extra = (
        '[outsourced.chat_package_month]\ntypical = 100\nunit = "USD/month"\n'
        '[outsourced.chat_package_included]\ntypical = 50\nunit = "chats/month"\n'
        '[outsourced.chat_overage]\ntypical = 2\nunit = "USD/chat"\n'
    )
    card = with_billing(simple_card(tmp_path, extra), "per_contact")
    chats = pool([1.0] * HOURS, channels={Channel.CHAT: 1.0}, contacts=[0.1] * HOURS)
    quote = price_outsourced(workload(chats), context(card))
    assert quote is not None
    assert quote.notes == ("note.chat_package",)
    by_key = {d.key: d.amount for d in quote.drafts}
    # 67.2 chats a month: package 100 + 17.2 x 2 = 134.40, cheaper than 67.2 x 3 = 201.60
    assert by_key["provider_chats"] == Decimal("134.40")
    assert by_key["provider_setup"] == Decimal("13.44")
    assert by_key["vendor_management"] == Decimal("2070.00")  # (0.5 + 0.1 x 4.2) x 2,250
    few = pool([1.0] * HOURS, channels={Channel.CHAT: 1.0}, contacts=[2.5 / HOURS] * HOURS)
    quote = price_outsourced(workload(few), context(card))
    assert quote is not None
    assert quote.notes == ()  # 10 chats at 3 each beat the 100 package
    chats_item = next(d for d in quote.drafts if d.key == "provider_chats")
    assert chats_item.amount == Decimal("30.00")


def test_it_helpdesk_rate(tmp_path: Path) -> None:
    card = simple_card(tmp_path)
    quote = price_outsourced(workload(business_pool()), context(card, kind=SupportKind.IT_HELPDESK))
    assert quote is not None
    hours = next(d for d in quote.drafts if d.key == "provider_agent_hours")
    assert hours.amount == Decimal("12800.00")  # the US card cites an IT rate of 80/h
    assert hours.sources == ("outsourced.agent_hour_it",)
    generic = context(without(card, "outsourced", "agent_hour_it"), kind=SupportKind.IT_HELPDESK)
    quote = price_outsourced(workload(business_pool()), generic)
    assert quote is not None
    hours = next(d for d in quote.drafts if d.key == "provider_agent_hours")
    assert hours.amount == Decimal("6400.00")  # rate 20 x IT multiplier 2
    assert "outsourced.it_rate_multiplier" in hours.sources


def test_no_work_no_quote(tmp_path: Path) -> None:
    assert price_outsourced(workload(), context(simple_card(tmp_path))) is None
