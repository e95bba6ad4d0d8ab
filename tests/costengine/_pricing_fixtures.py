"""Round-number rate card and hand-built workloads, so pricing tests can be checked by hand.

The card is the US card overridden through a real user file (the same path a user takes), with
figures chosen so every line item is easy arithmetic: salary 1,000 USD, on-costs 50%, 40 paid
hours and no absence (so FTE = on-shift hours / 40), 4 weeks a month, tools at round prices.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from costengine.money import fx_table
from costengine.pricing.common import PricingContext, Workload
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
[inhouse.supervision_threshold_fte]
typical = 8
[inhouse.qa_wfm_threshold_fte]
typical = 25
[inhouse.helpdesk_seat_month]
typical = 50
[inhouse.voip_seat_month]
low = 20
typical = 20
high = 20
unit = "USD/user-month"
[inhouse.device_month]
typical = 30
[inhouse.platform_build_min_seats]
typical = 25
[inhouse.it_tier2_salary_multiplier]
typical = 1.5
[inhouse.it_tier3_salary_multiplier]
typical = 2
[hosted.platform_seat_month_small]
typical = 80
[outsourced.vendor_management_share]
typical = 0.05
[outsourced.min_seats]
typical = 2
[outsourced.wrap_up_minutes]
typical = 1
[outsourced.it_per_user_month]
typical = 40
[outsourced.it_per_ticket]
typical = 30
"""

HOURS = 168
BUSINESS = tuple(hour // 24 < 5 and 9 <= hour % 24 < 17 for hour in range(HOURS))
AHT = MappingProxyType(
    {Channel.PHONE: 360.0, Channel.CHAT: 600.0, Channel.EMAIL: 300.0, Channel.SOCIAL: 300.0}
)


#: Optional US entries left out (unless a test's ``extra`` sets them) so that every figure
#: of the round-number card stays checkable by hand.
_LATER_US_ENTRIES = (
    ("inhouse", "agent_salary_month_it"),
    ("outsourced", "seat_month"),
    ("outsourced", "per_contact"),
    ("outsourced", "base_fee_month"),
    ("outsourced", "commission_rate"),
)


def simple_card(tmp_path: Path, extra: str = "") -> RateCard:
    path = tmp_path / "simple.toml"
    path.write_text(SIMPLE_CARD + extra, encoding="utf-8")
    card = load_ratecard("US", path)
    for section, name in _LATER_US_ENTRIES:
        if f"[{section}.{name}]" not in extra:
            card = without(card, section, name)
    return card.model_copy(
        update={
            "outsourced": card.outsourced.model_copy(
                update={"minute_packages": (), "chat_packages": ()}
            )
        }
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
        shrinkage=0.3,
        paid_hours_per_fte_week=40.0,
    )


def workload(
    present: Sequence[float],
    *,
    busy: Sequence[float] | None = None,
    contacts: dict[Channel, float] | None = None,
    languages: tuple[tuple[str, float], ...] = (("en", 1.0),),
    speaker_hours: dict[str, float] | None = None,
    tier_hours: dict[int, float] | None = None,
) -> Workload:
    """A workload by hand: people on shift per hour (40 paid hours, no absence: FTE =
    on-shift hours / 40), half of that busy unless told, 100 phone calls a week."""
    assert len(present) == HOURS
    people = tuple(float(p) for p in present)
    work = tuple(float(b) for b in (busy if busy is not None else [0.5 * p for p in people]))
    total = sum(people)
    return Workload(
        present=people,
        busy=work,
        contacts=MappingProxyType(contacts if contacts is not None else {Channel.PHONE: 100.0}),
        aht_seconds=AHT,
        speaker_hours=MappingProxyType(
            speaker_hours
            if speaker_hours is not None
            else {language: total for language, _ in languages}
        ),
        languages=languages,
        tier_hours=MappingProxyType(tier_hours or {1: sum(work)}),
        fte_divisor=40.0,
    )


def flat(people: float, mask: Sequence[bool] | None = None) -> list[float]:
    """``people`` on shift in every hour of ``mask`` (every hour of the week by default)."""
    return [people if (mask is None or mask[hour]) else 0.0 for hour in range(HOURS)]
