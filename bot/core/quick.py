"""The one-line estimate: ``/estimate 8 agents phone,chat en,zh 24/7 US``.

A tolerant reader for people in a hurry: the parts may come in any order, in English,
Polish or Chinese words (``/estimate 12 tys. połączeń/mies. telefon po polsku całodobowo
Polska``, ``/estimate 8名客服 电话 中文 全天 中国``), lists may use commas, and whatever is
missing is filled with a stated default whose key is reported in
:attr:`QuickRequest.defaults_used` (question ids: ``"kind"``, ``"channels"``,
``"languages"``, ``"hours"``, ``"region"``, ``"timezone"``, ``"currency"``,
``"service_level"``), so the reply can say what was assumed. Only the size is required: a
team size ("8 agents") or a monthly volume ("12000 calls/month").

Words nobody knows are not silently dropped: the reader names them back, with the grammar
example, in the user's language (:class:`~bot.core.errors.QuickParseError`). The same
reader interprets typed "what if ..." follow-ups (:func:`read_fields`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from pydantic import JsonValue, ValidationError

from bot.core.actions import result_actions
from bot.core.answers import default_timezone, scenario_from_answers
from bot.core.cldr import zone_territory
from bot.core.errors import CoreError, ParseError, QuickParseError
from bot.core.locales import normalize_locale
from bot.core.parsing import clean, find_numbers, parse_service_level, plain_text, rounded
from bot.core.questions import question
from bot.core.regions import known_regions, region_facts
from bot.core.replies import QuickResult, Rejection
from bot.core.vocab import norm, vocabulary
from costengine.errors import EngineError
from costengine.results import Estimate
from costengine.scenario import Channel, HoursPreset, Scenario

if TYPE_CHECKING:
    pass

__all__ = [
    "DEFAULT_REGIONS",
    "Fields",
    "QuickRequest",
    "parse_quick",
    "quick_reply",
    "read_fields",
    "volume_answers",
]

#: The region assumed when none is named, by the user's locale.
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
    "filler",
    "region",
    "language",
    "timezone",
)
_MAX_WORD = 40
_SL = re.compile(r"([5-9][0-9](?:[.,][0-9]+)?)\s*%?\s*/\s*([0-9]{1,4})")
_PERCENT = re.compile(r"([5-9][0-9](?:[.,][0-9]+)?)\s*%")
_SPLIT = re.compile(r"(?<![0-9]),|,(?![0-9])|[;、]")
_LATIN = re.compile(r"[a-z]")


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


def _segment(text: str, raw: str, siblings: int, unknown: list[str]) -> list[_Token]:
    """Split glued text ("8名客服", "每月12000通电话", "calls/month") into known pieces."""
    hits = _lookup(text)
    if hits:
        return [_Token(raw, hits, siblings=siblings)]
    special = _SL.fullmatch(text) or _PERCENT.fullmatch(text)
    if special:
        return [_Token(raw, level=parse_service_level(text), siblings=siblings)]
    tokens: list[_Token] = []
    numbers = {number.start: number for number in find_numbers(text)}
    index = 0
    pending = ""
    while index < len(text):
        number = numbers.get(index)
        if number is not None:
            if number.negative:
                raise QuickParseError("error.negative")
            tokens.append(_Token(text[number.start : number.end], number=number.value))
            index = number.end
            continue
        for end in range(min(len(text), index + _MAX_WORD), index, -1):
            piece = text[index:end]
            if piece.strip() != piece or not _lookup(piece):
                continue
            glued_before = _LATIN.match(piece[0]) and index and _LATIN.match(text[index - 1])
            glued_after = _LATIN.match(piece[-1]) and end < len(text) and _LATIN.match(text[end])
            if glued_before or glued_after:
                continue
            if pending.strip():
                unknown.append(pending.strip())
            pending = ""
            tokens.append(_Token(piece, _lookup(piece), siblings=siblings))
            index = end
            break
        else:
            if text[index] not in "-/ ":
                pending += text[index]
            elif pending.strip():
                unknown.append(pending.strip())
                pending = ""
            index += 1
    if pending.strip():
        unknown.append(pending.strip())
    return tokens


def _tokens(text: str) -> tuple[list[_Token], list[str]]:
    cleaned = clean(text)
    cleaned = re.sub(r"^/\S+\s*", "", cleaned)  # the "/estimate@bot" command itself
    cleaned = re.sub(r"(?<=[0-9]) (?=[0-9]{3}(?![0-9]))", "", cleaned)  # "12 000"
    words = cleaned.split()
    unknown: list[str] = []
    tokens: list[_Token] = []
    index = 0
    while index < len(words):
        matched = False
        for size in (4, 3, 2):
            phrase = words[index : index + size]
            if len(phrase) == size and not any(_SPLIT.search(w) for w in phrase[:-1]):
                hits = _lookup(_prepared(" ".join(phrase).rstrip(",;、")))
                if hits:
                    tokens.append(_Token(" ".join(phrase), hits))
                    index += size
                    matched = True
                    break
        if matched:
            continue
        items = [item for item in _SPLIT.split(words[index]) if item]
        for item in items:
            tokens.extend(_segment(_prepared(item), item, len(items) - 1, unknown))
        index += 1
    return tokens, unknown


def _prepared(text: str) -> str:
    normed = norm(text)
    if normed.isascii():
        return normed
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in normed
    )


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
    """What one line said, before defaults: ``None``/empty means "not mentioned"."""

    kind: str | None = None
    channels: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    region: str | None = None
    hours: str | None = None
    timezone: str | None = None
    currency: str | None = None
    service_level: dict[str, float | int] | None = None
    team_size: Decimal | None = None
    volumes: list[tuple[str | None, Decimal]] = field(default_factory=list)
    current_cost: Decimal | None = None

    def empty(self) -> bool:
        return self == Fields()


def _set(current: str | None, new: str, what: str) -> str:
    if current is not None and current != new:
        raise QuickParseError("quick.conflict", {"what": what})
    return new


_PERIODS = {"month": Decimal(1), "week": Decimal(52) / 12, "year": Decimal(1) / 12}


def read_fields(text: str) -> Fields:
    """Everything a line says it wants. Raises :class:`QuickParseError` for words nobody
    knows, contradictions ("US ... UK") and numbers without a meaning."""
    try:
        tokens, unknown = _tokens(text)
    except QuickParseError:
        raise
    except ParseError as exc:
        raise QuickParseError(exc.key, exc.params) from exc
    if unknown:
        raise QuickParseError("quick.unknown_words", {"words": ", ".join(unknown[:5])[:120]})
    fields = Fields()
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
            index = _read_number(tokens, index, fields)
            continue
        hit = _choose(token)
        index += 1
        if hit is None or hit.group in ("filler", "unit", "period", "multiplier"):
            continue
        if hit.group == "channel":
            if hit.value not in fields.channels:
                fields.channels.append(hit.value)
        elif hit.group == "language":
            if hit.value not in fields.languages:
                fields.languages.append(hit.value)
        elif hit.group == "region":
            if hit.value.startswith("?"):
                raise QuickParseError(
                    "error.unknown_region",
                    {"value": token.raw[:40], "known": ", ".join(known_regions())},
                )
            fields.region = _set(fields.region, hit.value, token.raw)
        elif hit.group == "hours":
            fields.hours = _set(fields.hours, hit.value, token.raw)
        elif hit.group == "kind":
            fields.kind = _set(fields.kind, hit.value, token.raw)
        elif hit.group == "currency":
            fields.currency = _set(fields.currency, hit.value, token.raw)
        elif hit.group == "timezone":
            fields.timezone = _set(fields.timezone, hit.value, token.raw)
    return fields


def _read_number(tokens: list[_Token], index: int, fields: Fields) -> int:
    """A number and the words right after it: "8 agents", "12000 calls/month", "50k USD"."""
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
    while position < len(tokens) and position <= index + 4:
        hit = _choose(tokens[position])
        if tokens[position].number is not None or tokens[position].level is not None:
            break
        if hit is None:
            break
        if hit.group == "multiplier" and position == index + 1:
            value *= {"thousand": 1000, "ten_thousand": 10_000, "million": 1_000_000}.get(
                hit.value, 100_000_000
            )
        elif hit.group == "unit" and meaning is None:
            meaning = "team" if hit.value == "team" else "volume"
        elif hit.group == "channel" and channel is None and meaning != "team":
            channel = hit.value
            meaning = "volume"
            if hit.value not in fields.channels:
                fields.channels.append(hit.value)
        elif hit.group == "period" and period is None:
            period = hit.value
            meaning = meaning or "volume"
            position += 1
            break  # "12k contacts/month phone,email": a period ends the phrase
        elif hit.group == "currency" and meaning is None:
            currency = hit.value
            meaning = "cost"
        elif hit.group != "filler":
            break
        position += 1
    if meaning is None and period is not None:
        meaning = "volume"
    if meaning is None:
        raise QuickParseError("quick.bare_number", {"value": token.raw[:20]})
    if meaning == "team":
        if fields.team_size is not None:
            raise QuickParseError("quick.conflict", {"what": token.raw[:20]})
        fields.team_size = value
    elif meaning == "cost":
        fields.current_cost = value
        fields.currency = fields.currency or currency
    else:
        if period == "day":
            raise QuickParseError("error.per_day")
        factor = _PERIODS.get(period or "month", Decimal(1))
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
    """A parsed one-line request: the scenario, the defaults it filled in, and the same
    request as conversation answers (so it can be refined step by step)."""

    scenario: Scenario
    defaults_used: tuple[str, ...]
    answers: dict[str, JsonValue]


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


def parse_quick(text: str, locale: str) -> QuickRequest:
    """Read a one-line request; raises :class:`QuickParseError` (message in ``locale``)."""
    locale = normalize_locale(locale)
    fields = read_fields(text)
    if fields.empty():
        raise QuickParseError("quick.empty")
    if fields.team_size is None and not fields.volumes:
        raise QuickParseError("quick.no_size")
    if fields.team_size is not None and fields.volumes:
        raise QuickParseError("quick.both_sizes")
    defaults: list[str] = []

    def default(name: str, value: JsonValue) -> JsonValue:
        defaults.append(name)
        return value

    if fields.region is None and fields.timezone is not None:
        fields.region = _zone_region(fields.timezone)
    channels = fields.channels or [str(default("channels", Channel.PHONE.value))]
    answers: dict[str, JsonValue] = {
        "kind": fields.kind or default("kind", "customer_service"),
        "region": fields.region or default("region", DEFAULT_REGIONS[locale]),
        "channels": list[JsonValue](channels),
        "languages": list[JsonValue](fields.languages)
        or default("languages", list[JsonValue]([locale])),
        "hours": fields.hours or default("hours", "business"),
    }
    if fields.hours == "custom":
        raise QuickParseError("quick.unknown_words", {"words": "custom"})
    answers["timezone"] = fields.timezone or default("timezone", default_timezone(answers))
    answers["currency"] = fields.currency
    if fields.currency is None:
        defaults.append("currency")
    answers["service_level"] = (
        dict[str, JsonValue](fields.service_level)
        if fields.service_level
        else default("service_level", None)
    )
    answers["current_cost"] = (
        None if fields.current_cost is None else _answer("current_cost", fields.current_cost)
    )
    if fields.team_size is not None:
        answers.update(sizing="team", team_size=_answer("team_size", fields.team_size))
    else:
        volumes, _ = volume_answers(fields, channels)
        answers.update(sizing="volume", aht_mode=None, **volumes)
        if any(channel is None for channel, _ in fields.volumes) and len(channels) > 1:
            defaults.append("volume")  # one total, split evenly across the channels
    for channel in channels:
        if fields.team_size is None and f"volume_{channel}" not in answers:
            raise QuickParseError("quick.missing_volume", {"value": channel})
    try:
        scenario = scenario_from_answers(answers)
    except (ValidationError, CoreError) as exc:
        raise QuickParseError("quick.no_size") from exc
    return QuickRequest(scenario, tuple(defaults), answers)


Estimator = Callable[[Scenario], Estimate]


def _default_estimator(scenario: Scenario) -> Estimate:
    from costengine.estimate import estimate

    return estimate(scenario)


def quick_reply(
    text: str, locale: str, *, estimator: Estimator | None = None
) -> tuple[QuickResult | Rejection, Estimate | None]:
    """Parse and estimate a one-line request: a :class:`QuickResult` and its estimate, or on
    a bad line a :class:`Rejection` that ends with the grammar example (and no estimate)."""
    try:
        request = parse_quick(text, locale)
        result = (estimator or _default_estimator)(request.scenario)
    except QuickParseError as exc:
        return Rejection(exc.key, dict(exc.params), grammar=True), None
    except EngineError as exc:
        return Rejection("error.ratecard", {"reason": str(exc)[:200]}, grammar=True), None
    around_the_clock = result.scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN
    actions = result_actions(around_the_clock=around_the_clock)
    return QuickResult(result, request.defaults_used, actions), result
