"""Parse ``/handoff …`` text into command objects: pure, synchronous, fuzzable.

Slack and Telegram hand us the same text (Slack without the command word, Telegram with
``/handoff`` or ``/handoff@bot``), so one parser serves both. Verbs and weekday names are
accepted in English, Polish and Simplified Chinese (``dodaj``, ``添加``, ``pn-pt``,
``周一至周五``); everything else (zone names, ``HH:MM``) is language-neutral.

``add`` takes the region name first, then — in any order — an IANA zone, a shift window,
optional start days (default Mon-Fri) and the lead to mention::

    add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @anna
    add APAC 22:00-06:00 Asia/Manila @ben Sun-Thu      (night shift: ends the next day)
    dodaj EMEA Europe/Warsaw 8:00-17:00 pn-pt @anna

``ack anyone`` lets anyone in the channel acknowledge reminders; ``ack leads`` (the default)
only the incoming region's lead (``potwierdzanie każdy``, ``确认 任何人``).

Every rejection raises an :class:`~bot.handoff.errors.InvalidInput` child and nothing
else; the parser never touches a store, so a rejected command cannot change anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from bot.handoff.errors import (
    InvalidDate,
    InvalidTime,
    InvalidWeekdays,
    MissingArgument,
    UnexpectedArgument,
    UnknownCommand,
)
from bot.handoff.roster import MINUTES_PER_DAY, Region, canonical_zone

__all__ = [
    "DEFAULT_WEEKDAYS",
    "AckPolicy",
    "Add",
    "CoverageReport",
    "Form",
    "HandoffCommand",
    "Help",
    "ListRoster",
    "Pause",
    "Remove",
    "Resume",
    "SendTest",
    "command_verb",
    "parse_command",
    "parse_weekdays",
    "parse_window",
]

DEFAULT_WEEKDAYS = frozenset(range(5))


@dataclass(frozen=True, slots=True)
class Add:
    region: Region


@dataclass(frozen=True, slots=True)
class ListRoster:
    pass


@dataclass(frozen=True, slots=True)
class Remove:
    name: str


@dataclass(frozen=True, slots=True)
class Pause:
    pass


@dataclass(frozen=True, slots=True)
class Resume:
    pass


@dataclass(frozen=True, slots=True)
class SendTest:
    """Post a sample reminder now (for ``name``'s next change, or the roster's next one)."""

    name: str | None = None


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Gap/overlap analysis for the UTC week containing ``week_of`` (default: this week)."""

    week_of: date | None = None


@dataclass(frozen=True, slots=True)
class Help:
    pass


@dataclass(frozen=True, slots=True)
class Form:
    """Start the step-by-step add form (Slack opens a modal instead)."""


@dataclass(frozen=True, slots=True)
class AckPolicy:
    """Who may acknowledge reminders: anyone (True) or the incoming lead only (False)."""

    anyone: bool


HandoffCommand = (
    Add | ListRoster | Remove | Pause | Resume | SendTest | CoverageReport | Help | Form | AckPolicy
)

_T = TypeVar("_T")


def _by_word(table: Iterable[tuple[_T, tuple[str, ...]]]) -> dict[str, _T]:
    """Invert ``(value, words)`` pairs into a case-insensitive word -> value lookup."""
    return {word.casefold(): value for value, words in table for word in words}


_VERBS = _by_word(
    [
        ("add", ("add", "dodaj", "添加", "新增")),
        ("list", ("list", "ls", "show", "lista", "pokaż", "pokaz", "列表", "查看")),
        ("remove", ("remove", "rm", "delete", "usuń", "usun", "删除", "移除")),
        ("pause", ("pause", "wstrzymaj", "pauza", "暂停")),
        ("resume", ("resume", "wznów", "wznow", "恢复", "继续")),
        ("test", ("test", "próba", "proba", "测试")),
        ("coverage", ("coverage", "pokrycie", "覆盖", "覆盖率")),
        ("help", ("help", "pomoc", "帮助", "?")),
        ("form", ("form", "formularz", "表单")),
        ("ack", ("ack", "acks", "potwierdzanie", "potwierdzenia", "确认")),
    ]
)

_ACK_WHO = _by_word(
    [
        (True, ("anyone", "everyone", "all", "każdy", "kazdy", "wszyscy", "任何人", "所有人")),
        (False, ("leads", "lead", "liderzy", "lider", "负责人")),
    ]
)

_DAYS = _by_word(
    enumerate(
        [
            ("mon", "monday", "mo", "pn", "pon", "poniedziałek", "poniedzialek", "周一", "星期一"),
            ("tue", "tues", "tuesday", "tu", "wt", "wto", "wtorek", "周二", "星期二"),
            (
                "wed",
                "wednesday",
                "we",
                "śr",
                "sr",
                "śro",
                "sro",
                "środa",
                "sroda",
                "周三",
                "星期三",
            ),
            ("thu", "thur", "thurs", "thursday", "th", "cz", "czw", "czwartek", "周四", "星期四"),
            ("fri", "friday", "fr", "pt", "pią", "pia", "piątek", "piatek", "周五", "星期五"),
            ("sat", "saturday", "sa", "sb", "sob", "sobota", "周六", "星期六"),
            (
                "sun",
                "sunday",
                "su",
                "nd",
                "nie",
                "ndz",
                "niedz",
                "niedziela",
                "周日",
                "周天",
                "星期日",
                "星期天",
            ),
        ]
    )
)

_DAY_SETS = _by_word(
    [
        (frozenset(range(7)), ("daily", "everyday", "all", "codziennie", "每天", "每日")),
        (DEFAULT_WEEKDAYS, ("weekdays", "workdays", "robocze", "工作日")),
        (frozenset({5, 6}), ("weekend", "weekends", "weekendy", "周末")),
    ]
)

_DASHES = "-–—~～至到"
# "08:00 - 17:00", "Mon - Fri", "8 -17": close up a range typed with spaces.
_SPACED_DASH = re.compile(rf"\s+([{_DASHES}])\s+|(?<=[0-9])\s*([{_DASHES}])\s*(?=[0-9])")
_DASH = re.compile(rf"[{_DASHES}]")
_WINDOW = re.compile(r"^([0-9]{1,2})(?::([0-9]{2}))?-([0-9]{1,2})(?::([0-9]{2}))?$")
_TIMEISH = re.compile(r"^[0-9]{1,2}[:.]|^[0-9]{1,2}-[0-9]")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_LIST_SEPARATORS = re.compile(r"[,，、]")
_COMMAND_WORD = re.compile(r"^/handoff(?:@\w+)?(?:\s+|$)", re.IGNORECASE)


def _clock(hours: str, minutes: str | None, text: str, *, end: bool) -> int:
    h, m = int(hours), int(minutes or 0)
    if m > 59 or h > 24 or (h == 24 and (m != 0 or not end)):
        raise InvalidTime(text=text)
    return h * 60 + m


def parse_window(text: str) -> tuple[int, int]:
    """ "08:00-17:00" -> (480, 1020); "22-6" -> (1320, 360); "08:00-24:00" -> (480, 1440).

    End 00:00 is read as midnight ending the day (1440) so "16:00-00:00" means until
    midnight. Raises :class:`InvalidTime` (and :class:`EmptyShift` via :class:`Region`).
    """
    normalized = _DASH.sub("-", text.strip())
    match = _WINDOW.match(normalized)
    if match is None:
        raise InvalidTime(text=text)
    start = _clock(match[1], match[2], text, end=False)
    end = _clock(match[3], match[4], text, end=True)
    if end == 0:
        end = MINUTES_PER_DAY
    return start, end


def _day(word: str, text: str) -> int:
    found = _DAYS.get(word.strip().rstrip(".").casefold())
    if found is None:
        raise InvalidWeekdays(text=text)
    return found


def parse_weekdays(text: str) -> frozenset[int]:
    """ "Mon-Fri" -> {0..4}; "Fri-Mon" wraps; "Mon,Wed" lists; "pn-pt", "周一至周五" too."""
    whole = _DAY_SETS.get(text.strip().casefold())
    if whole is not None:
        return whole
    days: set[int] = set()
    for item in _LIST_SEPARATORS.split(text):
        if not item.strip():
            raise InvalidWeekdays(text=text)
        named = _DAY_SETS.get(item.strip().casefold())
        if named is not None:
            days |= named
            continue
        ends = _DASH.split(item)
        if len(ends) == 1:
            days.add(_day(ends[0], text))
        elif len(ends) == 2:
            first, last = _day(ends[0], text), _day(ends[1], text)
            span = (last - first) % 7
            days.update((first + i) % 7 for i in range(span + 1))
        else:
            raise InvalidWeekdays(text=text)
    return frozenset(days)


def _looks_like_days(token: str) -> bool:
    first = _DASH.split(_LIST_SEPARATORS.split(token)[0])[0].strip().rstrip(".").casefold()
    return first in _DAYS or token.casefold() in _DAY_SETS


def _parse_add(args: list[str]) -> Add:
    if not args:
        raise MissingArgument(field="name")
    name, rest = args[0], args[1:]
    if name.startswith(("@", "<")) or "/" in name or name[:1].isdigit():
        raise MissingArgument(field="name")
    tz: str | None = None
    window: tuple[int, int] | None = None
    weekdays: frozenset[int] | None = None
    lead: str | None = None
    for token in rest:
        if token.startswith(("@", "<@", "<!")):
            if lead is not None:
                raise UnexpectedArgument(word=token)
            lead = token
        elif token[:1].isdigit() or _TIMEISH.match(token):
            if window is not None:
                raise UnexpectedArgument(word=token)
            window = parse_window(token)
        elif _looks_like_days(token):
            if weekdays is not None:
                raise UnexpectedArgument(word=token)
            weekdays = parse_weekdays(token)
        elif "/" in token or tz is None:
            if tz is not None:
                raise UnexpectedArgument(word=token)
            tz = canonical_zone(token)
        else:
            raise UnexpectedArgument(word=token)
    if tz is None:
        raise MissingArgument(field="tz")
    if window is None:
        raise MissingArgument(field="window")
    if lead is None:
        raise MissingArgument(field="lead")
    return Add(
        Region(
            name=name,
            tz=tz,
            start=window[0],
            end=window[1],
            weekdays=DEFAULT_WEEKDAYS if weekdays is None else weekdays,
            lead=lead,
        )
    )


def _no_args(args: list[str]) -> None:
    if args:
        raise UnexpectedArgument(word=args[0])


def command_verb(text: str) -> str | None:
    """The canonical verb of ``text`` ("dodaj …" -> "add"), even if the rest is invalid."""
    words = _COMMAND_WORD.sub("", text.strip(), count=1).split()
    return _VERBS.get(words[0].casefold()) if words else None


def parse_command(text: str) -> HandoffCommand:
    """Parse the text after ``/handoff`` (the command word itself is tolerated)."""
    body = _COMMAND_WORD.sub("", text.strip(), count=1)
    body = _SPACED_DASH.sub(lambda m: m[1] or m[2], body)
    words = body.split()
    if not words:
        return Help()
    verb = _VERBS.get(words[0].casefold())
    args = words[1:]
    if verb is None:
        raise UnknownCommand(word=words[0][:40])
    if verb == "add":
        return _parse_add(args)
    if verb == "remove":
        if not args:
            raise MissingArgument(field="name")
        _no_args(args[1:])
        return Remove(args[0])
    if verb == "test":
        _no_args(args[1:])
        return SendTest(args[0] if args else None)
    if verb == "coverage":
        _no_args(args[1:])
        return CoverageReport(_parse_date(args[0]) if args else None)
    if verb == "ack":
        if not args:
            raise MissingArgument(field="who")
        _no_args(args[1:])
        anyone = _ACK_WHO.get(args[0].casefold())
        if anyone is None:
            raise UnexpectedArgument(word=args[0][:40])
        return AckPolicy(anyone)
    _no_args(args)
    simple: dict[str, HandoffCommand] = {
        "list": ListRoster(),
        "pause": Pause(),
        "resume": Resume(),
        "help": Help(),
        "form": Form(),
    }
    return simple[verb]


def _parse_date(text: str) -> date:
    if not _DATE.match(text):
        raise InvalidDate(text=text[:40])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(text=text) from None
