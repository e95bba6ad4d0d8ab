"""Slack payloads -> core calls: pure functions of the request body, no I/O.

One half of the adapter (bolt's ``to_bolt_request`` shape): a DM message, a button click, a
select or a slash command becomes an :class:`Inbound` -- the conversation key, the neutral
:data:`~bot.core.events.Event`, the id the service deduplicates on and a locale hint. Nothing
here knows what a question means; values travel back to the core exactly as
:mod:`.blocks` wrote them.

Slack's ids: the workspace is the team id (``T…``), the user the member id (``U…``).
Events are deduplicated on ``event_id`` (Slack retries with the same id), interactions on
their ``trigger_id`` (unique per click).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.adapters.slack import ids
from bot.core.events import Command, Event, Pick, Start, Submit, Text
from bot.core.ports import ConversationKey

__all__ = [
    "Inbound",
    "SlashCommand",
    "SlashKind",
    "answered_label",
    "from_block_action",
    "from_message_event",
    "key_for",
    "parse_command_value",
    "parse_slash_command",
    "start_from",
    "team_and_user",
    "unescape_mrkdwn",
]

PLATFORM = "slack"


@dataclass(frozen=True, slots=True)
class Inbound:
    """Everything ``Conversations.handle`` needs for one Slack update."""

    key: ConversationKey
    event: Event
    dedupe_id: str | None
    locale: str | None = None


def key_for(team_id: str, user_id: str) -> ConversationKey:
    return ConversationKey(platform=PLATFORM, workspace=team_id, user=user_id)


def _str(mapping: Mapping[str, Any] | None, name: str) -> str:
    value = (mapping or {}).get(name)
    return value if isinstance(value, str) else ""


def _map(mapping: Mapping[str, Any] | None, name: str) -> Mapping[str, Any]:
    value = (mapping or {}).get(name)
    return value if isinstance(value, Mapping) else {}


def team_and_user(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (team, user) of any payload shape: event, interaction, slash command, view.

    Org-wide (Enterprise Grid) installs may send ``team`` null on interactions; the user's
    own ``team_id`` is then the workspace that owns the conversation.
    """
    if "event" in body:
        event = _map(body, "event")
        team = _str(body, "team_id") or _str(event, "team")
        user = event.get("user")
        user_id = user if isinstance(user, str) else _str(user, "id")
    elif "user_id" in body:  # slash command
        team, user_id = _str(body, "team_id"), _str(body, "user_id")
    else:  # block_actions, view_submission
        user = _map(body, "user")
        team = _str(_map(body, "team"), "id") or _str(user, "team_id")
        user_id = _str(user, "id")
    return (team, user_id) if team and user_id else None


def _locale(body: Mapping[str, Any]) -> str | None:
    """Slack sends the user's locale only on some payloads (``user.locale`` / ``locale``)."""
    return _str(_map(body, "user"), "locale") or _str(body, "locale") or None


# --- DM messages --------------------------------------------------------------------------

_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def unescape_mrkdwn(text: str) -> str:
    """Slack's message text -> what the user typed: links and mentions to their labels,
    then the three HTML entities Slack escapes (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``).
    """

    def label(match: re.Match[str]) -> str:
        target, shown = match.group(1), match.group(2)
        if shown:
            return shown
        return target.removeprefix("mailto:")

    text = _LINK.sub(label, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def from_message_event(body: Mapping[str, Any]) -> Inbound | None:
    """A direct message to the bot -> ``Text``; anything else (bots, edits, joins, channel
    chatter, the bot's own posts) -> None."""
    event = _map(body, "event")
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") or event.get("bot_id") or event.get("bot_profile"):
        return None
    who = team_and_user(body)
    text = unescape_mrkdwn(_str(event, "text")).strip()
    if who is None or not text:
        return None
    event_id = _str(body, "event_id")
    return Inbound(
        key=key_for(*who),
        event=Text(text),
        dedupe_id=f"ev:{event_id}" if event_id else None,
        locale=_locale(body),
    )


# --- interactions -------------------------------------------------------------------------


def parse_command_value(value: str) -> Command:
    """An action's value ``"edit:channels"`` -> ``Command("edit", "channels")``."""
    name, _, arg = value.partition(":")
    return Command(name=name, arg=arg)


def _state_selection(body: Mapping[str, Any], wanted_action_id: str) -> tuple[str, ...] | None:
    """The options currently chosen in the multi-select ``wanted_action_id``, read from the
    ``state`` Slack attaches to the click on the Done button; None if Slack sent no state
    for it (the user never touched it: the core's own selection stands)."""
    values = _map(_map(body, "state"), "values")
    for block in values.values():
        if not isinstance(block, Mapping):
            continue
        element = block.get(wanted_action_id)
        if isinstance(element, Mapping):
            options = element.get("selected_options")
            if isinstance(options, list):
                return tuple(
                    _str(option, "value") for option in options if isinstance(option, Mapping)
                )
    return None


def _action_event(body: Mapping[str, Any], action: Mapping[str, Any]) -> Event | None:
    split = ids.split_action_id(_str(action, "action_id"))
    if split is None:
        return None
    kind, question = split
    if kind == ids.PICK:
        return Pick(question=question, value=_str(action, "value"))
    if kind == ids.SELECT:
        value = _str(_map(action, "selected_option"), "value")
        return Pick(question=question, value=value) if value else None
    if kind == ids.DONE:
        selected = _state_selection(body, ids.action_id(ids.MULTI, question))
        return Submit(question=question, values=selected)
    if kind == ids.ACTION:
        value = _str(action, "value")
        return parse_command_value(value) if value else None
    return None  # MULTI: each change of a multi-select; only Done counts


def from_block_action(body: Mapping[str, Any]) -> Inbound | None:
    """A ``block_actions`` payload -> the core event of its (first) action, or None."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        return None
    who = team_and_user(body)
    event = _action_event(body, actions[0])
    if who is None or event is None:
        return None
    trigger = _str(body, "trigger_id")
    action_ts = _str(actions[0], "action_ts")
    dedupe = f"act:{trigger}" if trigger else (f"act:{who[1]}:{action_ts}" if action_ts else None)
    return Inbound(key=key_for(*who), event=event, dedupe_id=dedupe, locale=_locale(body))


def answered_label(body: Mapping[str, Any]) -> str | None:
    """What the user chose, for marking a question message as answered (``chat.update``).

    None for follow-up actions (the message they sit on stays as it is).
    """
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        return None
    action = actions[0]
    split = ids.split_action_id(_str(action, "action_id"))
    if split is None:
        return None
    kind, question = split
    if kind == ids.PICK:
        return _str(_map(action, "text"), "text") or None
    if kind == ids.SELECT:
        return _str(_map(_map(action, "selected_option"), "text"), "text") or None
    if kind == ids.DONE:
        values = _map(_map(body, "state"), "values")
        wanted = ids.action_id(ids.MULTI, question)
        for block in values.values():
            element = block.get(wanted) if isinstance(block, Mapping) else None
            if isinstance(element, Mapping) and isinstance(element.get("selected_options"), list):
                labels = [
                    _str(_map(option, "text"), "text")
                    for option in element["selected_options"]
                    if isinstance(option, Mapping)
                ]
                return ", ".join(label for label in labels if label) or None
        return None
    return None


# --- the slash command --------------------------------------------------------------------


class SlashKind(StrEnum):
    START = "start"  # no text, "start", "new": begin the guided conversation
    HELP = "help"
    FORM = "form"  # open the one-screen modal
    ESTIMATE = "estimate"  # anything else: a one-line estimate


@dataclass(frozen=True, slots=True)
class SlashCommand:
    kind: SlashKind
    text: str = ""


_WORDS = {
    "": SlashKind.START,
    "start": SlashKind.START,
    "new": SlashKind.START,
    "help": SlashKind.HELP,
    "?": SlashKind.HELP,
    "form": SlashKind.FORM,
}


def parse_slash_command(text: str) -> SlashCommand:
    """``/sourcewise <text>``: a keyword, or the one-line estimate grammar (the same as
    Telegram's ``/estimate``; the core's quick parser reads it)."""
    cleaned = unescape_mrkdwn(text).strip()
    kind = _WORDS.get(cleaned.lower())
    if kind is not None:
        return SlashCommand(kind)
    return SlashCommand(SlashKind.ESTIMATE, cleaned)


def start_from(body: Mapping[str, Any]) -> Inbound | None:
    """A ``Start`` for whoever sent this payload: ``/sourcewise`` with no words, or the App
    Home's "new estimate" button (both carry a ``trigger_id``, unique per use)."""
    who = team_and_user(body)
    if who is None:
        return None
    trigger = _str(body, "trigger_id")
    return Inbound(
        key=key_for(*who),
        event=Start(locale=_locale(body)),
        dedupe_id=f"cmd:{trigger}" if trigger else None,
        locale=_locale(body),
    )
