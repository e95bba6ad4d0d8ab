"""The words the parsers understand, gathered once from data: catalogues, Babel, the engine.

People answer in their own words and often mix languages ("8 agentów, phone, 中文"), so every
vocabulary is the union over all locales: the ``words.<group>.<value>`` arrays of each
``conversation.toml``, plus what CLDR (through Babel) already knows in English, Polish and
Chinese: language names and autonyms, country names, currency names and symbols, weekday
names and city names of time zones. Nothing here is typed by hand in code.

Matching is done on :func:`norm`-alised text: NFKC, case-folded, accents dropped ("jezyk"
finds "język"), whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import available_timezones

from bot.core import cldr
from bot.core.catalogue import catalogue_table
from bot.core.cldr import autonym
from bot.core.locales import LOCALES
from bot.core.regions import known_currency_codes, known_regions, region_facts

__all__ = ["BABEL_LOCALES", "Match", "Vocabulary", "autonym", "norm", "vocabulary"]

#: Babel locales whose names we understand (the template locales).
BABEL_LOCALES: tuple[str, ...] = ("en", "pl", "zh_Hans")

_LATIN_EDGE = re.compile(r"[a-z0-9]")


def norm(text: str) -> str:
    """Comparable form of a word: NFKC, case-folded, accents dropped, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    bare = bare.replace("ł", "l").replace("ø", "o").replace("ß", "ss")
    return " ".join(unicodedata.normalize("NFC", bare).split())


@dataclass(frozen=True, slots=True)
class Match:
    """One vocabulary word found in a text: ``value`` at ``[start, end)`` of the normed text."""

    start: int
    end: int
    value: str
    word: str


@dataclass
class Vocabulary:
    """Word -> value tables, one per group ("channel", "hours", "language", "region"...)."""

    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Words typed into a catalogue on purpose (synonyms, labels), as opposed to words
    #: derived in bulk from CLDR (every ISO code and name): explicit words win ambiguities.
    explicit: dict[str, set[str]] = field(default_factory=dict)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def add(self, group: str, words: Iterable[str], value: str, *, explicit: bool = False) -> None:
        table = self.groups.setdefault(group, {})
        chosen = self.explicit.setdefault(group, set())
        for word in words:
            key = norm(word)
            if key and key not in table:  # first source wins: catalogue before Babel
                table[key] = value
                if explicit:
                    chosen.add(key)
        self._patterns.pop(group, None)

    def is_explicit(self, group: str, normed: str) -> bool:
        return normed in self.explicit.get(group, ())

    def table(self, group: str) -> Mapping[str, str]:
        return self.groups.get(group, {})

    def get(self, group: str, text: str) -> str | None:
        """The value whose word is exactly ``text`` (after :func:`norm`), if any."""
        return self.table(group).get(norm(text))

    def scan(self, group: str, normed: str) -> list[Match]:
        """Every word of ``group`` in an already normed text, longest first, no overlaps.

        Latin words must stand alone ("us" is not found in "business"); Chinese words are
        found inside longer runs, since Chinese does not put spaces between words.
        """
        pattern = self._pattern(group)
        if pattern is None:
            return []
        table = self.table(group)
        return [
            Match(m.start(), m.end(), table[m.group(0)], m.group(0))
            for m in pattern.finditer(normed)
        ]

    def _pattern(self, group: str) -> re.Pattern[str] | None:
        found = self._patterns.get(group)
        if found is None:
            words = sorted(self.table(group), key=lambda w: (-len(w), w))
            if not words:
                return None
            found = re.compile("|".join(_bounded(word) for word in words))
            self._patterns[group] = found
        return found


def _bounded(word: str) -> str:
    before = r"(?<![a-z0-9])" if _LATIN_EDGE.match(word[0]) else ""
    after = r"(?![a-z0-9])" if _LATIN_EDGE.match(word[-1]) else ""
    return f"{before}{re.escape(word)}{after}"


def _language_codes() -> list[str]:
    english = cldr.language_names("en")
    return sorted(
        code for code in english if code.isascii() and code.isalpha() and 2 <= len(code) <= 3
    )


def _section(locale: str, prefix: str) -> dict[str, str | tuple[str, ...]]:
    """Entries under ``prefix.`` keyed by the rest of the key (English fills gaps)."""
    dotted = prefix + "."
    merged: dict[str, str | tuple[str, ...]] = {}
    for candidate in dict.fromkeys((LOCALES[0], locale)):
        for key, entry in catalogue_table(candidate).items():
            if key.startswith(dotted):
                merged[key[len(dotted) :]] = entry
    return merged


def _add_catalogue(vocab: Vocabulary) -> None:
    for locale in LOCALES:
        for key, entry in _section(locale, "words").items():
            group, _, value = key.partition(".")
            if value:
                words = (entry,) if isinstance(entry, str) else entry
                vocab.add(group, words, value, explicit=True)


#: Vocabulary group that also receives a question's choice labels, when not the key itself.
_LABEL_GROUPS = {"channels": "channel"}


def _add_choice_labels(vocab: Vocabulary) -> None:
    """Button labels are answers too: typing "Customer service" picks that button."""
    for locale in LOCALES:
        for key, entry in _section(locale, "q").items():
            parts = key.split(".")
            if len(parts) == 3 and parts[1] == "choices" and isinstance(entry, str):
                group = _LABEL_GROUPS.get(parts[0], parts[0])
                vocab.add(group, [entry], parts[2], explicit=True)


def _add_languages(vocab: Vocabulary) -> None:
    codes = _language_codes()
    for code in codes:
        vocab.add("language", [code], code)
    for locale in BABEL_LOCALES:
        names = cldr.language_names(locale)
        for code in codes:
            if code in names:
                vocab.add("language", [names[code]], code)
    for identifier in cldr.locale_identifiers():
        if len(identifier) == 2 and identifier.isalpha():
            own = autonym(identifier)
            if own:
                vocab.add("language", [own], identifier)


def _add_regions(vocab: Vocabulary) -> None:
    for code in known_regions():
        facts = region_facts(code)
        vocab.add("region", [code, facts.territory], code)
        for locale in BABEL_LOCALES:
            territories = cldr.territory_names(locale)
            for territory in (facts.territory, *facts.members):
                if territory in territories:
                    vocab.add("region", [territories[territory]], code)
        vocab.add("region", facts.members, code)
    # Other countries are recognised too, so the user hears "no rate card for X" instead of
    # "what is X?": they map to the pseudo value "?<territory>".
    for locale in BABEL_LOCALES:
        for territory, name in cldr.territory_names(locale).items():
            if territory.isalpha():
                vocab.add("region", [name], f"?{territory}")


def _add_currencies(vocab: Vocabulary) -> None:
    for code in known_currency_codes():
        vocab.add("currency", [code], code)
        for locale in (*BABEL_LOCALES, "en_US", "zh_Hans_CN", "pl_PL", "en_GB", "en_IN"):
            names = cldr.currency_names(locale)
            if code in names:
                vocab.add("currency", [names[code]], code)
            symbol = cldr.currency_symbols(locale).get(code)
            if symbol and symbol != code:
                vocab.add("currency", [symbol], code)


def _add_weekdays(vocab: Vocabulary) -> None:
    for locale in BABEL_LOCALES:
        for index, name in cldr.weekday_names(locale):
            vocab.add("weekday", [name, name.rstrip(".")], str(index))


def _add_timezones(vocab: Vocabulary) -> None:
    zones = sorted(available_timezones())
    for zone in zones:
        vocab.add("timezone", [zone], zone)
    cities: dict[str, set[str]] = {}
    for zone in zones:
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            city = zone.rsplit("/", 1)[1].replace("_", " ")
            cities.setdefault(norm(city), set()).add(zone)
    for locale in BABEL_LOCALES:
        for zone, city in cldr.zone_cities(locale).items():
            if zone in zones:
                cities.setdefault(norm(city), set()).add(zone)
    for city, found in cities.items():
        if len(found) == 1:  # a city name that names two zones is not an answer
            vocab.add("timezone", [city], next(iter(found)))


@cache
def vocabulary() -> Vocabulary:
    """The process-wide vocabulary (built once from data; about a second)."""
    vocab = Vocabulary()
    _add_catalogue(vocab)
    _add_choice_labels(vocab)
    _add_languages(vocab)
    _add_regions(vocab)
    _add_currencies(vocab)
    _add_weekdays(vocab)
    _add_timezones(vocab)
    return vocab
