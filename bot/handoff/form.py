"""The add-a-region form, as pure functions over a plain ``dict[str, str]`` of answers.

Slack shows all fields at once in a modal (:func:`validate_all`, errors per field);
Telegram asks one field at a time (:func:`answer`, then :func:`next_field`). Either way the
answers become the same ``add`` command text and go through :func:`parse_command`, so the
form can accept nothing the command would reject. The answers dict is JSON, so whoever
keeps the conversation state (the core's store) can keep the draft too.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.handoff.commands import Add, parse_command, parse_weekdays, parse_window
from bot.handoff.errors import EmptyShift, InvalidInput
from bot.handoff.roster import canonical_zone, check_lead, check_name, format_weekdays

__all__ = ["FIELDS", "answer", "next_field", "to_command", "validate_all"]

#: Field order: what Telegram asks and what the Slack modal shows.
FIELDS: tuple[str, ...] = ("name", "tz", "window", "days", "lead")

#: Answers meaning "use the default" for the optional days field.
_DEFAULT = frozenset({"", "-", "—", "default", "domyślnie", "默认"})


def _normalize(field: str, text: str) -> str:
    """Check one answer; return it in command syntax. Raises an :class:`InvalidInput`."""
    value = text.strip()
    if field == "name":
        check_name(value)
        return value
    if field == "tz":
        return canonical_zone(value)
    if field == "window":
        compact = "".join(value.split())  # "22:00 - 06:00" is fine in a form
        start, end = parse_window(compact)
        if start == end:
            raise EmptyShift(text=value)
        return compact
    if field == "days":
        if value.casefold() in _DEFAULT:
            return "Mon-Fri"
        return format_weekdays(parse_weekdays("".join(value.split())))
    if field == "lead":
        check_lead(value)
        return value
    raise KeyError(field)


def next_field(answers: Mapping[str, str]) -> str | None:
    """The first field still unanswered, or None when the form is complete."""
    return next((f for f in FIELDS if f not in answers), None)


def answer(answers: Mapping[str, str], text: str) -> dict[str, str]:
    """A new answers dict with ``text`` as the answer to the next field (the old one is
    left alone). Raises :class:`InvalidInput` for a bad answer; the field is asked again."""
    field = next_field(answers)
    if field is None:
        raise ValueError("the form is already complete")
    return {**answers, field: _normalize(field, text)}


def validate_all(values: Mapping[str, str]) -> dict[str, InvalidInput]:
    """Every field's problem at once (the Slack modal shows them beside the inputs)."""
    problems: dict[str, InvalidInput] = {}
    for field in FIELDS:
        try:
            _normalize(field, values.get(field, "") or ("-" if field == "days" else ""))
        except InvalidInput as exc:
            problems[field] = exc
    return problems


def to_command(values: Mapping[str, str]) -> Add:
    """The ``add`` command the answers describe (validated again, in full)."""
    parts = [_normalize(f, values.get(f, "") or ("-" if f == "days" else "")) for f in FIELDS]
    command = parse_command("add " + " ".join(parts))
    assert isinstance(command, Add)
    return command
