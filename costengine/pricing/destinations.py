"""Where outsourced support can be bought: every region with a rate card, seen from the customer.

Seed 001 names the provider's location as the first cost driver, and a business can buy from
another country than its own as long as the provider covers its languages and hours. Each
region's providers are priced with that region's own card (its hourly rates, seat prices,
per-minute prices, premiums), converted to the user's currency with the estimate's one table:

- **onshore**: the customer's own region (always a candidate; other languages at a premium);
- **nearshore**: a region whose card lists the customer's region in ``nearshore_for``;
- **offshore**: any other region.

A destination "serves the languages" when its providers serve every language of the scenario
(``region.provider_languages``). A provider abroad works the customer's hours on its own clock:
``shift_hours`` moves the customer's local week onto the provider's, so night and weekend
premiums apply where they are paid (Manila's night shift for a New York day). The offset is
taken on a fixed date (15 January 2025, noon UTC), so estimates stay deterministic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from costengine.pricing.common import PricingContext
from costengine.pricing.outsourced import Destination
from costengine.ratecard import RateCard, available_regions, load_ratecard
from costengine.scenario import Scenario

__all__ = ["PROVIDER_RATE_ENTRIES", "destinations", "location_of", "shift_hours"]

_REFERENCE = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)

#: Entries a "provider rate" change scales (every destination's prices).
PROVIDER_RATE_ENTRIES: tuple[str, ...] = (
    "outsourced.agent_hour",
    "outsourced.agent_hour_it",
    "outsourced.seat_month",
    "outsourced.per_minute",
    "outsourced.per_minute_overage",
    "outsourced.per_email",
    "outsourced.per_chat",
    "outsourced.chat_package_month",
    "outsourced.chat_overage",
    "outsourced.minute_packages",
    "outsourced.chat_packages",
    "outsourced.per_contact",
    "outsourced.base_fee_month",
    "outsourced.it_per_user_month",
    "outsourced.it_per_ticket",
)


def shift_hours(customer_zone: str, provider_zone: str) -> int:
    """Whole hours from the customer's local clock to the provider's, on the fixed date."""
    customer = _REFERENCE.astimezone(ZoneInfo(customer_zone)).utcoffset()
    provider = _REFERENCE.astimezone(ZoneInfo(provider_zone)).utcoffset()
    if customer is None or provider is None:  # pragma: no cover - zoneinfo always answers
        return 0
    return round((provider - customer).total_seconds() / 3600)


def location_of(customer_region: str, provider: RateCard) -> str:
    if provider.code == customer_region:
        return "onshore"
    if customer_region in provider.region.nearshore_for:
        return "nearshore"
    return "offshore"


def destinations(
    scenario: Scenario, home: PricingContext, provider_scale: Decimal | None = None
) -> tuple[Destination, ...]:
    """Every region's providers for ``scenario``, onshore first; ``home`` is the customer's
    own pricing context (its card carries the user's overrides, if any)."""
    customer = home.card.code
    zone = scenario.coverage.timezone
    if zone == "UTC":  # not given: the customer's region's own zone
        zone = home.card.region.timezone
    found: list[Destination] = []
    for code in (customer, *(c for c in available_regions() if c != customer)):
        card = home.card if code == customer else load_ratecard(code)
        if provider_scale is not None:
            card = card.scaled(PROVIDER_RATE_ENTRIES, provider_scale)
        location = location_of(customer, card)
        shift = 0 if location == "onshore" else shift_hours(zone, card.region.timezone)
        serves = all(lang in card.region.provider_languages for lang in scenario.languages)
        if code == customer or provider_scale is not None:
            ctx = home.at(card, shift)
        else:  # a built-in card abroad: its context, and what it keeps, serves every estimate
            ctx = _abroad(home, card, shift)
        found.append(Destination(ctx=ctx, location=location, serves_languages=serves))
    return tuple(found)


#: Contexts of built-in cards abroad, by what they depend on (the card is the built-in one of
#: its code; a context reads its scenario for the kind of support alone).
_ABROAD: dict[tuple[object, ...], PricingContext] = {}
_ABROAD_MAX = 512


def _abroad(home: PricingContext, card: RateCard, shift: int) -> PricingContext:
    key = (
        card.code,
        home.fx.date,
        home.currency,
        home.it,
        home.weeks_per_month,
        home.shrinkage,
        home.paid_hours_per_fte_week,
        shift,
    )
    found = _ABROAD.get(key)
    if found is None:
        if len(_ABROAD) >= _ABROAD_MAX:
            _ABROAD.clear()
        found = _ABROAD[key] = home.at(card, shift)
    return found
