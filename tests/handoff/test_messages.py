"""Strings and templates: the same keys in every locale, every message renders everywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.handoff import errors
from bot.handoff.messages import (
    AckView,
    change_payload,
    error_reply,
    escalation_reply,
    format_days,
    parse_ack_value,
    reminder_reply,
    strings_for,
)
from bot.handoff.roster import Region
from bot.handoff.schedule import next_changes
from bot.render.env import LOCALES, Renderer

RENDERER = Renderer()
MON_FRI = frozenset(range(5))
REGIONS = [
    Region("EMEA", "Europe/Warsaw", 480, 1020, MON_FRI, "@anna"),
    Region("APAC", "Australia/Sydney", 480, 1020, MON_FRI, "@chen"),
]
ERRORS = [
    errors.UnknownCommand(word="x"),
    errors.MissingArgument(field="name"),
    errors.MissingArgument(field="tz"),
    errors.MissingArgument(field="window"),
    errors.MissingArgument(field="lead"),
    errors.UnexpectedArgument(word="x"),
    errors.InvalidName(name="1x"),
    errors.UnknownTimeZone(tz="Warsaw", suggestion="Europe/Warsaw"),
    errors.InvalidTime(text="25:00"),
    errors.EmptyShift(text="08:00-08:00"),
    errors.InvalidWeekdays(text="Funday"),
    errors.InvalidLead(lead="anna"),
    errors.InvalidDate(text="x"),
    errors.DuplicateRegion(name="EMEA", existing="EMEA UTC 00:00-24:00 Mon-Fri @a"),
    errors.TooManyRegions(limit="12"),
    errors.UnknownRegion(name="APAC", known="EMEA"),
    errors.UnknownRegion(name="APAC", known=""),
    errors.EmptyRoster(),
]


def test_every_locale_has_the_same_keys() -> None:
    english = strings_for(RENDERER, "en").keys()
    for locale in LOCALES:
        assert strings_for(RENDERER, locale).keys() == english, locale
        assert len(strings_for(RENDERER, locale).items("checklist.items")) == 4
        assert len(strings_for(RENDERER, locale).items("heatmap.legend")) == 5


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("error", ERRORS, ids=lambda e: f"{e.code}-{sorted(e.params.values())}")
def test_every_error_renders_in_every_locale(locale: str, error: errors.InvalidInput) -> None:
    for verb in ("add", "remove", "coverage", None):
        text = error_reply(RENDERER, locale, error, verb).text
        assert "{" not in text and text.strip()
        for value in error.params.values():
            if value and error.code != "missing_argument":
                assert value in text


@pytest.mark.parametrize("locale", LOCALES)
def test_reminders_render_in_every_locale(locale: str) -> None:
    change = next_changes(REGIONS, datetime(2026, 4, 2, tzinfo=UTC), limit=3)
    for c in change:
        payload = change_payload(c)
        live = reminder_reply(RENDERER, locale, payload, fire_id=7)
        assert "@anna" in live.text and "@chen" in live.text
        assert [a.value for a in live.actions] == ["handoff_ack:7"]
        acked = reminder_reply(
            RENDERER, locale, payload, fire_id=7, late=True, ack=AckView("@chen", c.at)
        )
        assert acked.actions == () and acked.text.count("@chen") >= 2
        assert "⏱" in acked.text and "⏱" not in live.text
        test = reminder_reply(RENDERER, locale, payload, fire_id=None, test=True)
        assert test.text.startswith("🧪") and test.actions == ()
        escalation = escalation_reply(RENDERER, locale, payload, ack_minutes=20)
        assert "20" in escalation.text and "@anna" in escalation.text
        assert not re.search(r"\n\n\n", live.text)


def test_gap_and_adjacent_wording() -> None:
    changes = next_changes(REGIONS, datetime(2026, 4, 3, tzinfo=UTC), limit=2)
    # Friday 17:00 Sydney = 06:00 UTC = 08:00 Warsaw: EMEA takes over at that very moment
    adjacent = reminder_reply(RENDERER, "en", change_payload(changes[0]), fire_id=1).text
    assert "@anna: your shift starts at Fri 08:00 (Europe/Warsaw)." in adjacent
    # Friday 17:00 Warsaw -> Monday 08:00 Sydney (AEST after 5 April) = Sunday 22:00 UTC
    gap = reminder_reply(RENDERER, "en", change_payload(changes[1]), fire_id=1).text
    assert "⚠️ Nobody is on shift for 55 h in between." in gap
    assert "@chen: your shift starts Mon 08:00 (Australia/Sydney)." in gap


def test_days_in_each_language() -> None:
    assert format_days(RENDERER, "en", frozenset({0, 1, 2, 3, 4})) == "Mon–Fri"
    assert format_days(RENDERER, "pl", frozenset({5, 6})) == "sob., niedz."
    assert format_days(RENDERER, "zh", frozenset({0, 1, 2, 4})) == "周一至周三、周五"


@pytest.mark.parametrize(
    ("value", "fire_id"),
    [
        ("handoff_ack:42", 42),
        ("handoff_ack:", None),
        ("handoff_ack:-1", None),
        ("handoff_ack:٣", None),
        ("other:42", None),
        ("handoff_ack:42:1", None),
        ("handoff_ack:" + "9" * 30, None),
    ],
)
def test_ack_values(value: str, fire_id: int | None) -> None:
    assert parse_ack_value(value) == fire_id
