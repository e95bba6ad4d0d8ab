"""Regions, currencies and rate-card defaults as the conversation sees them.

The engine owns the facts (which regions have a rate card, each region's currency, the
default handle times, the currencies it can convert); this module only asks it and adds what
a conversation needs on top, from ``regions.toml``: how people name a region (a CLDR
territory Babel can translate, member countries) and which time zones to offer.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from bot.core.cldr import territory_zones
from costengine.money import known_currencies
from costengine.ratecard import available_regions, load_ratecard
from costengine.scenario import Channel

__all__ = [
    "RegionFacts",
    "default_aht_seconds",
    "known_currency_codes",
    "known_regions",
    "region_facts",
    "stand_in_region",
]


@dataclass(frozen=True, slots=True)
class RegionFacts:
    code: str  # the rate-card region code, e.g. "UK"
    territory: str  # CLDR territory for localized names, e.g. "GB"
    members: tuple[str, ...]  # other CLDR territories that map to this region
    zones: tuple[str, ...]  # IANA zones to offer, the default first
    currency: str  # the region's own currency


@cache
def _extras() -> dict[str, dict[str, object]]:
    text = files("bot.core").joinpath("regions.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def known_regions() -> tuple[str, ...]:
    """Region codes with a rate card, in the order buttons show them."""
    engine = available_regions()
    preferred = [code for code in _extras() if code in engine and code != "stand_in"]
    return tuple(preferred + [code for code in engine if code not in preferred])


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


@cache
def region_facts(code: str) -> RegionFacts:
    """What the conversation knows about a known region (``code`` from :func:`known_regions`)."""
    extra = _extras().get(code, {})
    territory = str(extra.get("territory", code))
    zones = _strings(extra.get("zones"))
    if not zones:
        zones = tuple(sorted(territory_zones().get(territory, ("UTC",))))[:4]
    return RegionFacts(
        code=code,
        territory=territory,
        members=_strings(extra.get("members")),
        zones=zones,
        currency=load_ratecard(code).currency,
    )


def stand_in_region(continent: str) -> str:
    """The card that prices a country without one, by its continent (``regions.toml``)."""
    table = _extras().get("stand_in", {})
    code = str(table.get(continent, "US")) if isinstance(table, dict) else "US"
    return code if code in known_regions() else known_regions()[0]


@cache
def known_currency_codes() -> tuple[str, ...]:
    """Currencies the engine can convert to, sorted."""
    return known_currencies()


@cache
def default_aht_seconds(channel: Channel, region: str) -> int:
    """The rate card's handle time for ``channel`` in ``region`` (shown as the default)."""
    return int(load_ratecard(region).value(f"planning.aht_{channel.value}_seconds"))
