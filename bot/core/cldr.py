"""The names CLDR knows (through Babel), as plain tables: the core's one door to Babel.

The core *reads* people's words; CLDR already knows how English, Polish and Chinese speakers
name languages, countries, currencies, weekdays and cities, so the parsers' vocabularies are
built from it instead of typed by hand. Formatting (numbers, money, dates for the user) is
the renderer's job and never happens here: this module hands out names only, as dicts and
tuples, and it is the only module of ``bot.core`` allowed to import ``babel`` (an
import-linter contract in ``pyproject.toml`` says so and fails the build otherwise).
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from functools import cache

from babel import Locale
from babel.core import UnknownLocaleError, get_global
from babel.localedata import locale_identifiers as _locale_identifiers
from babel.localedata import resolve_locale_filename

__all__ = [
    "autonym",
    "currency_names",
    "currency_symbols",
    "language_names",
    "locale_identifiers",
    "territory_names",
    "territory_zones",
    "weekday_names",
    "zone_cities",
    "zone_territory",
]


def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


@cache
def language_names(locale: str) -> Mapping[str, str]:
    """ISO 639 code -> the language's name in ``locale`` ("pl" -> "Polish")."""
    return {str(code): str(name) for code, name in _locale(locale).languages.items()}


@cache
def territory_names(locale: str) -> Mapping[str, str]:
    """CLDR territory -> its name in ``locale`` ("GB" -> "Wielka Brytania")."""
    return {str(code): str(name) for code, name in _locale(locale).territories.items()}


@cache
def currency_names(locale: str) -> Mapping[str, str]:
    """ISO 4217 code -> the currency's name in ``locale``."""
    return {str(code): str(name) for code, name in _locale(locale).currencies.items()}


@cache
def currency_symbols(locale: str) -> Mapping[str, str]:
    """ISO 4217 code -> the symbol ``locale`` writes ("PLN" -> "zł" in ``pl_PL``)."""
    return {str(code): str(name) for code, name in _locale(locale).currency_symbols.items()}


def weekday_names(locale: str) -> tuple[tuple[int, str], ...]:
    """Every name of every weekday in ``locale`` (wide, abbreviated, short; Monday = 0)."""
    days = _locale(locale).days
    return tuple(
        (int(index), str(name))
        for context in ("format", "stand-alone")
        for width in ("wide", "abbreviated", "short")
        for index, name in days[context][width].items()
    )


@cache
def zone_cities(locale: str) -> Mapping[str, str]:
    """IANA zone -> the exemplar city's name in ``locale`` ("Europe/Warsaw" -> "Warszawa")."""
    found: dict[str, str] = {}
    for zone, info in _locale(locale).time_zones.items():
        city = info.get("city")
        if city:
            found[str(zone)] = str(city)
    return found


def locale_identifiers() -> tuple[str, ...]:
    """Every locale CLDR ships data for."""
    return tuple(_locale_identifiers())


@cache
def territory_zones() -> Mapping[str, tuple[str, ...]]:
    """CLDR territory -> its IANA time zones."""
    table = get_global("territory_zones")
    return {str(territory): tuple(str(z) for z in zones) for territory, zones in table.items()}


def zone_territory(zone: str) -> str | None:
    """The CLDR territory an IANA zone belongs to, if CLDR knows it."""
    found = get_global("zone_territories").get(zone)
    return str(found) if found else None


def autonym(identifier: str) -> str | None:
    """A language's name for itself ("polski"), read from the locale's own CLDR file.

    Not through :class:`babel.Locale`: Babel keeps every locale it loads for the life of the
    process, and the ~160 languages' full data are over 100 MB a server would carry forever
    for one word each. Only a locale whose file lacks the name (``nb``, ``nn``: inherited
    from ``no``) is loaded the Babel way.
    """
    try:
        with open(resolve_locale_filename(identifier), "rb") as file:
            data = pickle.load(file)  # Babel's own data file, shipped with Babel
        own = data.get("languages", {}).get(identifier)
    except (OSError, pickle.UnpicklingError, ValueError, AttributeError):
        own = None
    if own:
        return str(own)
    try:
        inherited = _locale(identifier).languages.get(identifier)
    except UnknownLocaleError:  # pragma: no cover - CLDR lists only loadable locales
        return None
    return str(inherited) if inherited else None
