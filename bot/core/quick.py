"""The one-line estimate: "we get 2000 tickets a month, email only, 24/7, Philippines".

A reader that finds what it can and ignores the rest. People describe their support in an
ordinary sentence, in English, Polish or Chinese, in any order; the reader picks out:

- numbers with their units: a team ("2 support reps", "2.5 people", "两名客服"), volumes per
  channel and period ("2000 tickets a month", "12 tys. połączeń/mies.", "每月五千通电话"),
  employees an IT desk supports ("300 employees"), today's cost ("$40k");
- channels, languages, the kind of support, hours (presets, "9 to 5", "Mon-Sat 8-18",
  "pon-pt 8-16", "每天9点到21点"), currency and service level;
- places (:mod:`bot.core.places`): a word is a place after a cue ("in Ohio", "w Krakowie",
  "在北京") or when it cannot be anything else (a country, a US state, a big city); the
  place sets the rate card and the time zone; "outsource … to/in X" names the provider's
  destination (and, as the only place given, where the business is too);
- how the team works: "separate phone and chat teams", "bilingual agents", "dedicated
  agents"/"pay per use".

Words nobody knows are skipped (:attr:`Fields.ignored`), never an error. What the line said
comes back as a :class:`~bot.core.replies.Reading` ("I read: ..."), so the user sees how it
was understood. Only two things are essential: a place and a size (team, volume or users);
:func:`read_request` says which are missing, and the conversation then asks just those.
:func:`parse_quick` is the stateless form (Telegram inline, shared Slack messages): it never
asks, so a missing place takes the locale's default region, stated.

The same reader interprets typed "what if ..." follow-ups (:func:`read_fields`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from pydantic import JsonValue, ValidationError

from bot.core.actions import result_actions
from bot.core.answers import default_timezone, scenario_from_answers
from bot.core.cldr import zone_territory
from bot.core.commands import command_from_text
from bot.core.errors import CoreError, ParamValue, ParseError, QuickParseError
from bot.core.events import Command
from bot.core.locales import normalize_locale
from bot.core.parsing import (
    cjk_numerals,
    clean,
    find_numbers,
    parse_service_level,
    parse_windows,
    plain_text,
    rounded,
)
from bot.core.places import (
    POLISH_CUES,
    Place,
    card_for,
    find_place,
    polish_nominatives,
    zone_abbreviation,
)
from bot.core.questions import question
from bot.core.regions import known_regions, region_facts
from bot.core.replies import QuickNeeds, QuickResult, Reading
from bot.core.vocab import norm, vocabulary
from costengine.errors import EngineError
from costengine.results import Estimate
from costengine.scenario import Channel, HoursPreset, Scenario

__all__ = [
    "DEFAULT_REGIONS",
    "Fields",
    "QuickRequest",
    "goes_on_as_conversation",
    "parse_quick",
    "quick_command",
    "quick_reply",
    "read_fields",
    "read_request",
    "volume_answers",
]

#: The region assumed when none is named and nobody can be asked, by the user's locale.
DEFAULT_REGIONS = {"en": "US", "pl": "PL", "zh": "CN"}

#: Vocabulary groups a one-line request may use, in the order ambiguities are settled.
_GROUPS = (
    "hours",
    "channel",
    "kind",
    "unit",
    "period",
    "multiplier",
    "currency",
    "range",
    "place_cue",
    "outsource",
    "pooling",
    "agent_languages",
    "outsourcing",
    "numeral",
    "filler",
    "weekday",
    "dayset",
    "region",
    "language",
    "timezone",
)
_MAX_WORD = 40
_SL = re.compile(r"([5-9][0-9](?:[.,][0-9]+)?)\s*%?\s*/\s*([0-9]{1,4})")
_PERCENT = re.compile(r"([5-9][0-9](?:[.,][0-9]+)?)\s*%")
_SPLIT = re.compile(r"(?<![0-9]),|,(?![0-9])|[;、]|\+")
_LATIN = re.compile(r"[a-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_COMMAND = re.compile(r"^(/[a-z_]+)(?:@\S+)?\s*|^(--quick)\s*", re.IGNORECASE)
#: A big city is a place without a cue ("10 agents, Berlin"); smaller ones need "in".
_UNCUED_CITY_POPULATION = 1_000_000
_NAMED_CITY_POPULATION = 200_000
#: Days per month a daily count stands for: every day (24/7) or working days.
_DAYS_PER_MONTH = {"24x7": Decimal("30.4"), "weekdays": Decimal("21.7")}


@dataclass(frozen=True, slots=True)
class _Hit:
    group: str
    value: str
    explicit: bool


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str  # as typed (case kept: "PL" is a region, "pl" a language)
    hits: tuple[_Hit, ...] = ()
    number: Decimal | None = None
    level: dict[str, float | int] | None = None  # a service level ("80/20", "85%")
    siblings: int = 0  # other items in the same comma list
    places: tuple[Place, ...] = ()  # a place ("Ohio", "w Krakowie", "北京")
    cue: str | None = None  # the cue before the place: "at" or "to"
    zones: tuple[str, ...] = ()  # a zone abbreviation's meanings ("PST", "IST")
    timezone_of_place: bool = False  # "北京时间": the place's time, not the place


@cache
def _combined() -> dict[str, tuple[_Hit, ...]]:
    vocab = vocabulary()
    found: dict[str, list[_Hit]] = {}
    for group in _GROUPS:
        for word, value in vocab.table(group).items():
            found.setdefault(word, []).append(_Hit(group, value, vocab.is_explicit(group, word)))
    return {word: tuple(hits) for word, hits in found.items()}


def _lookup(normed: str) -> tuple[_Hit, ...]:
    return _combined().get(normed, ())


def _prepared(text: str) -> str:
    normed = norm(text)
    if normed.isascii():
        return normed
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in normed
    )


def _known_word(normed: str) -> bool:
    """A word the vocabularies give another meaning ("chat", "reading" is not one)."""
    return any(hit.group != "timezone" and hit.group != "region" for hit in _lookup(normed))


def _acceptable(
    found: tuple[Place, ...], phrase: str, *, cued: bool, named: bool = False
) -> tuple[Place, ...]:
    """The places a phrase may be: any after a cue; without one only what cannot be read
    another way (a country, a US state or a big city, never a word the reader knows);
    ``named``: written with a capital inside the sentence, a mid-sized city counts too."""
    if not found:
        return ()
    if cued:
        return () if _known_word(phrase) else found
    if _known_word(phrase) or (len(phrase) < 4 and not _HAN.search(phrase)):
        return ()
    best = found[0]
    if best.kind in ("country", "state") or best.population >= _UNCUED_CITY_POPULATION:
        return found
    if named and best.population >= _NAMED_CITY_POPULATION:
        return found
    return ()


def _place_forms(phrase: str, polish: bool) -> list[str]:
    forms = [phrase, phrase.removeprefix("the ")]
    if polish:
        last = phrase.rsplit(" ", 1)[-1]
        head = phrase[: len(phrase) - len(last)]
        forms.extend(head + nominative for nominative in polish_nominatives(last))
    return forms


def _place_at(words: list[str], index: int, cue: str | None) -> tuple[tuple[Place, ...], int]:
    """The place starting at ``words[index]`` (up to three words) and its length."""
    named = index > 0 and words[index][:1].isupper() and not words[index].isupper()
    polish = cue is not None and norm(cue) in POLISH_CUES
    for size in (3, 2, 1):
        phrase_words = words[index : index + size]
        if len(phrase_words) < size or any(_SPLIT.search(w) for w in phrase_words[:-1]):
            continue
        phrase = _prepared(" ".join(phrase_words).rstrip(",;.!?、"))
        if not phrase or any(ch.isdigit() for ch in phrase):
            continue
        for form in _place_forms(phrase, polish):
            found = _acceptable(find_place(form), form, cued=cue is not None, named=named)
            if found:
                return found, size
    return (), 0


def _cue(word: str) -> str | None:
    for hit in _lookup(_prepared(word)):
        if hit.group == "place_cue":
            return hit.value
    return None


def _segment(text: str, raw: str, siblings: int, ignored: list[str]) -> list[_Token]:
    """Split glued text ("8名客服", "每月12000通电话", "calls/month", "在北京") into known
    pieces; pieces nobody knows go to ``ignored``."""
    hits = _lookup(text)
    if hits:
        return [_Token(raw, hits, siblings=siblings)]
    special = _SL.fullmatch(text) or _PERCENT.fullmatch(text)
    if special:
        return [_Token(raw, level=parse_service_level(text), siblings=siblings)]
    tokens: list[_Token] = []
    numbers = {number.start: number for number in find_numbers(text, multipliers=False)}
    index = 0
    pending = ""
    while index < len(text):
        number = numbers.get(index)
        if number is not None:
            if number.negative:
                raise QuickParseError("error.negative")
            if pending.strip():
                ignored.append(pending.strip())
            pending = ""
            tokens.append(_Token(text[number.start : number.end], number=number.value))
            index = number.end
            continue
        matched = _piece_at(text, index)
        if matched is not None:
            token, end = matched
            if pending.strip():
                ignored.append(pending.strip())
            pending = ""
            tokens.append(token)
            index = end
            continue
        if text[index] == "-" and tokens and _rangeable(tokens[-1]):
            tokens.append(_Token("-", _lookup("-")))
        elif text[index] not in "-/ ":
            pending += text[index]
        elif pending.strip():
            ignored.append(pending.strip())
            pending = ""
        index += 1
    if pending.strip():
        ignored.append(pending.strip())
    return tokens


def _rangeable(token: _Token) -> bool:
    """A "-" after this token joins a range ("8-18", "mon-sat")."""
    return token.number is not None or any(h.group == "weekday" for h in token.hits)


def _piece_at(text: str, index: int) -> tuple[_Token, int] | None:
    """The longest known word (or Chinese place name) starting at ``text[index]``."""
    for end in range(min(len(text), index + _MAX_WORD), index, -1):
        piece = text[index:end]
        if piece.strip() != piece:
            continue
        glued_before = _LATIN.match(piece[0]) and index and _LATIN.match(text[index - 1])
        glued_after = _LATIN.match(piece[-1]) and end < len(text) and _LATIN.match(text[end])
        if glued_before or glued_after:
            continue
        if _HAN.match(piece) and len(piece) >= 2:
            places = _acceptable(find_place(piece), piece, cued=False)
            explicit = any(hit.explicit for hit in _lookup(piece))
            if places and not explicit:
                if text.startswith("时间", end):
                    return _Token(piece, places=places, timezone_of_place=True), end + 2
                return _Token(piece, places=places), end
        found = _lookup(piece)
        if found:
            return _Token(piece, found), end
    return None


#: A 12-hour clock time: "9am", "6 pm", "9:00 a.m.", "12pm" (minutes only when ":00").
_TWELVE_HOUR = re.compile(
    r"(?<![0-9:])(1[0-2]|0?[1-9])(?::00)?\s*([ap])\.?m\.?(?![a-z])", re.IGNORECASE
)


def _on_the_clock(found: re.Match[str]) -> str:
    """A 12-hour time as the hour on a 24-hour clock, marked as a time of day ("h"), so
    "9am-6pm" reads as 9-18 (and "9am-6pm phone" is hours, not a count of phones)."""
    hour = int(found.group(1)) % 12
    if found.group(2).lower() == "p":
        hour += 12
    return f"{hour} h"


def _tokens(text: str) -> tuple[list[_Token], list[str], str | None]:
    """The tokens of a line, the words skipped, and the command it started with."""
    cleaned = cjk_numerals(clean(text))
    command_match = _COMMAND.match(cleaned)
    command = None
    if command_match:
        command = (command_match.group(1) or command_match.group(2)).lower()
        cleaned = cleaned[command_match.end() :]
    cleaned = re.sub(r"(?<=[0-9]) (?=[0-9]{3}(?![0-9]))", "", cleaned)  # "12 000"
    cleaned = _TWELVE_HOUR.sub(_on_the_clock, cleaned)  # "9am-6pm" -> "9 h-18 h"
    words = cleaned.split()
    ignored: list[str] = []
    tokens: list[_Token] = []
    index = 0
    cue: str | None = None
    cue_word: str | None = None
    while index < len(words):
        word = words[index]
        if cue is not None:
            places, size = _place_at(words, index, cue_word)
            if size:
                tokens.append(_Token(" ".join(words[index : index + size]), places=places, cue=cue))
                index += size
                cue = cue_word = None
                continue
        cue = cue_word = None
        zones = zone_abbreviation(word.strip(",;.")) if word.strip(",;.").isupper() else ()
        if zones:
            tokens.append(_Token(word, zones=zones))
            index += 1
            continue
        matched = False
        for size in (4, 3, 2):
            phrase = words[index : index + size]
            if len(phrase) == size and not any(_SPLIT.search(w) for w in phrase[:-1]):
                hits = _lookup(_prepared(" ".join(phrase).rstrip(",;、")))
                if hits and any(hit.group != "place_cue" for hit in hits):
                    tokens.append(_Token(" ".join(phrase), hits))
                    index += size
                    matched = True
                    break
        if matched:
            continue
        found_cue = _cue(word)
        if found_cue is not None:
            cue, cue_word = found_cue, word
            tokens.append(_Token(word, _lookup(_prepared(word))))
            index += 1
            continue
        single = _prepared(word.strip(",;.!?"))
        if not any(hit.explicit for hit in _lookup(single)):
            places, size = _place_at(words, index, None)
            if size:
                tokens.append(_Token(" ".join(words[index : index + size]), places=places))
                index += size
                continue
        items = [item for item in _SPLIT.split(word) if item]
        for item in items:
            tokens.extend(_segment(_prepared(item), item, len(items) - 1, ignored))
        index += 1
    return [_numeral(token) for token in tokens], ignored, command


def _numeral(token: _Token) -> _Token:
    """A number written as a word ("two", "dwóch") as the number it is."""
    for hit in token.hits:
        if hit.group == "numeral" and hit.explicit:
            return _Token(token.raw, number=Decimal(hit.value), siblings=token.siblings)
    return token


def _choose(token: _Token) -> _Hit | None:
    """Which meaning of an ambiguous word: "PL" is Poland, "pl" Polish, "it" IT support."""
    hits = token.hits
    if not hits:
        return None
    letters = [ch for ch in token.raw if ch.isalpha()]
    if letters and token.raw.isupper() and len(token.raw) <= 6:
        for hit in hits:
            if hit.group == "region":
                return hit
    explicit = [hit for hit in hits if hit.explicit]
    if explicit:
        return min(explicit, key=lambda hit: _GROUPS.index(hit.group))
    derived_order = ("language", "currency", "region", "timezone")
    ranked = [hit for hit in hits if hit.group in derived_order]
    if ranked:
        return min(ranked, key=lambda hit: derived_order.index(hit.group))
    return hits[0]


@dataclass
class Fields:
    """What one line said, before defaults: ``None``/empty means "not mentioned".

    ``channels`` are the channels the line lists; a channel named only as a volume's unit
    ("8000 calls") is in ``volumes`` alone, so a what-if about calls keeps the chats.
    """

    kind: str | None = None
    channels: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    region: str | None = None
    hours: str | list[list[int]] | None = None
    timezone: str | None = None
    currency: str | None = None
    service_level: dict[str, float | int] | None = None
    team_size: Decimal | None = None
    volumes: list[tuple[str | None, Decimal]] = field(default_factory=list)
    current_cost: Decimal | None = None
    users: Decimal | None = None
    pooling: str | None = None
    agent_languages: str | None = None
    outsourcing: str | None = None
    destination: str | None = None
    #: Zones an ambiguous abbreviation may mean ("IST"): asked, never guessed.
    zone_choices: tuple[str, ...] = ()
    #: How places were read, for the reading: (catalogue key, parameters).
    notes: list[tuple[str, dict[str, ParamValue]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    command: str | None = None
    volume_channels: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        meaningful = Fields(
            notes=self.notes, ignored=self.ignored, command=self.command, zone_choices=()
        )
        return self == meaningful and not self.zone_choices


def _set(current: str | None, new: str, what: str) -> str:
    if current is not None and current != new:
        raise QuickParseError("quick.conflict", {"what": what})
    return new


#: Groups whose words mean nothing on their own (they qualify a number or a place).
_NO_MEANING_ALONE = frozenset(
    {"filler", "unit", "period", "multiplier", "range", "place_cue", "numeral", "weekday", "dayset"}
)

_PERIODS = {"month": Decimal(1), "week": Decimal(52) / 12, "year": Decimal(1) / 12}


@dataclass
class _PlaceSeen:
    place: Place | None  # None: a rate-card region named by its code or word ("UK", "PL")
    region: str
    cue: str | None
    raw: str
    zone: str | None


def read_fields(text: str) -> Fields:
    """Everything a line says it wants. Unknown words are skipped (``Fields.ignored``);
    :class:`QuickParseError` only for contradictions ("8 agents ... 12 agents") and input no
    answer may contain (emoji, control characters, a negative count)."""
    try:
        tokens, ignored, command = _tokens(text)
    except QuickParseError:
        raise
    except ParseError as exc:
        raise QuickParseError(exc.key, exc.params) from exc
    fields = Fields(ignored=ignored, command=command)
    seen: list[_PlaceSeen] = []
    outsourcing = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.level is not None:
            if fields.service_level is not None:
                raise QuickParseError("quick.conflict", {"what": token.raw})
            fields.service_level = token.level
            index += 1
            continue
        if token.number is not None:
            window = _hours_at(tokens, index)
            if window is not None:
                end, hours, days_given = window
                fields.hours = hours
                if not days_given:
                    fields.notes.append(("reading.weekdays_assumed", {}))
                index = end
                continue
            index = _read_number(tokens, index, fields)
            continue
        if token.zones:
            if len(token.zones) == 1:
                fields.timezone = _set(fields.timezone, token.zones[0], token.raw)
            else:
                fields.zone_choices = token.zones
                fields.notes.append(("reading.zone_ambiguous", {"value": token.raw[:10]}))
            index += 1
            continue
        if token.places:
            place = token.places[0]
            if token.timezone_of_place:
                fields.timezone = _set(fields.timezone, place.zone, token.raw)
            else:
                card = card_for(place)
                zone = place.zone if place.kind != "country" else None
                seen.append(_PlaceSeen(place, card.region, token.cue, token.raw, zone))
            index += 1
            continue
        hit = _choose(token)
        index += 1
        if hit is None:
            continue
        group = hit.group
        if group in _NO_MEANING_ALONE:
            continue
        if group == "channel":
            if hit.value not in fields.channels:
                fields.channels.append(hit.value)
        elif group == "language":
            if not _a_language(token, hit):
                continue
            if hit.value not in fields.languages:
                fields.languages.append(hit.value)
        elif group == "region":
            if hit.value.startswith("?"):
                places = find_place(token.raw)
                country = [p for p in places if p.kind == "country"]
                if country:
                    seen.append(
                        _PlaceSeen(country[0], card_for(country[0]).region, None, token.raw, None)
                    )
                continue
            previous = tokens[index - 2] if index >= 2 else None
            cue = _cue(previous.raw) if previous is not None else None
            seen.append(_PlaceSeen(None, hit.value, cue, token.raw, None))
        elif group == "hours":
            fields.hours = _set(_hours_key(fields.hours), hit.value, token.raw)
        elif group == "kind":
            fields.kind = _set(fields.kind, hit.value, token.raw)
        elif group == "currency":
            fields.currency = _set(fields.currency, hit.value, token.raw)
        elif group == "timezone":
            fields.timezone = _set(fields.timezone, hit.value, token.raw)
        elif group == "outsource":
            outsourcing = True
        elif group == "pooling":
            fields.pooling = hit.value
        elif group == "agent_languages":
            fields.agent_languages = hit.value
        elif group == "outsourcing":
            fields.outsourcing = hit.value
    _settle_places(fields, seen, outsourcing)
    return fields


def _a_language(token: _Token, hit: _Hit) -> bool:
    """A bare ISO code is a language only in a list ("en,zh") or when it is one of the
    usual ones: "hi" is a greeting before it is Hindi."""
    from bot.core.questions import LANGUAGE_BUTTONS

    if hit.explicit or len(_prepared(token.raw)) > 3 or _prepared(token.raw) != hit.value:
        return True
    return token.siblings > 0 or hit.value in LANGUAGE_BUTTONS


def _hours_key(value: str | list[list[int]] | None) -> str | None:
    return value if isinstance(value, str) or value is None else "custom"


def _is_range(token: _Token) -> bool:
    return any(hit.group == "range" for hit in token.hits)


def _is_hour(token: _Token) -> bool:
    number = token.number
    return number is not None and number == number.to_integral_value() and 0 <= number <= 24


def _day_text(token: _Token) -> str | None:
    """The token as (part of) a day expression, or None."""
    if any(hit.group in ("range",) for hit in token.hits):
        return "-"
    for hit in token.hits:
        if hit.group in ("weekday", "dayset"):
            return token.raw
    normed = _prepared(token.raw)
    vocab = vocabulary()
    if vocab.get("weekday", normed) is not None or vocab.get("dayset", normed) is not None:
        return token.raw
    return None


_CLOCK = frozenset({"点", "時", "时", "h", "godz", "godz."})


def _hours_at(tokens: list[_Token], index: int) -> tuple[int, str | list[list[int]], bool] | None:
    """Opening hours at ``tokens[index]``: "8-18", "9 to 5", "Mon-Sat 8-18", "每天9点到21点".
    Returns the index after them, the hours (a preset when they equal one) and whether days
    were given."""
    first = tokens[index]
    if not _is_hour(first):
        return None
    position = index + 1
    clock = False
    if position < len(tokens) and _prepared(tokens[position].raw) in _CLOCK:
        position, clock = position + 1, True
    if position >= len(tokens) or not _is_range(tokens[position]):
        return None
    position += 1
    if position >= len(tokens) or not _is_hour(tokens[position]):
        return None
    second = tokens[position]
    position += 1
    if position < len(tokens) and _prepared(tokens[position].raw) in _CLOCK:
        position, clock = position + 1, True
    following = _choose(tokens[position]) if position < len(tokens) else None
    if not clock and following is not None and following.group in ("unit", "channel", "period"):
        return None  # "3-4 agents" is a count, not hours
    assert first.number is not None and second.number is not None
    start, end = int(first.number), int(second.number)
    if end <= start and start <= 12 and end + 12 > start:
        end += 12  # "9 to 5", "9-6": afternoon
    days: list[str] = []
    back = index - 1
    while back >= 0:
        piece = _day_text(tokens[back])
        if piece is None:
            break
        days.insert(0, piece)
        back -= 1
    while days and days[0] == "-":
        days.pop(0)
    if not days:  # the days may follow the hours: "8am-8pm Mon-Sat"
        after = position
        while after < len(tokens) and (piece := _day_text(tokens[after])) is not None:
            days.append(piece)
            after += 1
        while days and days[-1] == "-":
            days.pop()
            after -= 1
        if days:
            position = after
    days_text = " ".join(days) if days else "mon-fri"
    try:
        windows = parse_windows(f"{days_text} {start}-{end}")
    except ParseError:
        return None
    if windows == [[day, 9, 17] for day in range(5)]:
        return position, HoursPreset.BUSINESS.value, bool(days)
    return position, windows, bool(days)


def _settle_places(fields: Fields, seen: list[_PlaceSeen], outsourcing: bool) -> None:
    """Where the business is (region and zone) and, when outsourcing is named, where the
    provider is. One place with "outsource" serves as both, and the reading says so."""
    if not seen:
        return
    destination: _PlaceSeen | None = None
    home = [item for item in seen if not (outsourcing and item.cue == "to")]
    if outsourcing:
        targets = [item for item in seen if item.cue == "to"]
        if targets:
            destination = targets[-1]
        elif len(seen) == 1:
            destination = seen[0]
            fields.notes.append(("reading.both_places", {"place": destination.raw[:40]}))
        elif len(seen) > 1:
            destination = seen[-1]
            home = seen[:-1]
    if not home and destination is not None:
        home = [destination]
        fields.notes.append(("reading.both_places", {"place": destination.raw[:40]}))
    regions = {item.region for item in home}
    if len(regions) > 1:
        raise QuickParseError("quick.conflict", {"what": home[1].raw[:40]})
    main = home[0]
    fields.region = _set(fields.region, main.region, main.raw)
    for item in home:
        if item.zone and fields.timezone is None:
            fields.timezone = item.zone
        if item.place is not None and card_for(item.place).stand_in:
            fields.notes.append(
                ("reading.stand_in", {"place": item.raw[:40], "region": item.region})
            )
    if destination is not None:
        fields.destination = destination.region


def _read_number(tokens: list[_Token], index: int, fields: Fields) -> int:
    """A number and the words right after it: "8 agents", "12000 calls/month", "50k USD",
    "2 support reps" (a word nobody knows or the kind of support may stand between)."""
    token = tokens[index]
    assert token.number is not None
    value = token.number
    period: str | None = None
    before = _choose(tokens[index - 1]) if index else None
    channel: str | None = None
    meaning: str | None = None
    currency: str | None = None
    if before is not None and before.group == "period":
        period = before.value
    elif before is not None and before.group == "currency":
        currency, meaning = before.value, "cost"  # "$40k", "€ 25 000"
    position = index + 1
    skipped = 0
    while position < len(tokens) and position <= index + 5:
        following = tokens[position]
        hit = _choose(following)
        if following.number is not None or following.level is not None or following.places:
            break
        if hit is None:
            break
        if hit.group == "multiplier" and position == index + 1:
            value *= {"thousand": 1000, "ten_thousand": 10_000, "million": 1_000_000}.get(
                hit.value, 100_000_000
            )
        elif hit.group == "unit" and meaning is None:
            meaning = {"team": "team", "users": "users"}.get(hit.value, "volume")
        elif hit.group == "channel" and channel is None and meaning not in ("team", "users"):
            channel = hit.value
            meaning = "volume"
            if hit.value not in fields.volume_channels:
                fields.volume_channels.append(hit.value)
        elif hit.group == "period" and period is None:
            period = hit.value
            meaning = meaning or "volume"
            position += 1
            break  # "12k contacts/month phone,email": a period ends the phrase
        elif hit.group == "currency" and meaning is None:
            currency = hit.value
            meaning = "cost"
        elif hit.group == "kind" and meaning is None and skipped < 2:
            skipped += 1  # "2 support reps", "3 IT people"
        elif hit.group != "filler":
            break
        position += 1
    if meaning is None and period is not None:
        meaning = "volume"
    if meaning is None:
        fields.ignored.append(token.raw[:20])  # a number nobody can place is skipped
        return index + 1
    if meaning == "team":
        if fields.team_size is not None:
            raise QuickParseError("quick.conflict", {"what": token.raw[:20]})
        fields.team_size = value
    elif meaning == "users":
        fields.users = value
    elif meaning == "cost":
        fields.current_cost = value
        fields.currency = fields.currency or currency
    else:
        factor = _PERIODS.get(period or "month", Decimal(1))
        if period == "day":
            around = fields.hours == HoursPreset.TWENTY_FOUR_SEVEN.value
            factor = _DAYS_PER_MONTH["24x7" if around else "weekdays"]
            fields.notes.append(("reading.per_day", {"days": factor}))
        monthly = rounded(value * factor)
        fields.volumes.append((channel, monthly))
    return position


def _answer(question_id: str, value: Decimal) -> JsonValue:
    """A number the line gave, as the answer the question's own parser makes of it: its
    range and form are checked there, once; a refusal keeps its reason and gains the
    grammar example."""
    try:
        return question(question_id).parse(plain_text(value))
    except ParseError as exc:
        raise QuickParseError(exc.key, exc.params) from exc


@dataclass(frozen=True, slots=True)
class QuickRequest:
    """A parsed one-line request: the scenario, the defaults it filled in, the same
    request as conversation answers (so it can be refined step by step) and how the line
    was read."""

    scenario: Scenario
    defaults_used: tuple[str, ...]
    answers: dict[str, JsonValue]
    reading: Reading


@dataclass(frozen=True, slots=True)
class Request:
    """A line read for the conversation: ``answers`` (what it said, with stated defaults
    for what is not essential), ``missing`` essentials ("region", "size", "timezone" for
    an ambiguous abbreviation) and the :class:`Reading`."""

    answers: dict[str, JsonValue]
    defaults_used: tuple[str, ...]
    missing: tuple[str, ...]
    reading: Reading
    command: str | None


def _zone_region(zone: str) -> str | None:
    territory = zone_territory(zone)
    for code in known_regions():
        facts = region_facts(code)
        if territory in (facts.territory, *facts.members):
            return code
    return None


def volume_answers(fields: Fields, channels: list[str]) -> tuple[dict[str, JsonValue], list[str]]:
    """Per-channel volume answers: a volume without a channel goes to the channel(s) that
    have none, split evenly (rounded up)."""
    found: dict[str, Decimal] = {}
    generic: list[Decimal] = []
    for channel, amount in fields.volumes:
        if channel is None:
            generic.append(amount)
        else:
            found[channel] = found.get(channel, Decimal(0)) + amount
    if len(generic) > 1:
        raise QuickParseError("quick.conflict", {"what": str(generic[1])})
    if generic:
        open_channels = [channel for channel in channels if channel not in found]
        if not open_channels:
            raise QuickParseError("quick.volume_without_channel", {"value": str(generic[0])})
        share = rounded(generic[0] / len(open_channels))
        for channel in open_channels:
            found[channel] = max(share, Decimal(1))
    answers: dict[str, JsonValue] = {}
    for channel, amount in found.items():
        answers[f"volume_{channel}"] = _answer(f"volume_{channel}", amount)
    return answers, [channel for channel in channels if channel in found]


#: Question ids a reading lists, in this order, when the line gave them.
_READ_ORDER = (
    "kind",
    "team_size",
    "users",
    "channels",
    "volume_phone",
    "volume_chat",
    "volume_email",
    "volume_social",
    "languages",
    "agent_languages",
    "pooling",
    "hours",
    "region",
    "timezone",
    "destination",
    "outsourcing",
    "currency",
    "service_level",
    "current_cost",
)


def read_request(text: str, locale: str) -> Request:
    """Read a line for the conversation (never raises for words it does not know)."""
    locale = normalize_locale(locale)
    fields = read_fields(text)
    defaults: list[str] = []
    given: list[str] = []

    def default(name: str, value: JsonValue) -> JsonValue:
        defaults.append(name)
        return value

    if fields.region is None and fields.timezone is not None:
        fields.region = _zone_region(fields.timezone)
    volume_channels = [c for c in fields.volume_channels if c not in fields.channels]
    channels = [*fields.channels, *volume_channels]
    if fields.users is not None and fields.kind is None:
        fields.kind = "it_helpdesk"
        fields.notes.append(("reading.users_it", {}))
    answers: dict[str, JsonValue] = {
        "kind": fields.kind or default("kind", "customer_service"),
        "channels": list[JsonValue](channels or [str(default("channels", Channel.PHONE.value))]),
        "languages": list[JsonValue](fields.languages)
        or default("languages", list[JsonValue]([locale])),
        "hours": _hours_json(fields.hours) or default("hours", "business"),
    }
    for name, value in (
        ("kind", fields.kind),
        ("channels", channels),
        ("languages", fields.languages),
        ("hours", fields.hours),
    ):
        if value:
            given.append(name)
    if isinstance(answers["hours"], list):
        answers["hours_custom"] = answers["hours"]
        answers["hours"] = HoursPreset.CUSTOM.value
    missing: list[str] = []
    if fields.region is not None:
        answers["region"] = fields.region
        given.append("region")
    else:
        missing.append("region")
    if fields.timezone is not None:
        answers["timezone"] = fields.timezone
        given.append("timezone")
    elif fields.zone_choices and answers["hours"] != HoursPreset.TWENTY_FOUR_SEVEN.value:
        missing.append("timezone")
    elif fields.region is not None:
        answers["timezone"] = default("timezone", None)
    answers["currency"] = fields.currency
    if fields.currency is None:
        defaults.append("currency")
    else:
        given.append("currency")
    answers["service_level"] = (
        dict[str, JsonValue](fields.service_level)
        if fields.service_level
        else default("service_level", None)
    )
    if fields.service_level:
        given.append("service_level")
    answers["current_cost"] = (
        None if fields.current_cost is None else _answer("current_cost", fields.current_cost)
    )
    if fields.current_cost is not None:
        given.append("current_cost")
    for name in ("pooling", "agent_languages", "outsourcing", "destination"):
        value = getattr(fields, name)
        if value is not None:
            answers[name] = value
            given.append(name)
    if fields.team_size is not None and fields.volumes:
        raise QuickParseError("quick.both_sizes")
    if fields.team_size is not None:
        answers.update(sizing="team", team_size=_answer("team_size", fields.team_size))
        given.append("team_size")
    elif fields.volumes:
        volumes, _ = volume_answers(fields, [str(c) for c in _list(answers["channels"])])
        answers.update(sizing="volume", aht_mode=None, **volumes)
        given.extend(volumes)
        if any(channel is None for channel, _ in fields.volumes) and len(channels) > 1:
            defaults.append("volume")  # one total, split evenly across the channels
        for channel in _list(answers["channels"]):
            if f"volume_{channel}" not in answers:
                missing.append(f"volume_{channel}")
    elif fields.users is not None and answers["kind"] == "it_helpdesk":
        answers.update(sizing="users", users=_answer("users", fields.users))
        given.append("users")
    else:
        missing.append("size")
    if "agent_languages" not in answers and len(_list(answers["languages"])) > 1:
        answers["agent_languages"] = None  # everyone speaks them all: the stated default
    if "region" in missing and "timezone" not in missing:
        answers["timezone"] = None  # the region's own zone, once the region is known
    if answers["hours"] == HoursPreset.CUSTOM.value and "hours" in given:
        given[given.index("hours")] = "hours_custom"
    shown = tuple(
        name if name != "hours" or "hours_custom" not in given else "hours_custom"
        for name in (*_READ_ORDER, "hours_custom")
        if name in given
    )
    reading = Reading(
        answers=dict(answers),
        shown=shown,
        notes=tuple(fields.notes),
        ignored=tuple(dict.fromkeys(fields.ignored))[:8],
        zone_choices=fields.zone_choices,
    )
    return Request(answers, tuple(defaults), tuple(missing), reading, fields.command)


def _hours_json(hours: str | list[list[int]] | None) -> JsonValue:
    if isinstance(hours, list):
        return [list[JsonValue](window) for window in hours]
    return hours


def _list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def parse_quick(text: str, locale: str) -> QuickRequest:
    """Read a one-line request where nobody can be asked back (Telegram inline, a shared
    Slack message): a missing place takes the locale's region and an ambiguous zone the
    region's own, both stated; without a size there is nothing to price
    (:class:`QuickParseError` ``quick.no_size``, or ``quick.empty`` when nothing was read)."""
    locale = normalize_locale(locale)
    request = read_request(text, locale)
    if "size" in request.missing:
        nothing = not request.reading.shown
        raise QuickParseError("quick.empty" if nothing else "quick.no_size")
    for gap in request.missing:
        if gap.startswith("volume_"):
            raise QuickParseError("quick.missing_volume", {"value": gap.removeprefix("volume_")})
    answers = dict(request.answers)
    defaults = list(request.defaults_used)
    if "region" in request.missing:
        answers["region"] = DEFAULT_REGIONS[locale]
        defaults.append("region")
    if "timezone" in request.missing or "timezone" not in answers:
        answers["timezone"] = default_timezone(answers)
        defaults.append("timezone")
    try:
        scenario = scenario_from_answers(answers)
    except (ValidationError, CoreError) as exc:
        raise QuickParseError("quick.no_size") from exc
    reading = Reading(
        answers=dict(answers),
        shown=request.reading.shown,
        notes=request.reading.notes,
        ignored=request.reading.ignored,
        zone_choices=request.reading.zone_choices,
    )
    return QuickRequest(scenario, tuple(dict.fromkeys(defaults)), answers, reading)


Estimator = Callable[[Scenario], Estimate]


def _default_estimator(scenario: Scenario) -> Estimate:
    from costengine.estimate import estimate

    return estimate(scenario)


def command_of(text: str) -> str | None:
    """The command a line starts with ("/estimate", "/sourcewise", "--quick"), if any: the
    hints answer in the same syntax."""
    found = _COMMAND.match(text.strip())
    if not found:
        return None
    return (found.group(1) or found.group(2)).lower()


#: Commands a one-line request may be instead of a description ("/estimate list",
#: "/sourcewise delete my data"): they act on the user's saved estimates and data.
_LINE_COMMANDS = ("saved", "open", "delete", "forget")


def quick_command(text: str) -> Command | None:
    """The command a one-line request is, when it is one of :data:`_LINE_COMMANDS`
    ("/estimate list" -> ``Command("saved")``), else None."""
    rest = _COMMAND.sub("", text.strip(), count=1).strip()
    found = command_from_text(rest) if rest else None
    return found if found is not None and found.name in _LINE_COMMANDS else None


def goes_on_as_conversation(text: str, locale: str) -> bool:
    """Whether a one-line request, where the conversation can go on (a private chat, the
    terminal), becomes a turn of it rather than a one-off answer: it is a command about the
    saved estimates or the user's data ("/estimate list"), or it lacks something only the
    user can say (a place, a team size or a volume, a channel's volume, which of several
    zones) so the guided conversation opens with everything read filled in. A line refused
    outright is answered one-off, with the example."""
    if quick_command(text) is not None:
        return True
    try:
        request = read_request(text, locale)
    except QuickParseError:
        return False
    return bool(request.missing)


def quick_reply(
    text: str, locale: str, *, estimator: Estimator | None = None
) -> tuple[QuickResult | QuickNeeds, Estimate | None]:
    """Parse and estimate a one-line request: a :class:`QuickResult` (with its reading)
    and its estimate, or :class:`QuickNeeds` saying what was read and what is missing (or
    why the line was refused), with the example in the syntax the line used."""
    command = command_of(text)
    try:
        request = parse_quick(text, locale)
        result = (estimator or _default_estimator)(request.scenario)
    except QuickParseError as exc:
        reading = None
        if exc.key in ("quick.no_size", "quick.empty"):
            try:
                reading = read_request(text, locale).reading
            except ParseError:
                reading = None
        return QuickNeeds(exc.key, dict(exc.params), reading, command), None
    except EngineError as exc:
        return QuickNeeds("error.ratecard", {"reason": str(exc)[:200]}, None, command), None
    around_the_clock = result.scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN
    actions = result_actions(around_the_clock=around_the_clock)
    return QuickResult(result, request.defaults_used, actions, reading=request.reading), result
