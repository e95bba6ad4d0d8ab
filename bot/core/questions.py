"""Every question of the conversation, defined exactly once.

A :class:`Question` says what is asked (its catalogue key), how an answer is read (a pure
parser that returns a JSON value or raises :class:`~bot.core.errors.ParseError`), which
buttons to offer, whether it may be skipped, and when it is asked at all (a predicate over
the answers so far: the team size only when sizing by team, one volume question per chosen
channel, handle-time overrides only when asked for). The machine, the Slack form and the
summary all read this one registry, so a question cannot be asked one way in chat and
validated another way in a form.

Catalogue keys per question: ``q.<key>.prompt``, ``.label`` (short name for the summary
and edit buttons), ``.help``, ``.example`` and, for fixed choices, ``.choices.<value>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import JsonValue

from bot.core import parsing
from bot.core.regions import (
    default_aht_seconds,
    known_currency_codes,
    known_regions,
    region_facts,
)
from costengine.limits import (
    MAX_TEAM_SIZE,
    MAX_TICKETS_PER_USER_MONTH,
    MAX_USERS,
    MAX_VALUE_PER_SUCCESS,
    MIN_TEAM_SIZE,
)
from costengine.scenario import (
    LIVE_CHANNELS,
    AgentLanguages,
    Channel,
    HoursPreset,
    OutsourcingKind,
    Pooling,
    SupportKind,
)

__all__ = [
    "LANGUAGE_BUTTONS",
    "QUESTIONS",
    "QUESTION_IDS",
    "Answers",
    "Question",
    "QuestionKind",
    "channel_of",
    "question",
    "relevant",
]

Answers = Mapping[str, JsonValue]


class QuestionKind(StrEnum):
    SINGLE = "single"  # one of the buttons (typed labels and synonyms work too)
    MULTI = "multi"  # several buttons, toggled then submitted, or a typed list
    NUMBER = "number"  # a number read the user's way
    TEXT = "text"  # free text with its own grammar (custom hours, time zone)


def _always(_answers: Answers) -> bool:
    return True


def _no_options(_answers: Answers) -> tuple[str, ...]:
    return ()


def _no_params(_answers: Answers) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class Question:
    """One question. ``parse`` is pure: text in, JSON answer out, or :class:`ParseError`."""

    id: str
    kind: QuestionKind
    parse: Callable[[str], JsonValue]
    key: str = ""  # catalogue key under "q."; defaults to ``id``
    optional: bool = False  # may be skipped; None is stored and the default applies
    #: False: never asked in the guided flow; its default applies until it is changed from
    #: the summary's edit buttons (how the team works, outsourcing preferences).
    asked: bool = True
    when: Callable[[Answers], bool] = _always
    options: Callable[[Answers], tuple[str, ...]] = _no_options
    params: Callable[[Answers], dict[str, Any]] = _no_params  # prompt placeholders
    fixed_choices: tuple[str, ...] = field(default=())  # labels at q.<key>.choices.<value>

    @property
    def template(self) -> str:
        return f"q.{self.key or self.id}"


def channel_of(question_id: str) -> Channel | None:
    """The channel a per-channel question is about ("volume_chat" -> Channel.CHAT)."""
    _, _, suffix = question_id.partition("_")
    try:
        return Channel(suffix)
    except ValueError:
        return None


def _chosen_channels(answers: Answers) -> list[str]:
    value = answers.get("channels")
    return [str(item) for item in value] if isinstance(value, list) else []


def _static(*values: str) -> Callable[[Answers], tuple[str, ...]]:
    def options(_answers: Answers) -> tuple[str, ...]:
        return values

    return options


def _single(group: str, values: tuple[str, ...]) -> Callable[[str], JsonValue]:
    def parse(text: str) -> JsonValue:
        return parsing.parse_choice(text, group, values)

    return parse


# --- parsers returning JSON values --------------------------------------------------------

_KINDS = tuple(kind.value for kind in SupportKind)
_CHANNELS = tuple(channel.value for channel in Channel)
_SIZING = ("team", "volume", "users")
_AGENT_LANGUAGES = tuple(value.value for value in AgentLanguages)
_POOLING = tuple(value.value for value in Pooling)
_OUTSOURCING = tuple(value.value for value in OutsourcingKind)
_TIERS = ("1", "2", "3")
_AHT_MODES = ("default", "custom")
_HOURS = tuple(preset.value for preset in HoursPreset)
#: Languages offered as buttons; any ISO 639 language can be typed.
LANGUAGE_BUTTONS = ("en", "es", "fr", "de", "pl", "zh", "pt", "ja")


def _parse_channels(text: str) -> JsonValue:
    chosen = parsing.parse_multi(
        text, "channel", _CHANNELS, unknown="error.unknown_channel", index_values=_CHANNELS
    )
    return [value for value in _CHANNELS if value in chosen]


def _language_codes() -> tuple[str, ...]:
    from bot.core.vocab import vocabulary  # the full table is large: build it on first use

    return tuple(sorted(set(vocabulary().table("language").values())))


def _parse_languages(text: str) -> JsonValue:
    chosen = parsing.parse_multi(
        text,
        "language",
        _language_codes(),
        unknown="error.unknown_language",
        index_values=LANGUAGE_BUTTONS,
    )
    return list(chosen)


def _parse_team(text: str) -> JsonValue:
    """Today's team in FTE: "8", "2.5 people", "2,5 etatu" (part-timers, the owner)."""
    value = parsing.parse_amount(text, low=MIN_TEAM_SIZE, high=Decimal(MAX_TEAM_SIZE))
    return int(value) if value == value.to_integral_value() else str(value)


def _parse_users(text: str) -> JsonValue:
    return parsing.parse_count(text, low=1, high=MAX_USERS)


def _parse_tickets_per_user(text: str) -> JsonValue:
    value = parsing.parse_amount(
        text, low=Decimal("0.01"), high=Decimal(MAX_TICKETS_PER_USER_MONTH)
    )
    return str(value)


def _parse_value(text: str) -> JsonValue:
    return str(parsing.parse_money(text, high=MAX_VALUE_PER_SUCCESS))


def _parse_shares(text: str) -> JsonValue:
    return [float(share) for share in parsing.parse_shares(text)]


def _parse_destination(text: str) -> JsonValue:
    if parsing.is_word(text, "destination", "auto"):
        return "auto"
    return parsing.parse_region(text)


def _parse_volume(text: str) -> JsonValue:
    return str(parsing.parse_volume(text))


def _parse_aht(text: str) -> JsonValue:
    return parsing.parse_duration(text)


def _parse_region(text: str) -> JsonValue:
    return parsing.parse_region(text)


def _parse_hours(text: str) -> JsonValue:
    found = parsing.parse_hours(text)
    if isinstance(found, str):
        return found
    return [list[JsonValue](window) for window in found]


def _parse_windows(text: str) -> JsonValue:
    return [list[JsonValue](window) for window in parsing.parse_windows(text)]


def _parse_timezone(text: str) -> JsonValue:
    return parsing.parse_timezone(text)


def _parse_currency(text: str) -> JsonValue:
    return parsing.parse_currency(text)


def _parse_service_level(text: str) -> JsonValue:
    return dict[str, JsonValue](parsing.parse_service_level(text))


def _parse_cost(text: str) -> JsonValue:
    return str(parsing.parse_money(text))


# --- predicates and prompt parameters -----------------------------------------------------


def _by_team(answers: Answers) -> bool:
    return answers.get("sizing") == "team"


def _it_desk(answers: Answers) -> bool:
    return answers.get("kind") == SupportKind.IT_HELPDESK.value


def _by_users(answers: Answers) -> bool:
    return _it_desk(answers) and answers.get("sizing") == "users"


def _sizing_options(answers: Answers) -> tuple[str, ...]:
    """An IT desk may be sized by the employees it supports; customer service may not."""
    return ("users", "team", "volume") if _it_desk(answers) else ("team", "volume")


def _languages_of(answers: Answers) -> list[str]:
    value = answers.get("languages")
    return [str(item) for item in value] if isinstance(value, list) else []


def _several_languages(answers: Answers) -> bool:
    return len(_languages_of(answers)) >= 2


def _several_channels(answers: Answers) -> bool:
    return len(_chosen_channels(answers)) >= 2


def _live_channels(answers: Answers) -> list[str]:
    return [c for c in _chosen_channels(answers) if Channel(c) in LIVE_CHANNELS]


def _has_live(answers: Answers) -> bool:
    return bool(_live_channels(answers))


def _not_around_the_clock(answers: Answers) -> bool:
    return answers.get("hours") != HoursPreset.TWENTY_FOUR_SEVEN.value


def _live_params(answers: Answers) -> dict[str, Any]:
    return {"live": _live_channels(answers)}


def _language_params(answers: Answers) -> dict[str, Any]:
    return {"languages": _languages_of(answers)}


def _destination_options(_answers: Answers) -> tuple[str, ...]:
    return ("auto", *known_regions())


def _by_volume(answers: Answers) -> bool:
    return answers.get("sizing") == "volume"


def _volume_for(channel: Channel) -> Callable[[Answers], bool]:
    def when(answers: Answers) -> bool:
        return _by_volume(answers) and channel.value in _chosen_channels(answers)

    return when


def _aht_for(channel: Channel) -> Callable[[Answers], bool]:
    def when(answers: Answers) -> bool:
        return _volume_for(channel)(answers) and answers.get("aht_mode") == "custom"

    return when


def _region_of(answers: Answers) -> str | None:
    region = answers.get("region")
    return region if isinstance(region, str) and region in known_regions() else None


def _channel_params(channel: Channel) -> Callable[[Answers], dict[str, Any]]:
    def params(answers: Answers) -> dict[str, Any]:
        found: dict[str, Any] = {"channel": channel.value}
        region = _region_of(answers)
        if region is not None:
            found["default_minutes"] = Decimal(default_aht_seconds(channel, region)) / 60
        return found

    return params


def _aht_defaults(answers: Answers) -> dict[str, Any]:
    region = _region_of(answers)
    if region is None:
        return {"defaults": []}
    return {
        "defaults": [
            (channel, Decimal(default_aht_seconds(Channel(channel), region)) / 60)
            for channel in _chosen_channels(answers)
        ]
    }


def _zone_params(answers: Answers) -> dict[str, Any]:
    return {"default": _zone_options(answers)[0]}


def _currency_params(answers: Answers) -> dict[str, Any]:
    region = _region_of(answers)
    currency = answers.get("currency")
    own = region_facts(region).currency if region else "USD"
    return {"default": own, "currency": currency if isinstance(currency, str) else own}


def _custom_hours(answers: Answers) -> bool:
    return answers.get("hours") == HoursPreset.CUSTOM.value


def _zone_options(answers: Answers) -> tuple[str, ...]:
    region = _region_of(answers)
    return region_facts(region).zones if region else ("UTC",)


def _currency_options(answers: Answers) -> tuple[str, ...]:
    region = _region_of(answers)
    own = (region_facts(region).currency,) if region else ()
    common = ("USD", "EUR", "GBP")
    return tuple(code for code in dict.fromkeys((*own, *common)) if code in known_currency_codes())


def _region_options(_answers: Answers) -> tuple[str, ...]:
    return known_regions()


QUESTIONS: tuple[Question, ...] = (
    Question(
        "kind",
        QuestionKind.SINGLE,
        _single("kind", _KINDS),
        options=_static(*_KINDS),
        fixed_choices=_KINDS,
    ),
    Question("region", QuestionKind.SINGLE, _parse_region, options=_region_options),
    Question(
        "channels",
        QuestionKind.MULTI,
        _parse_channels,
        options=_static(*_CHANNELS),
        fixed_choices=_CHANNELS,
    ),
    Question(
        "sizing",
        QuestionKind.SINGLE,
        _single("sizing", _SIZING),
        options=_sizing_options,
        fixed_choices=_SIZING,
    ),
    Question("team_size", QuestionKind.NUMBER, _parse_team, when=_by_team),
    Question("users", QuestionKind.NUMBER, _parse_users, when=_by_users),
    *(
        Question(
            f"volume_{channel.value}",
            QuestionKind.NUMBER,
            _parse_volume,
            key="volume",
            when=_volume_for(channel),
            params=_channel_params(channel),
        )
        for channel in Channel
    ),
    Question(
        "aht_mode",
        QuestionKind.SINGLE,
        _single("aht_mode", _AHT_MODES),
        optional=True,
        when=_by_volume,
        options=_static(*_AHT_MODES),
        params=_aht_defaults,
        fixed_choices=_AHT_MODES,
    ),
    *(
        Question(
            f"aht_{channel.value}",
            QuestionKind.NUMBER,
            _parse_aht,
            key="aht",
            optional=True,
            when=_aht_for(channel),
            params=_channel_params(channel),
        )
        for channel in Channel
    ),
    Question(
        "languages",
        QuestionKind.MULTI,
        _parse_languages,
        options=_static(*LANGUAGE_BUTTONS),
    ),
    Question(
        "agent_languages",
        QuestionKind.SINGLE,
        _single("agent_languages", _AGENT_LANGUAGES),
        optional=True,
        when=_several_languages,
        options=_static(*_AGENT_LANGUAGES),
        params=_language_params,
        fixed_choices=_AGENT_LANGUAGES,
    ),
    Question(
        "hours",
        QuestionKind.SINGLE,
        _parse_hours,
        options=_static(*_HOURS),
        fixed_choices=_HOURS,
    ),
    Question("hours_custom", QuestionKind.TEXT, _parse_windows, when=_custom_hours),
    Question(
        "timezone",
        QuestionKind.TEXT,
        _parse_timezone,
        optional=True,
        when=_not_around_the_clock,
        options=_zone_options,
        params=_zone_params,
    ),
    Question(
        "currency",
        QuestionKind.SINGLE,
        _parse_currency,
        optional=True,
        options=_currency_options,
        params=_currency_params,
    ),
    Question(
        "service_level",
        QuestionKind.NUMBER,
        _parse_service_level,
        optional=True,
        when=_has_live,
        options=_static("80/20", "90/20", "80/60"),
        params=_live_params,
    ),
    Question(
        "current_cost",
        QuestionKind.NUMBER,
        _parse_cost,
        optional=True,
        params=_currency_params,
    ),
    # --- not asked: defaults until changed from the summary ---------------------------------
    Question(
        "pooling",
        QuestionKind.SINGLE,
        _single("pooling", _POOLING),
        optional=True,
        asked=False,
        when=_several_channels,
        options=_static(*_POOLING),
        fixed_choices=_POOLING,
    ),
    Question(
        "language_shares",
        QuestionKind.TEXT,
        _parse_shares,
        optional=True,
        asked=False,
        when=_several_languages,
        params=_language_params,
    ),
    Question(
        "tickets_per_user",
        QuestionKind.NUMBER,
        _parse_tickets_per_user,
        optional=True,
        asked=False,
        when=_by_users,
    ),
    Question(
        "it_tiers",
        QuestionKind.SINGLE,
        _single("it_tiers", _TIERS),
        optional=True,
        asked=False,
        when=_it_desk,
        options=_static(*_TIERS),
        fixed_choices=_TIERS,
    ),
    Question(
        "outsourcing",
        QuestionKind.SINGLE,
        _single("outsourcing", _OUTSOURCING),
        optional=True,
        asked=False,
        options=_static(*_OUTSOURCING),
        fixed_choices=_OUTSOURCING,
    ),
    Question(
        "destination",
        QuestionKind.SINGLE,
        _parse_destination,
        optional=True,
        asked=False,
        options=_destination_options,
    ),
    Question(
        "value_per_success",
        QuestionKind.NUMBER,
        _parse_value,
        optional=True,
        asked=False,
        params=_currency_params,
    ),
)

QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def question(question_id: str) -> Question:
    """The question with this id; :class:`KeyError` for an unknown id."""
    return _BY_ID[question_id]


def relevant(answers: Answers) -> list[Question]:
    """The questions that apply given the answers so far, in asking order."""
    return [q for q in QUESTIONS if q.when(answers)]
