"""Saved estimates and the user's own data, as the conversation sees them.

Every estimate a user receives is saved in their history (the store's ``estimates``); the
conversation lists them ("list", ``/estimate list``, ``/sourcewise list``, the App Home),
reopens one ("open 2", a button) and deletes one ("delete 2"), and "delete my data" removes
everything kept about the user once they confirm.

The core stays pure: the service loads the user's saved estimates before a turn that needs
them (:func:`wants_saved`) and hands them to :func:`bot.core.machine.step` as
:class:`SavedEstimate` values; what the turn wants changed in the store beyond its own
state comes back as an :data:`Effect` (:class:`DeleteSaved`, :class:`ForgetUser`), which
the service applies in the same unit of work as the turn.

Numbers the user types ("open 2") are positions in the list as shown, newest first; buttons
carry the estimate's id (``open:@41``), which stays right whatever was added since.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from bot.core.commands import command_from_text
from bot.core.events import Command, Event, Quick, Text
from costengine.scenario import Scenario

__all__ = [
    "SAVED_COMMANDS",
    "SAVED_LIMIT",
    "DeleteSaved",
    "Effect",
    "ForgetUser",
    "SavedEstimate",
    "find_saved",
    "saved_estimate",
    "saved_ref",
    "wants_saved",
]

#: How many saved estimates a list shows (newest first); older ones stay saved.
SAVED_LIMIT = 10

#: Commands that act on the saved estimates (the service loads them first).
SAVED_COMMANDS = ("saved", "open", "delete")

_REF = re.compile(r"^(?:#?(\d{1,4})|@(\d{1,18}))$")


@dataclass(frozen=True, slots=True)
class SavedEstimate:
    """One saved estimate: its store ``id``, when it was made, the scenario it priced (None
    when it no longer fits the current engine) and its headline."""

    id: int
    created_at: datetime
    scenario: Scenario | None
    recommended: str
    total: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class DeleteSaved:
    """Delete the user's saved estimate ``id``."""

    id: int


@dataclass(frozen=True, slots=True)
class ForgetUser:
    """Delete everything kept about the user: conversations, kept and saved estimates, open
    drafts and the replies kept for redelivery. Nothing of this turn's state is saved."""


#: What a turn asks the service to change in the store beyond the conversation's state.
Effect = DeleteSaved | ForgetUser


def saved_estimate(
    estimate_id: int, created_at: datetime, summary: Mapping[str, Any]
) -> SavedEstimate:
    """A history entry (``bot.service.estimate_summary``'s JSON) as the core reads it."""
    try:
        scenario: Scenario | None = Scenario.model_validate(summary.get("scenario"))
    except ValidationError:
        scenario = None
    recommended = str(summary.get("recommended", ""))
    totals = summary.get("monthly_totals")
    raw = totals.get(recommended) if isinstance(totals, Mapping) else None
    try:
        total = Decimal(str(raw)) if raw is not None else Decimal(0)
    except InvalidOperation:
        total = Decimal(0)
    return SavedEstimate(
        estimate_id, created_at, scenario, recommended, total, str(summary.get("currency", ""))
    )


def saved_ref(arg: str) -> tuple[str, int] | None:
    """ "2" or "#2" -> ("position", 2); "@41" -> ("id", 41); anything else None."""
    found = _REF.match(arg.strip())
    if found is None:
        return None
    if found.group(1) is not None:
        return ("position", int(found.group(1)))
    return ("id", int(found.group(2)))


def find_saved(saved: Sequence[SavedEstimate], arg: str) -> tuple[int, SavedEstimate] | None:
    """The entry ``arg`` names and its position in the list (1-based), or None."""
    ref = saved_ref(arg)
    if ref is None:
        return None
    kind, number = ref
    for position, entry in enumerate(saved, start=1):
        if (kind == "position" and position == number) or (kind == "id" and entry.id == number):
            return position, entry
    return None


def _command_of(event: Event) -> Command | None:
    if isinstance(event, Command):
        return event
    if isinstance(event, Text):
        return command_from_text(event.text)
    if isinstance(event, Quick):
        from bot.core.quick import quick_command  # the quick reader imports the replies

        return quick_command(event.text)
    return None


def wants_saved(event: Event) -> bool:
    """Whether the turn of ``event`` reads the saved estimates (so the service loads them)."""
    command = _command_of(event)
    return command is not None and command.name in SAVED_COMMANDS
