"""Answers and choices in the user's words: labels, lists, numbers, hours, through Babel.

The summary, the button labels and "current answer" notes all come from here, so a value is
always shown the same way. Numbers, money and lists go through Babel (``format_list`` writes
"phone, chat, and email", "telefon, czat i e-mail", "电话、聊天和电子邮件"); names of
languages, countries, currencies and cities come from CLDR.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from babel import Locale
from babel.dates import format_time, get_timezone_location
from babel.lists import format_list
from pydantic import JsonValue

from bot.core.answers import DEFAULT_ANSWER_SECONDS, DEFAULT_SERVICE_LEVEL, default_timezone
from bot.core.parsing import parse_service_level
from bot.core.questions import Answers, Question, channel_of
from bot.core.regions import default_aht_seconds, known_regions, region_facts
from bot.render.catalog import lookup
from bot.render.env import renderer
from costengine.scenario import Scenario

__all__ = ["choice_label", "language_list", "show_answer", "show_windows"]


def _babel(locale: str) -> Locale:
    return renderer().babel_locale(locale)


def _region(answers: Answers) -> str | None:
    region = answers.get("region")
    return region if isinstance(region, str) and region in known_regions() else None


def choice_label(q: Question, value: str, locale: str) -> str:
    """The button label of one option of ``q``."""
    if value in q.fixed_choices:
        return lookup(locale, f"{q.template}.choices.{value}")
    if q.id == "languages":
        return _language(value, locale)
    if q.id == "region":
        return _region_name(value, locale)
    if q.id == "timezone":
        return _zone(value, locale)
    if q.id == "currency":
        return _currency(value, locale)
    if q.id == "service_level":
        parsed = parse_service_level(value)
        return lookup(locale, "display.service_level", **parsed)
    if q.id == "destination":
        return (
            lookup(locale, "q.destination.auto") if value == "auto" else _region_name(value, locale)
        )
    return value


def _language(code: str, locale: str) -> str:
    name = _babel(locale).languages.get(code)
    return name if name else code


def language_list(codes: list[str], locale: str) -> str:
    """Language codes as their names in a list ("English and Spanish")."""
    return format_list([_language(str(code), locale) for code in codes], locale=_babel(locale))


def _region_name(code: str, locale: str) -> str:
    territory = region_facts(code).territory if code in known_regions() else code
    return str(_babel(locale).territories.get(territory, code))


def _zone(zone: str, locale: str) -> str:
    if zone == "UTC" or zone.startswith("Etc/"):
        return zone
    city = get_timezone_location(zone, locale=_babel(locale), return_city=True)
    return lookup(locale, "display.timezone", city=city, zone=zone)


def _currency(code: str, locale: str) -> str:
    name = _babel(locale).currencies.get(code, code)
    return lookup(locale, "display.currency", code=code, name=name)


def _hour(hour: int, locale: str) -> str:
    if hour == 24:
        return lookup(locale, "display.midnight")
    return format_time(time(hour), format="short", locale=_babel(locale))


def show_windows(windows: JsonValue, locale: str) -> str:
    """``[[0, 8, 20], [1, 8, 20], ...]`` as "Mon–Fri 8:00 AM–8:00 PM, Sat ..." in ``locale``.

    Consecutive days with the same hours are merged into one "from–to" group.
    """
    per_day: dict[int, list[tuple[int, int]]] = {}
    if isinstance(windows, list):
        for item in windows:
            if isinstance(item, list) and len(item) == 3 and all(isinstance(v, int) for v in item):
                day, start, end = (int(str(v)) for v in item)
                per_day.setdefault(day, []).append((start, end))
    days = _babel(locale).days["format"]["abbreviated"]
    groups: list[tuple[int, int, list[tuple[int, int]]]] = []
    for day in sorted(per_day):
        spans = sorted(per_day[day])
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == spans:
            groups[-1] = (groups[-1][0], day, spans)
        else:
            groups.append((day, day, spans))
    parts = []
    for first, last, spans in groups:
        names = days[first] if first == last else f"{days[first]}–{days[last]}"
        hours = ", ".join(f"{_hour(s, locale)}–{_hour(e, locale)}" for s, e in spans)
        parts.append(lookup(locale, "display.window", days=names, hours=hours))
    return "; ".join(parts)


def _minutes(seconds: int) -> Decimal:
    return Decimal(seconds) / 60


#: Optional choices the engine decides when skipped: its own default value.
_ENGINE_DEFAULTS = {
    name: str(Scenario.model_fields[name].default.value)
    for name in ("pooling", "agent_languages", "outsourcing")
}


def _default(q: Question, answers: Answers, locale: str) -> str | None:
    """What a skipped optional question means, in words (None: just "the default")."""
    region = _region(answers)
    channel = channel_of(q.id)
    if q.id == "aht_mode":
        return _aht_mode("default", locale)
    if channel is not None and q.id.startswith("aht_") and region is not None:
        minutes = _minutes(default_aht_seconds(channel, region))
        return lookup(locale, "display.minutes", minutes=minutes)
    if q.id == "timezone":
        return _zone(default_timezone(answers), locale)
    if q.id == "currency" and region is not None:
        return _currency(region_facts(region).currency, locale)
    if q.id == "service_level":
        return lookup(
            locale,
            "display.service_level",
            level=DEFAULT_SERVICE_LEVEL,
            seconds=DEFAULT_ANSWER_SECONDS,
        )
    if q.id in _ENGINE_DEFAULTS:
        return choice_label(q, _ENGINE_DEFAULTS[q.id], locale)
    if q.id == "destination":
        return choice_label(q, "auto", locale)
    return None


def _aht_mode(value: str, locale: str) -> str:
    """Typical or own handling times as an answer ("Handling times: Typical"), not as the
    button that chose them ("Keep typical times")."""
    return lookup(locale, "display.typical_times" if value == "default" else "display.own_times")


def show_answer(q: Question, answers: Answers, locale: str) -> str:
    """The stored answer to ``q`` in words (a skipped one says which default applies)."""
    value = answers.get(q.id)
    if value is None:
        if q.id in ("current_cost", "value_per_success", "tickets_per_user"):
            return lookup(locale, "display.not_given")
        default = _default(q, answers, locale)
        if default is None:
            return lookup(locale, "display.default_only")
        return lookup(locale, "display.default", value=default)
    if isinstance(value, list):
        if q.id in ("hours", "hours_custom"):
            return show_windows(value, locale)
        labels = [choice_label(q, str(item), locale) for item in value]
        if not q.fixed_choices:
            return format_list(labels, locale=_babel(locale))
        # button labels inside a sentence: lower case, the locale capitalises the list or not
        # ("Phone, chat and email"; Polish keeps "telefon i czat" mid-line)
        names = format_list(
            [label[:1].lower() + label[1:] for label in labels], locale=_babel(locale)
        )
        return lookup(locale, "display.choice_list", names=names)
    if isinstance(value, dict) and q.id == "service_level":
        return lookup(
            locale,
            "display.service_level",
            level=value.get("level", DEFAULT_SERVICE_LEVEL),
            seconds=value.get("seconds", DEFAULT_ANSWER_SECONDS),
        )
    if q.id == "team_size":
        return lookup(locale, "display.team_size", n=Decimal(str(value)))
    if q.id == "users":
        return lookup(locale, "display.users", n=Decimal(str(value)))
    if q.id == "tickets_per_user":
        return lookup(locale, "display.tickets_per_user", n=Decimal(str(value)))
    if q.id == "value_per_success":
        return lookup(locale, "display.amount", amount=Decimal(str(value)), currency=_code(answers))
    if q.id == "language_shares" and isinstance(value, list):
        languages = answers.get("languages")
        codes = [str(c) for c in languages] if isinstance(languages, list) else []
        return ", ".join(
            f"{_language(code, locale)} {lookup(locale, 'display.share', share=float(str(share)))}"
            for code, share in zip(codes, value, strict=False)
        )
    if q.id == "aht_mode":
        return _aht_mode(str(value), locale)
    if q.id.startswith("volume_"):
        return lookup(locale, "display.volume", n=Decimal(str(value)))
    if q.id.startswith("aht_") and isinstance(value, int):
        return lookup(locale, "display.minutes", minutes=_minutes(value))
    if q.id == "current_cost":
        return lookup(locale, "display.money", amount=Decimal(str(value)), currency=_code(answers))
    if str(value) in q.fixed_choices:  # a button label as a value after the question's label
        return lookup(locale, "display.choice", name=choice_label(q, str(value), locale))
    return choice_label(q, str(value), locale)


def _code(answers: Answers) -> str:
    """The currency amounts are given in: the chosen one, else the region's own."""
    region = _region(answers)
    currency = answers.get("currency")
    if isinstance(currency, str):
        return currency
    return region_facts(region).currency if region else "USD"
