"""Round-number rate card and hand-built workloads, so pricing tests can be checked by hand.

The card is the US card overridden through a real user file (the same path a user takes), with
figures chosen so every line item is easy arithmetic: salary 1,000 USD, on-costs 50%,
shrinkage 50% and 40 paid hours (so FTE = agent-hours / 20), 4 weeks a month.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from costengine.money import fx_table
from costengine.pricing.common import PoolWork, PricingContext, Workload
from costengine.ratecard import RateCard, load_ratecard
from costengine.scenario import Channel, Scenario, SupportKind

SIMPLE_CARD = """
[inhouse.agent_salary_month]
typical = 1000
[inhouse.employer_load]
typical = 0.5
[inhouse.lead_span]
typical = 10
[inhouse.lead_span_it]
typical = 4
[inhouse.lead_salary_multiplier]
typical = 1.5
[inhouse.it_salary_multiplier]
typical = 2
[inhouse.qa_wfm_ratio]
typical = 0.1
[inhouse.attrition_annual]
typical = 0.6
[inhouse.cost_per_hire]
typical = 1200
[inhouse.training_days]
typical = 10
[inhouse.ramp_up_weeks]
typical = 4
[inhouse.ramp_up_productivity_loss]
typical = 0.5
[inhouse.night_premium]
typical = 0.2
[inhouse.weekend_premium]
typical = 0.1
[inhouse.language_premium]
typical = 0.25
[inhouse.workspace_seat_month]
typical = 100
[inhouse.software_agent_month]
typical = 50
[inhouse.build_one_time]
low = 36000
typical = 36000
high = 36000
unit = "USD/one-time"
[inhouse.amortisation_months]
typical = 36
[inhouse.platform_run_month]
low = 500
typical = 500
high = 500
unit = "USD/month"
[inhouse.device_maintenance_year]
low = 120
typical = 120
high = 120
unit = "USD/seat-year"
[inhouse.upgrades_per_year]
typical = 1
[inhouse.upgrade_cost]
low = 1200
typical = 1200
high = 1200
unit = "USD/upgrade"
[inhouse.support_calls_per_year]
low = 0
typical = 0
[telephony.inbound_minute]
typical = 0.01
[telephony.number_month]
typical = 2
[telephony.numbers_per_language]
typical = 1
[hosted.platform_seat_month]
typical = 100
[outsourced]
billing = "agent_hour"
[outsourced.agent_hour]
typical = 20
[outsourced.it_rate_multiplier]
typical = 2
[outsourced.night_multiplier]
typical = 1.5
[outsourced.weekend_multiplier]
typical = 2
[outsourced.language_premium]
typical = 0.1
[outsourced.setup_fee_months]
typical = 1.2
[outsourced.contract_months]
typical = 12
[outsourced.vendor_management_base_fte]
typical = 0.5
[outsourced.vendor_management_per_agent]
typical = 0.1
[outsourced.shared_occupancy]
typical = 0.8
[outsourced.per_minute]
typical = 1
[outsourced.per_email]
typical = 2
[outsourced.per_chat]
typical = 3
[planning.night_start_hour]
typical = 22
[planning.night_end_hour]
typical = 6
"""

HOURS = 168
BUSINESS = tuple(hour // 24 < 5 and 9 <= hour % 24 < 17 for hour in range(HOURS))
AHT = MappingProxyType(
    {Channel.PHONE: 360.0, Channel.CHAT: 600.0, Channel.EMAIL: 300.0, Channel.SOCIAL: 300.0}
)


#: Optional US entries added after this card was written: left out (unless a test's ``extra``
#: sets them) so that every figure of the round-number card stays checkable by hand.
_LATER_US_ENTRIES = (("inhouse", "agent_salary_month_it"), ("outsourced", "seat_month"))


def simple_card(tmp_path: Path, extra: str = "") -> RateCard:
    path = tmp_path / "simple.toml"
    path.write_text(SIMPLE_CARD + extra, encoding="utf-8")
    card = load_ratecard("US", path)
    for section, name in _LATER_US_ENTRIES:
        if f"[{section}.{name}]" not in extra:
            card = without(card, section, name)
    return card


def with_billing(card: RateCard, billing: str) -> RateCard:
    """The card with another ``outsourced.billing`` setting."""
    return card.model_copy(
        update={"outsourced": card.outsourced.model_copy(update={"billing": billing})}
    )


def without(card: RateCard, section: str, name: str) -> RateCard:
    """The card without an optional entry (e.g. ``outsourced.per_minute``)."""
    part = getattr(card, section)
    return card.model_copy(update={section: part.model_copy(update={name: None})})


def context(
    card: RateCard,
    *,
    currency: str = "USD",
    kind: SupportKind = SupportKind.CUSTOMER_SERVICE,
) -> PricingContext:
    scenario = Scenario(
        kind=kind, team_size=1, channels=(Channel.PHONE,), languages=("en",), region="US"
    )
    return PricingContext(
        card=card,
        fx=fx_table(),
        currency=currency,
        scenario=scenario,
        weeks_per_month=4.0,
        shrinkage=0.5,
        paid_hours_per_fte_week=40.0,
    )


def pool(
    agents: Sequence[float],
    *,
    language: str = "en",
    channels: dict[Channel, float] | None = None,
    contacts: Sequence[float] | None = None,
    busy: Sequence[float] | None = None,
    live: bool = True,
) -> PoolWork:
    assert len(agents) == HOURS
    return PoolWork(
        language=language,
        live=live,
        channel_shares=MappingProxyType(channels or {Channel.PHONE: 1.0}),
        agents=tuple(float(a) for a in agents),
        contacts=tuple(float(c) for c in (contacts or [10.0 * (a > 0) for a in agents])),
        busy=tuple(float(b) for b in (busy or [0.5 * a for a in agents])),
    )


def workload(*pools: PoolWork) -> Workload:
    return Workload(pools=tuple(pools), aht_seconds=AHT)


def business_pool(**kwargs: object) -> PoolWork:
    """One agent in each business hour (40 agent-hours a week, 10 calls an hour)."""
    return pool([1.0 if is_open else 0.0 for is_open in BUSINESS], **kwargs)  # type: ignore[arg-type]


def round_the_clock_pool(**kwargs: object) -> PoolWork:
    """One agent every hour of the week (168 agent-hours)."""
    return pool([1.0] * HOURS, **kwargs)  # type: ignore[arg-type]
