"""Pure parsers from what people type to answer values; a rejection is a :class:`ParseError`.

Every parser here is a function of its text alone (plus vocabularies built once from data),
never raises anything but :class:`ParseError`, and is fuzzed (``tests/core/test_fuzz.py``).
They read numbers the user's way:

- groups: ``1,000`` ``1 000`` (any space, incl. no-break) ``1.000.000`` ``12'000``;
- decimals: ``1.5`` and the Polish ``1,5`` (a comma followed by exactly three digits is a
  thousands separator, otherwise a decimal comma);
- multipliers: ``1.5k`` ``2m`` ``3 tys.`` ``2 mln`` ``1.2万``; full-width ``８`` and other
  scripts' digits;
- units around the number are allowed ("12000 calls/month", "8 agentów", "8人").

Anything with emoji or control characters, longer than :data:`MAX_CHARS`, empty, negative,
NaN/inf (never matched as a number) or out of the question's range is rejected with a
catalogue key that explains why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import ParseError
from bot.core.regions import known_currency_codes, known_regions
from bot.core.vocab import Match, norm, vocabulary
from costengine.limits import MAX_CONTACTS_PER_MONTH, MAX_MONTHLY_COST

__all__ = [
    "MAX_CHARS",
    "Number",
    "cjk_numerals",
    "clean",
    "find_numbers",
    "is_word",
    "parse_amount",
    "parse_choice",
    "parse_count",
    "parse_currency",
    "parse_duration",
    "parse_hours",
    "parse_money",
    "parse_multi",
    "parse_number",
    "parse_region",
    "parse_service_level",
    "parse_shares",
    "parse_timezone",
    "parse_volume",
    "parse_windows",
    "plain_text",
    "prepare",
    "rounded",
]

#: Longest answer accepted (a pasted document is not an answer).
MAX_CHARS = 500

_MULTIPLIERS = {
    "thousand": Decimal(1_000),
    "ten_thousand": Decimal(10_000),
    "million": Decimal(1_000_000),
    "hundred_million": Decimal(100_000_000),
}
_RUN = re.compile(r"[0-9](?:[ ,.'’]?[0-9])*")
_GROUPED = re.compile(r"([1-9][0-9]{0,2})([ ,.'’])([0-9]{3}(?:\2[0-9]{3})*)(?:([.,])([0-9]+))?")
_MINUS = "-−–"
_TRAILING = ".!?。！？:;"
_SPLIT = re.compile(r"\s*(?:[,;/、&+|\n]|\s(?:and|i|oraz|und|y|et)\s|和|及|与|跟)\s*")


def clean(text: str) -> str:
    """The text NFKC-normalised with whitespace collapsed, or a rejection for text that
    cannot be an answer: empty, too long, emoji/pictographs, control characters."""
    if len(text) > MAX_CHARS:
        raise ParseError("error.too_long", {"max": MAX_CHARS})
    text = unicodedata.normalize("NFKC", text)
    if len(text) > 2 * MAX_CHARS:
        raise ParseError("error.too_long", {"max": MAX_CHARS})
    for char in text:
        if char in "\t\n\r":
            continue
        category = unicodedata.category(char)
        code = ord(char)
        if (
            category in ("So", "Cs", "Co", "Cn", "Me")
            or (category == "Sk" and code > 0x7F)
            or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF
        ):
            raise ParseError("error.emoji")
        if category in ("Cc", "Cf", "Zl", "Zp"):
            raise ParseError("error.control")
    text = " ".join(text.split())
    if not text:
        raise ParseError("error.empty")
    return text


_CJK_NUMERAL = re.compile(
    r"(?<![周期拜第])([零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*)"
    r"(?=[个名位人通封次条])?"
)
_CJK_MAGNITUDE = re.compile("[十百千万亿]")
_CJK_MEASURE = "个名位人通封次条"


def _cjk_number(match: re.Match[str]) -> str:
    run = match.group(1)
    after = match.string[match.end() : match.end() + 1]
    if not _CJK_MAGNITUDE.search(run) and (not after or after not in _CJK_MEASURE):
        return run  # "周一", "一周": a lone digit is a number only before a measure word
    import cn2an  # a second to import; only Chinese numerals need it

    try:
        value = cn2an.cn2an(run, "smart")
    except (ValueError, KeyError, IndexError):
        return run
    return str(value)


def cjk_numerals(text: str) -> str:
    """Chinese numerals as digits ("五千" -> "5000", "两千五" -> "2500", "三个" -> "3个"),
    read with cn2an; weekday names ("周一") and lone digits without a measure word stay."""
    if text.isascii():
        return text
    return _CJK_NUMERAL.sub(_cjk_number, text)


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch
        for ch in cjk_numerals(text)
    )


def prepare(text: str) -> str:
    """:func:`clean`, then :func:`~bot.core.vocab.norm` and ASCII digits: what parsers read."""
    return _ascii_digits(norm(clean(text)))


@dataclass(frozen=True, slots=True)
class Number:
    value: Decimal
    start: int
    end: int  # after the multiplier, if any
    negative: bool = False


def _interpret(run: str) -> Decimal | None:
    if run.isdigit():
        return Decimal(run)
    simple = re.fullmatch(r"([0-9]+)([.,])([0-9]+)", run)
    if simple:
        before, sep, after = simple.groups()
        if sep == "," and len(after) == 3 and len(before) <= 3 and before[0] != "0":
            return Decimal(before + after)  # 1,000 and 12,000: thousands
        return Decimal(f"{before}.{after}")  # 1.5 and the Polish 1,5
    grouped = _GROUPED.fullmatch(run)
    if grouped:
        head, sep, groups, dec_sep, decimals = grouped.groups()
        if dec_sep is not None and dec_sep == sep:
            return None
        whole = head + groups.replace(sep, "")
        return Decimal(f"{whole}.{decimals}") if decimals else Decimal(whole)
    return None


def _multiplier_at(text: str, end: int) -> tuple[Decimal, int]:
    rest = text[end:]
    stripped = rest.lstrip(" ")
    if len(rest) - len(stripped) > 1:
        return Decimal(1), end
    offset = end + len(rest) - len(stripped)
    for match in vocabulary().scan("multiplier", stripped[:12]):
        if match.start == 0:
            return _MULTIPLIERS[match.value], offset + match.end
        break
    return Decimal(1), end


def find_numbers(text: str, *, multipliers: bool = True) -> list[Number]:
    """Every number in a :func:`prepare`-d text, read the user's way (see module doc)."""
    found: list[Number] = []
    for match in _RUN.finditer(text):
        pieces: list[tuple[str, int]] = [(match.group(0), match.start())]
        if _interpret(match.group(0)) is None:
            pieces = []
            position = match.start()
            for part in match.group(0).split(" "):
                pieces.append((part, position))
                position += len(part) + 1
        for piece, start in pieces:
            value = _interpret(piece)
            if value is None:
                raise ParseError("error.not_a_number")
            end = start + len(piece)
            if multipliers:
                factor, end = _multiplier_at(text, end)
                value *= factor
            sign = text[start - 1] if start >= 1 else " "
            before = text[start - 2] if start >= 2 else " "
            negative = sign in _MINUS and not before.isalnum()
            found.append(Number(value, start, end, negative))
    return found


def parse_number(text: str, *, multipliers: bool = True) -> tuple[Decimal, str]:
    """The one number in ``text`` and the rest of the (prepared) text around it."""
    prepared = prepare(text)
    numbers = find_numbers(prepared, multipliers=multipliers)
    if not numbers:
        raise ParseError("error.not_a_number")
    if len(numbers) > 1:
        raise ParseError("error.one_number")
    number = numbers[0]
    if number.negative:
        raise ParseError("error.negative")
    rest = prepared[: number.start] + " " + prepared[number.end :]
    return number.value, " ".join(rest.split())


_HUGE = Decimal(10) ** 15


def rounded(value: Decimal, step: Decimal = Decimal(1)) -> Decimal:
    """``value`` rounded half up to ``step``. Values far beyond any limit are returned as
    they are: quantizing them would overflow the decimal context, and a range check is
    about to reject them anyway."""
    if abs(value) >= _HUGE:
        return value
    return value.quantize(step, rounding=ROUND_HALF_UP)


def plain_text(value: Decimal) -> str:
    """``value`` written the way every parser here reads it back exactly: digits and a
    decimal point, no exponent ("12000", "2500.50"). What-ifs and one-line requests hand
    their numbers to a question's own parser this way, so its limits are checked there."""
    return format(value, "f")


def _in_range(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    if value < low:
        raise ParseError("error.too_small", {"min": str(low)})
    if value > high:
        raise ParseError("error.too_large", {"max": str(high)})
    return value


def parse_amount(text: str, *, low: Decimal, high: Decimal) -> Decimal:
    """A number in ``[low, high]`` that may have decimals ("2.5", "2,5 etatu", "½" not)."""
    value, rest = parse_number(text)
    if "%" in rest:
        raise ParseError("error.not_a_number")
    return _plain(_in_range(value, low, high))


def parse_shares(text: str) -> list[Decimal]:
    """Shares that add up to 100%: "70/30", "70% 30%", "0.6, 0.3, 0.1", "60 30 10"."""
    prepared = prepare(text)
    numbers = [n.value for n in find_numbers(prepared, multipliers=False)]
    if len(numbers) < 2:
        raise ParseError("error.bad_shares")
    if any(n.negative for n in find_numbers(prepared, multipliers=False)):
        raise ParseError("error.negative")
    total = sum(numbers, Decimal(0))
    if total <= 0:
        raise ParseError("error.bad_shares")
    scale = (
        Decimal(100)
        if abs(total - 100) <= 1
        else Decimal(1)
        if abs(total - 1) <= Decimal("0.01")
        else None
    )
    if scale is None:
        raise ParseError("error.bad_shares")
    return [rounded(n / scale, Decimal("0.0001")) for n in numbers]


def is_word(text: str, group: str, value: str) -> bool:
    """``text`` is one of the vocabulary's words for ``value`` in ``group``."""
    return vocabulary().get(group, _bare(text)) == value


def parse_count(text: str, *, low: int, high: int) -> int:
    """A whole number in ``[low, high]`` ("8", "8 agents", "1,200", "1.2k", "８人")."""
    value, rest = parse_number(text)
    if "%" in rest:
        raise ParseError("error.not_a_number")
    if value != value.to_integral_value():
        raise ParseError("error.not_whole")
    return int(_in_range(value, Decimal(low), Decimal(high)))


_PERIOD_FACTORS = {
    "month": Decimal(1),
    "week": Decimal(52) / Decimal(12),
    "year": Decimal(1) / Decimal(12),
}


def parse_volume(text: str, *, high: int = MAX_CONTACTS_PER_MONTH) -> Decimal:
    """Contacts per month ("12000", "12k calls/month", "3,000 a week", "144k per year")."""
    value, rest = parse_number(text)
    periods = {match.value for match in vocabulary().scan("period", rest)}
    if len(periods) > 1:
        raise ParseError("error.one_period")
    period = periods.pop() if periods else "month"
    if period == "day":
        raise ParseError("error.per_day")
    if period != "month":
        value = rounded(value * _PERIOD_FACTORS[period])
    return _plain(_in_range(value, Decimal(1), Decimal(high)))


def _plain(value: Decimal) -> Decimal:
    """``Decimal('1.2E+4')`` -> ``Decimal('12000')``: stored and shown without exponents."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return Decimal(format(value.normalize(), "f"))


_DURATION_FACTORS = {"second": Decimal(1), "minute": Decimal(60), "hour": Decimal(3600)}


def parse_duration(text: str, *, low: int = 10, high: int = 4 * 3600) -> int:
    """A handle time in seconds: minutes by default ("6", "6.5 min", "6:30", "390 s", "1h")."""
    prepared = prepare(text)
    clock = re.fullmatch(r"([0-9]{1,3}):([0-5][0-9])(?: ?[a-z\u4e00-\u9fff]+)?", prepared)
    if clock:
        seconds = Decimal(int(clock.group(1)) * 60 + int(clock.group(2)))
    else:
        value, rest = parse_number(text, multipliers=False)
        units = {match.value for match in vocabulary().scan("duration", rest)}
        if len(units) > 1:
            raise ParseError("error.one_number")
        seconds = value * _DURATION_FACTORS[units.pop() if units else "minute"]
    seconds = rounded(seconds)
    if seconds < low:
        raise ParseError("error.too_short", {"min": low})
    if seconds > high:
        raise ParseError("error.too_long_duration", {"max": high // 3600})
    return int(seconds)


def parse_service_level(text: str) -> dict[str, float | int]:
    """A service-level target: "80/20", "80%", "0.8", "80% in 20 s", "20秒内80%".

    Returns ``{"level": 0.8, "seconds": 20}``; the answer time defaults to 20 seconds.
    """
    prepared = prepare(text)
    numbers = find_numbers(prepared, multipliers=False)
    if not numbers:
        raise ParseError("error.not_a_number")
    if len(numbers) > 2 or any(number.negative for number in numbers):
        raise ParseError("error.bad_service_level")
    level, seconds = numbers[0], numbers[1] if len(numbers) == 2 else None
    if seconds is not None:
        between = prepared[numbers[0].end : numbers[1].start].strip()
        first_percent = prepared[numbers[0].end :].lstrip().startswith("%")
        second_percent = prepared[numbers[1].end :].lstrip().startswith("%")
        if second_percent and not first_percent and between != "/":
            level, seconds = numbers[1], numbers[0]
    share = level.value / 100 if level.value > 1 else level.value
    if not Decimal("0.5") <= share <= Decimal("0.99"):
        raise ParseError("error.service_level_range")
    answer = 20
    if seconds is not None:
        if seconds.value != seconds.value.to_integral_value() or not 1 <= seconds.value <= 3600:
            raise ParseError("error.answer_seconds_range")
        answer = int(seconds.value)
    return {"level": float(share), "seconds": answer}


def parse_money(text: str, *, high: int = MAX_MONTHLY_COST) -> Decimal:
    """A monthly amount >= 0 ("25000", "25 000 zł", "$25k", "2,5 mln"), rounded to cents."""
    value, _rest = parse_number(text)
    value = _in_range(value, Decimal(0), Decimal(high))
    return rounded(value, Decimal("0.01"))


def _bare(text: str) -> str:
    return prepare(text).strip(_TRAILING + " ")


def parse_choice(text: str, group: str, values: Sequence[str]) -> str:
    """One of ``values``: the value itself, a label or synonym in any locale, or a 1-based
    position in ``values`` (what a console shows)."""
    wanted = _bare(text)
    if wanted in values:
        return wanted
    found = vocabulary().get(group, wanted) or vocabulary().get(group, clean(text))
    if found is not None and found in values:
        return found
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(values):
        return values[int(wanted) - 1]
    raise ParseError("error.unknown_choice")


def _is_index(text: str, values: Sequence[str]) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= len(values)


def _covering(group: str, item: str) -> list[Match] | None:
    """Vocabulary matches that together make up ``item`` (fillers and spaces aside)."""
    vocab = vocabulary()
    matches = vocab.scan(group, item)
    if not matches:
        return None
    leftover = item
    for match in reversed(matches):
        leftover = leftover[: match.start] + " " + leftover[match.end :]
    for word in leftover.split():
        if vocab.get("filler", word) is None:
            return None
    return matches


def parse_multi(
    text: str,
    group: str,
    values: Sequence[str],
    *,
    unknown: str = "error.unknown_choice",
    max_items: int = 20,
    index_values: Sequence[str] = (),
) -> list[str]:
    """Several of ``values`` from one line: "phone, chat", "English, 中文, polski", "en/zh",
    "电话和邮件". Order kept, duplicates dropped; every item must be understood."""
    prepared = prepare(text)
    vocab = vocabulary()
    chosen: dict[str, None] = {}
    for raw_item in _SPLIT.split(prepared):
        item = raw_item.strip(_TRAILING + " ")
        if not item or vocab.get("filler", item) is not None:
            continue
        if item in values:
            chosen[item] = None
            continue
        found = vocab.get(group, item)
        if found is None and _is_index(item, index_values):
            found = index_values[int(item) - 1]
        if found is not None and found in values:
            chosen[found] = None
            continue
        matches = _covering(group, item)
        if matches is None or any(match.value not in values for match in matches):
            raise ParseError(unknown, {"value": item[:40]})
        chosen.update(dict.fromkeys(match.value for match in matches))
    if not chosen:
        raise ParseError("error.empty")
    if len(chosen) > max_items:
        raise ParseError("error.too_many", {"max": max_items})
    return list(chosen)


def _known_regions_text() -> str:
    return ", ".join(known_regions())


def parse_region(text: str) -> str:
    """A rate-card region: its code ("UK", "GB"), a country name in en/pl/zh ("Wielka
    Brytania", "英国"), or a member country ("Mexico" -> "LATAM")."""
    wanted = _bare(text)
    vocab = vocabulary()
    found = vocab.get("region", wanted)
    if found is None:
        matches = _covering("region", wanted)
        if matches is not None and len({match.value for match in matches}) == 1:
            found = matches[0].value
    if found is None or found.startswith("?"):
        raise ParseError(
            "error.unknown_region", {"value": clean(text)[:40], "known": _known_regions_text()}
        )
    return found


def parse_currency(text: str) -> str:
    """A currency the engine converts: code, symbol or name ("EUR", "zł", "美元", "dollars")."""
    wanted = _bare(text)
    found = vocabulary().get("currency", wanted)
    head = wanted.split(" ", 1)[0].upper()
    if found is None and head in known_currency_codes():
        found = head  # a label typed back: "PLN – złoty polski"
    if found is None:
        raise ParseError(
            "error.unknown_currency",
            {"value": clean(text)[:40], "known": ", ".join(known_currency_codes())},
        )
    return found


_OFFSET = re.compile(r"(?:utc|gmt)\s*([+\-−])\s*([0-9]{1,2})(?::?00)?")


def parse_timezone(text: str) -> str:
    """An IANA time zone: its name in any case ("europe/warsaw"), a unique city name in
    en/pl/zh ("Warsaw", "Warszawa", "华沙"), "UTC", or a whole-hour offset ("UTC+2")."""
    wanted = _bare(text)
    labelled = re.fullmatch(r".*\(([a-z_]+/[a-z_/+\-0-9]+)\)", wanted)
    if labelled:
        wanted = labelled.group(1)  # a label typed back: "Warszawa (Europe/Warsaw)"
    if wanted in ("utc", "gmt", "z"):
        return "UTC"
    offset = _OFFSET.fullmatch(wanted)
    zone: str | None
    if offset:
        hours = int(offset.group(2))
        if hours == 0:
            return "UTC"
        sign = "-" if offset.group(1) == "+" else "+"  # POSIX: Etc/GMT-2 is UTC+2
        zone = f"Etc/GMT{sign}{hours}"
    elif wanted.isascii() and wanted.isalpha() and len(wanted) <= 5 and _abbreviated(wanted):
        zone = _zone_of_place(text, wanted)  # "EST" is New York's time, not a fixed offset
    else:
        vocab = vocabulary()
        zone = vocab.get("timezone", wanted) or vocab.get("timezone", wanted.replace(" ", "_"))
    if zone is None:
        zone = _zone_of_place(text, wanted)
    if zone is None:
        raise ParseError("error.unknown_timezone", {"value": clean(text)[:40]})
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ParseError("error.unknown_timezone", {"value": clean(text)[:40]}) from exc
    return zone


def _zone_of_place(text: str, wanted: str) -> str | None:
    """A zone abbreviation ("PST", "EST" with its daylight saving; "IST" has two meanings
    and is asked back) or any city, state or country the place index knows ("Seattle",
    "Mumbai", "Kraków", "北京", "北京时间", "Ohio")."""
    from bot.core.places import find_place_typed, zone_abbreviation

    zones = zone_abbreviation(wanted)
    if len(zones) == 1:
        return zones[0]
    if len(zones) > 1:
        raise ParseError(
            "error.ambiguous_zone", {"value": clean(text)[:10], "zones": ", ".join(zones)}
        )
    for suffix in ("时间", "時間", " time"):
        if wanted.endswith(suffix):
            wanted = wanted.removesuffix(suffix).strip()
    places = find_place_typed(wanted)
    if not places:
        return None
    best = places[0]
    if best.kind == "country":
        zones_of_country = territory_zone_count(best.country)
        if zones_of_country > 1:
            raise ParseError("error.country_zones", {"value": clean(text)[:40]})
    return best.zone


def _abbreviated(wanted: str) -> bool:
    from bot.core.places import zone_abbreviation

    return bool(zone_abbreviation(wanted))


def territory_zone_count(territory: str) -> int:
    from bot.core.cldr import territory_zones

    return len(territory_zones().get(territory, ()))


# --- opening hours ----------------------------------------------------------------------------

_HOUR = r"([0-9]{1,2})(?::([0-9]{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*(?:h|godz\.?|点|時|时)?"
_RANGE = re.compile(_HOUR + r"\s*(?:-|to|do|until|至|到)\s*" + _HOUR)
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "~": "-", "～": "-", "‒": "-"})


def _hour(digits: str, minutes: str | None, half: str | None) -> int:
    hour = int(digits)
    if minutes not in (None, "00"):
        raise ParseError("error.whole_hours")
    if half:
        if not 1 <= hour <= 12:
            raise ParseError("error.bad_hours")
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 24:
        raise ParseError("error.bad_hours")
    return hour


_DAYSETS: dict[str, tuple[int, ...]] = {
    "weekdays": (0, 1, 2, 3, 4),
    "weekend": (5, 6),
    "daily": (0, 1, 2, 3, 4, 5, 6),
}
_DAY_RANGE = ("-", "to", "do", "至", "到", "~")


def _days(text: str) -> list[int]:
    """Weekdays named in a segment: "mon-fri", "sat", "pn-pt", "周一至周五", "weekend"."""
    vocab = vocabulary()
    matches = sorted(
        vocab.scan("weekday", text) + vocab.scan("dayset", text), key=lambda m: m.start
    )
    days: dict[int, None] = {}
    index = 0
    covered = text
    for match in reversed(matches):
        covered = covered[: match.start] + " " + covered[match.end :]
    for word in covered.replace("-", " ").split():
        if vocab.get("filler", word) is None:
            raise ParseError("error.bad_hours")
    while index < len(matches):
        match = matches[index]
        following = matches[index + 1] if index + 1 < len(matches) else None
        if match.value in _DAYSETS:
            days.update(dict.fromkeys(_DAYSETS[match.value]))
            index += 1
            continue
        gap = text[match.end : following.start].strip() if following else ""
        if following is not None and following.value.isdigit() and gap in _DAY_RANGE:
            first, last = int(match.value), int(following.value)
            span = (last - first) % 7
            days.update(dict.fromkeys((first + step) % 7 for step in range(span + 1)))
            index += 2
            continue
        days[int(match.value)] = None
        index += 1
    return list(days)


def parse_windows(text: str) -> list[list[int]]:
    """Custom opening hours: "Mon-Fri 8-20, Sat 9-13", "pn-pt 8-20", "周一至周五 8点-20点",
    "Mon-Sun 22-6" (overnight runs into the next day). Returns canonical
    ``[[weekday, start_hour, end_hour], ...]`` with overlaps merged, Monday = 0."""
    prepared = prepare(text).translate(_DASHES)
    open_hours = [[False] * 24 for _ in range(7)]
    waiting: list[int] = []
    any_range = False
    for segment in re.split(r"[,;、\n]", prepared):
        segment = segment.strip(_TRAILING + " ")
        if not segment:
            continue
        ranges = list(_RANGE.finditer(segment))
        days_text = _RANGE.sub(" ", segment)
        days = waiting + _days(days_text)
        if not ranges:
            if not days:
                raise ParseError("error.bad_hours")
            waiting = days
            continue
        if not days:
            raise ParseError("error.hours_need_days")
        waiting = []
        for hours in ranges:
            start = _hour(hours.group(1), hours.group(2), hours.group(3))
            end = _hour(hours.group(4), hours.group(5), hours.group(6))
            if start == end or start == 24:
                raise ParseError("error.bad_hours")
            any_range = True
            for day in days:
                if start < end:
                    spans = [(day, start, end)]
                else:
                    spans = [(day, start, 24), ((day + 1) % 7, 0, end)]
                for weekday, first, last in spans:
                    for hour in range(first, last):
                        open_hours[weekday][hour] = True
    if waiting or not any_range:
        raise ParseError("error.bad_hours")
    windows: list[list[int]] = []
    for weekday, hours_open in enumerate(open_hours):
        hour = 0
        while hour < 24:
            if hours_open[hour]:
                start = hour
                while hour < 24 and hours_open[hour]:
                    hour += 1
                windows.append([weekday, start, hour])
            else:
                hour += 1
    return windows


def parse_hours(text: str) -> str | list[list[int]]:
    """Opening hours: a preset ("business", "24/7", "całodobowo", "全天") or custom windows."""
    wanted = _bare(text)
    preset = vocabulary().get("hours", wanted)
    if preset is not None:
        return preset
    if not any(ch.isdigit() for ch in wanted):
        vocab = vocabulary()
        named_days = vocab.scan("weekday", wanted) or vocab.scan("dayset", wanted)
        raise ParseError("error.bad_hours" if named_days else "error.unknown_choice")
    return parse_windows(text)
