"""Who may change a roster and who may take a handoff: pure rules, no I/O.

Changing a roster (add or remove a region, which is also how a region gets a new lead;
pause, resume; the ``ack`` setting) is for:

- the roster's creator (``created_by``, the platform's user id; ``""`` for rosters made
  before migration ``0005``, whose creator is unknown),
- the lead of any of its regions,
- an admin of the workspace or group, which only the platform knows: the service asks a
  :class:`~bot.handoff.ports.Directory`, and only when the first two rules say no.

Anyone may create a roster (the first ``add`` in a channel) and becomes its creator.

Acknowledging a reminder is for the incoming region's lead (as the reminder named them, or
as the roster names them now), or for anyone when the roster says so (``/handoff ack
anyone``). There is no member list to consult: a lead that is a Slack user group is matched
by nobody, so such a roster needs ``ack anyone``.

A lead is matched by what the platform vouches for, never by a display name: Slack's
``<@U123>`` (or ``<@U123|anna>``) against the user id; Telegram's ``@anna`` against the
user's username.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.handoff.errors import NotAllowed
from bot.handoff.records import StoredRoster

__all__ = ["Caller", "Change", "is_lead", "may_acknowledge", "may_change", "refusal"]

_USER_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^<>|]*)?>$")


class Change(StrEnum):
    """A kind of roster change; the value names its phrase in ``[access]`` of handoff.toml."""

    ADD = "add"
    REMOVE = "remove"
    PAUSE = "pause"
    RESUME = "resume"
    ACK_SETTING = "ack_setting"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who typed a command or pressed a button, as the platform reported it.

    ``user_id``: Slack "U123", Telegram "42" (what is stored as a roster's creator and what
    the :class:`~bot.handoff.ports.Directory` is asked about). ``mention``: how replies and
    acknowledgements name them ("<@U123>", "@anna", or a Telegram display name).
    ``username``: Telegram's @username without the "@", None when the user has none.
    """

    user_id: str
    mention: str
    username: str | None = None


def is_lead(lead: str, caller: Caller) -> bool:
    """Whether ``lead`` (a region's mention) names ``caller``."""
    if not caller.user_id:
        return False
    slack = _USER_MENTION.match(lead)
    if slack is not None:
        return slack[1] == caller.user_id
    if lead.startswith("@") and caller.username:
        return lead[1:].casefold() == caller.username.casefold()
    return False


def may_change(roster: StoredRoster, caller: Caller, *, admin: bool = False) -> bool:
    """The roster rules without the platform: creator, any region's lead, or ``admin``."""
    if admin:
        return True
    if roster.created_by and roster.created_by == caller.user_id:
        return True
    return any(is_lead(r.region.lead, caller) for r in roster.regions)


def may_acknowledge(
    roster: StoredRoster | None, incoming: str, leads: Iterable[str], caller: Caller
) -> bool:
    """Whether ``caller`` may take the handoff to region ``incoming`` (a name), whose lead
    the reminder gave as one of ``leads``: its lead then or now, or anyone if allowed."""
    if roster is not None and roster.ack_anyone:
        return True
    named = list(leads)
    if roster is not None:
        current = roster.roster.find(incoming)
        if current is not None:
            named.append(current.lead)
    return any(is_lead(lead, caller) for lead in named)


def refusal(roster: StoredRoster | None, change: Change) -> NotAllowed:
    """The error that names what was refused and the leads who could do it."""
    leads = [] if roster is None else [r.region.lead for r in roster.regions]
    return NotAllowed(action=change.value, leads=", ".join(dict.fromkeys(leads)))
