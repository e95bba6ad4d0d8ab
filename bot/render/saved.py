"""Saved estimates in words: the numbered list, and each scenario in a few words.

The core decides what is listed (:class:`bot.core.replies.SavedList`); this module words it
in the user's locale: "2. 9 May 2025, 14:03: Poland · phone and email · 8 people (FTE) ·
24/7, Outsourced PLN 41,000.00 a month", with an "Open 2" and a "Delete 2" button per entry.
:func:`scenario_brief` is also what Slack's App Home shows under each entry, so two entries
of the same user never look alike unless they priced the same thing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time

from bot.core.answers import answers_from_scenario
from bot.core.events import Choice, Reply, ReplyKind
from bot.core.questions import question
from bot.core.replies import SavedList
from bot.core.saved import SavedEstimate
from bot.render.answers import show_answer
from bot.render.catalog import lookup
from bot.render.env import renderer
from bot.render.labels import labels_for
from costengine.scenario import Scenario

__all__ = ["render_saved_list", "saved_line", "saved_when", "scenario_brief"]


def scenario_brief(scenario: Scenario, locale: str) -> str:
    """A scenario in a few words: where, which channels, how big, when open."""
    answers = answers_from_scenario(scenario)
    parts = [show_answer(question(name), answers, locale) for name in ("region", "channels")]
    if scenario.team_size is not None:
        parts.append(show_answer(question("team_size"), answers, locale))
    elif scenario.volumes:
        total = sum((v.contacts_per_month for v in scenario.volumes), Decimal(0))
        parts.append(lookup(locale, "saved.contacts", n=total))
    elif scenario.users is not None:
        parts.append(show_answer(question("users"), answers, locale))
    parts.append(show_answer(question("hours"), answers, locale))
    return lookup(locale, "saved.separator").join(parts)


def saved_when(created_at: datetime, zone: str, locale: str) -> str:
    """When an estimate was made, in the zone its scenario gives (the user's, UTC when none
    was given), to the minute: "Dec 6, 2026, 11:05 PM", "6 gru 2026, 23:05"."""
    babel = renderer().babel_locale(locale)
    if created_at.tzinfo is None:  # stores keep UTC; SQLite hands it back without a zone
        created_at = created_at.replace(tzinfo=UTC)
    local = created_at.astimezone(ZoneInfo(zone))
    pattern = str(babel.datetime_formats["medium"])
    return pattern.replace("{1}", format_skeleton("yMMMd", local, locale=babel)).replace(
        "{0}", format_time(local, "short", locale=babel)
    )


def saved_line(number: int, entry: SavedEstimate, locale: str) -> str:
    """One entry of the list: number, when, the scenario in a few words, the headline."""
    model = labels_for(renderer(), locale).get(
        "model", entry.recommended, default=entry.recommended
    )
    scenario = "?" if entry.scenario is None else scenario_brief(entry.scenario, locale)
    return lookup(
        locale,
        "saved.item",
        number=number,
        when=saved_when(
            entry.created_at,
            "UTC" if entry.scenario is None else entry.scenario.coverage.timezone,
            locale,
        ),
        scenario=scenario,
        model=model,
        total=entry.total,
        currency=entry.currency,
    )


def render_saved_list(saved: SavedList, locale: str) -> Reply:
    """The list (or "no saved estimates yet"), each entry with its open and delete buttons,
    and how to delete everything."""
    if not saved.entries:
        return Reply(text=lookup(locale, "saved.empty"), kind=ReplyKind.INFO)
    lines = [lookup(locale, "saved.title")]
    lines.extend(
        saved_line(number, entry, locale) for number, entry in enumerate(saved.entries, start=1)
    )
    lines.append(lookup(locale, "forget.elsewhere"))
    numbers = {entry.id: number for number, entry in enumerate(saved.entries, start=1)}
    actions = []
    for value in saved.actions:
        name, _, ref = value.partition(":")
        number = numbers.get(int(ref.lstrip("@"))) if ref.lstrip("@").isdigit() else None
        key = f"actions.{name}_saved"
        actions.append(Choice(value, lookup(locale, key, number=number or ref)))
    return Reply(text="\n".join(lines), kind=ReplyKind.INFO, actions=tuple(actions))
