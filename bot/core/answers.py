"""From stored answers to the engine's :class:`~costengine.scenario.Scenario`, and back to words.

Only the answers of *relevant* questions count (see :func:`bot.core.questions.relevant`):
an answer kept from an abandoned path (volumes typed before switching to "team size") stays
in the state, so switching back loses nothing, but never reaches the engine. A skipped
optional answer (``None``) means the stated default.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import JsonValue

from bot.core.errors import CoreError
from bot.core.questions import Answers, relevant
from bot.core.regions import known_regions, region_facts
from costengine.scenario import (
    Channel,
    ChannelVolume,
    Coverage,
    HoursPreset,
    Scenario,
    SupportKind,
    WeeklyWindow,
)

__all__ = [
    "DEFAULT_ANSWER_SECONDS",
    "DEFAULT_SERVICE_LEVEL",
    "MissingAnswer",
    "answers_from_scenario",
    "default_timezone",
    "missing",
    "scenario_from_answers",
]

DEFAULT_SERVICE_LEVEL = 0.8
DEFAULT_ANSWER_SECONDS = 20


class MissingAnswer(CoreError):
    """A required question has no answer yet (the machine asks it)."""

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


def missing(answers: Answers) -> str | None:
    """The first relevant question without an answer (skipped ones count as answered)."""
    for q in relevant(answers):
        if not q.asked:
            continue
        if q.id not in answers:
            return q.id
        if answers[q.id] is None and not q.optional:
            return q.id
    return None


def _windows(value: JsonValue) -> tuple[WeeklyWindow, ...]:
    if not isinstance(value, list):
        return ()
    found = []
    for item in value:
        if isinstance(item, list) and len(item) == 3:
            weekday, start, end = item
            if isinstance(weekday, int) and isinstance(start, int) and isinstance(end, int):
                found.append(WeeklyWindow(weekday=weekday, start_hour=start, end_hour=end))
    return tuple(found)


def _coverage(answers: Mapping[str, JsonValue], timezone: str) -> Coverage:
    hours = answers.get("hours")
    if isinstance(hours, list):
        return Coverage(preset=HoursPreset.CUSTOM, timezone=timezone, custom=_windows(hours))
    preset = HoursPreset(str(hours))
    if preset is HoursPreset.CUSTOM:
        custom = _windows(answers.get("hours_custom"))
        return Coverage(preset=preset, timezone=timezone, custom=custom)
    return Coverage(preset=preset, timezone=timezone)


def default_timezone(answers: Answers) -> str:
    """The time zone a skipped timezone question means: the region's first zone."""
    region = answers.get("region")
    if isinstance(region, str) and region in known_regions():
        return region_facts(region).zones[0]
    return "UTC"


def scenario_from_answers(answers: Answers) -> Scenario:
    """The scenario the answers describe. Raises :class:`MissingAnswer` when incomplete and
    pydantic's ``ValidationError`` when answers contradict each other."""
    gap = missing(answers)
    if gap is not None:
        raise MissingAnswer(gap)
    used = {q.id: answers.get(q.id) for q in relevant(answers)}
    channels = tuple(Channel(str(value)) for value in _list(used["channels"]))
    fields: dict[str, Any] = {
        "kind": SupportKind(str(used["kind"])),
        "channels": channels,
        "languages": tuple(str(code) for code in _list(used["languages"])),
        "region": str(used["region"]),
    }
    if used.get("sizing") == "team":
        fields["team_size"] = Decimal(str(used["team_size"]))
    elif used.get("sizing") == "users":
        fields["users"] = used["users"]
        tickets = used.get("tickets_per_user")
        if isinstance(tickets, str):
            fields["tickets_per_user_month"] = Decimal(tickets)
    else:
        fields["volumes"] = tuple(
            ChannelVolume(
                channel=channel,
                contacts_per_month=Decimal(str(used[f"volume_{channel.value}"])),
                aht_seconds=_optional_int(used.get(f"aht_{channel.value}")),
            )
            for channel in channels
        )
    _how_the_team_works(used, fields)
    timezone = used.get("timezone")
    zone = timezone if isinstance(timezone, str) else default_timezone(used)
    fields["coverage"] = _coverage(used, zone)
    currency = used.get("currency")
    if isinstance(currency, str):
        fields["currency"] = currency
    level = used.get("service_level")
    if isinstance(level, dict):
        fields["service_level"] = level.get("level", DEFAULT_SERVICE_LEVEL)
        fields["answer_seconds"] = level.get("seconds", DEFAULT_ANSWER_SECONDS)
    cost = used.get("current_cost")
    if isinstance(cost, str):
        fields["current_monthly_cost"] = Decimal(cost)
    return Scenario(**fields)


def _how_the_team_works(used: Mapping[str, JsonValue], fields: dict[str, Any]) -> None:
    """Pooling, languages as skills, IT tiers and outsourcing preferences, when given."""
    for name in ("pooling", "agent_languages", "outsourcing"):
        value = used.get(name)
        if isinstance(value, str):
            fields[name] = value
    shares = used.get("language_shares")
    if isinstance(shares, list) and len(shares) == len(fields["languages"]):
        fields["language_shares"] = tuple(float(str(share)) for share in shares)
    if fields.get("agent_languages") == "mixed":
        fields["multilingual_share"] = 0.5
    tiers = used.get("it_tiers")
    if isinstance(tiers, str) and tiers.isdigit():
        fields["it_tiers"] = int(tiers)
    destination = used.get("destination")
    if isinstance(destination, str) and destination != "auto":
        fields["destination"] = destination
    value = used.get("value_per_success")
    if isinstance(value, str):
        fields["value_per_success"] = Decimal(value)


def _list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def _optional_int(value: JsonValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def answers_from_scenario(scenario: Scenario) -> dict[str, JsonValue]:
    """The answers that describe ``scenario`` (so a quick estimate can be refined in chat)."""
    found: dict[str, JsonValue] = {
        "kind": scenario.kind.value,
        "region": scenario.region,
        "channels": [channel.value for channel in scenario.channels],
        "languages": list(scenario.languages),
        "timezone": scenario.coverage.timezone,
        "currency": scenario.currency,
        "service_level": {"level": scenario.service_level, "seconds": scenario.answer_seconds},
        "current_cost": None
        if scenario.current_monthly_cost is None
        else str(scenario.current_monthly_cost),
    }
    for name in ("pooling", "agent_languages", "outsourcing"):
        found[name] = getattr(scenario, name).value
    if scenario.language_shares is not None:
        found["language_shares"] = list(scenario.language_shares)
    if scenario.destination is not None:
        found["destination"] = scenario.destination
    if scenario.value_per_success is not None:
        found["value_per_success"] = str(scenario.value_per_success)
    if scenario.kind is SupportKind.IT_HELPDESK:
        found["it_tiers"] = str(scenario.it_tiers)
    if scenario.team_size is not None:
        found["sizing"] = "team"
        team = scenario.team_size
        found["team_size"] = int(team) if team == team.to_integral_value() else str(team)
    elif scenario.users is not None and not scenario.volumes:
        found["sizing"] = "users"
        found["users"] = scenario.users
        if scenario.tickets_per_user_month is not None:
            found["tickets_per_user"] = str(scenario.tickets_per_user_month)
    else:
        found["sizing"] = "volume"
        custom_aht = any(volume.aht_seconds is not None for volume in scenario.volumes)
        found["aht_mode"] = "custom" if custom_aht else None
        for volume in scenario.volumes:
            found[f"volume_{volume.channel.value}"] = str(volume.contacts_per_month)
            if custom_aht:
                found[f"aht_{volume.channel.value}"] = volume.aht_seconds
    coverage = scenario.coverage
    if coverage.preset is HoursPreset.CUSTOM:
        found["hours"] = [
            [window.weekday, window.start_hour, window.end_hour] for window in coverage.custom
        ]
    else:
        found["hours"] = coverage.preset.value
    return found
