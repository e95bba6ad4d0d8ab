"""Slack payloads as Slack sends them, built from the blocks our adapter rendered.

A click is simulated the way Slack produces it: the element's ``action_id`` and ``value``
are copied out of the message's blocks, so tests prove the round trip blocks -> payload ->
event instead of restating the id scheme.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

_counter = itertools.count(1)


def _next() -> int:
    return next(_counter)


def message_event(
    text: str,
    *,
    team: str = "T1",
    user: str = "U1",
    channel: str = "D1",
    event_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    n = _next()
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": f"1700000000.{n:06d}",
        "team": team,
        **extra,
    }
    return {
        "token": "legacy",
        "team_id": team,
        "api_app_id": "A0SOURCEWISE",
        "type": "event_callback",
        "event_id": event_id or f"Ev{n:08d}",
        "event_time": 1700000000 + n,
        "event": event,
        "authorizations": [{"team_id": team, "user_id": f"U{team}BOT", "is_bot": True}],
    }


def app_home_opened(*, team: str = "T1", user: str = "U1") -> dict[str, Any]:
    n = _next()
    return {
        "token": "legacy",
        "team_id": team,
        "api_app_id": "A0SOURCEWISE",
        "type": "event_callback",
        "event_id": f"EvHome{n:06d}",
        "event_time": 1700000000 + n,
        "event": {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"},
    }


def find_element(blocks: Sequence[Mapping[str, Any]], action_id_prefix: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", ()):
            if str(element.get("action_id", "")).startswith(action_id_prefix):
                return dict(element)
    raise AssertionError(f"no element {action_id_prefix!r} in {blocks!r}")


def block_of(blocks: Sequence[Mapping[str, Any]], action_id_prefix: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", ()):
            if str(element.get("action_id", "")).startswith(action_id_prefix):
                return dict(block)
    raise AssertionError(f"no block with {action_id_prefix!r}")


def block_actions(
    action: Mapping[str, Any],
    *,
    team: str = "T1",
    user: str = "U1",
    channel: str = "D1",
    message: Mapping[str, Any] | None = None,
    block_id: str = "",
    state: Mapping[str, Any] | None = None,
    response_url: str = "https://hooks.slack.invalid/actions/1",
    container: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    n = _next()
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": "A0SOURCEWISE",
        "token": "legacy",
        "container": dict(container)
        if container is not None
        else {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": False},
        "trigger_id": f"{n}.{n}.trigger{n:04d}",
        "team": {"id": team, "domain": team.lower()},
        "channel": {"id": channel, "name": "directmessage"},
        "message": dict(message) if message is not None else {"ts": "1.1", "blocks": []},
        "state": {"values": dict(state or {})},
        "response_url": response_url,
        "actions": [{**action, "block_id": block_id, "action_ts": f"1700000000.{n}"}],
    }


def click(element: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Press a button exactly as rendered."""
    action = {
        "type": "button",
        "action_id": element["action_id"],
        "value": element.get("value", ""),
        "text": element["text"],
    }
    return block_actions(action, **kwargs)


def choose(element: Mapping[str, Any], value: str, **kwargs: Any) -> dict[str, Any]:
    """Pick one option of a static_select exactly as rendered."""
    options = list(element.get("options", ()))
    for group in element.get("option_groups", ()):
        options.extend(group["options"])
    option = next(o for o in options if o["value"] == value)
    action = {
        "type": "static_select",
        "action_id": element["action_id"],
        "selected_option": option,
    }
    return block_actions(action, **kwargs)


def multi_state(block_id: str, element: Mapping[str, Any], values: Sequence[str]) -> dict[str, Any]:
    """The ``state.values`` Slack sends when the multi-select holds ``values``."""
    options = [o for o in element.get("options", ()) if o["value"] in values]
    return {
        block_id: {
            element["action_id"]: {"type": "multi_static_select", "selected_options": options}
        }
    }


def slash_command(
    text: str,
    *,
    team: str = "T1",
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "https://hooks.slack.invalid/commands/1",
) -> dict[str, str]:
    n = _next()
    return {
        "token": "legacy",
        "team_id": team,
        "team_domain": team.lower(),
        "channel_id": channel,
        "channel_name": "general" if channel.startswith("C") else "directmessage",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/sourcewise",
        "text": text,
        "api_app_id": "A0SOURCEWISE",
        "response_url": response_url,
        "trigger_id": f"{n}.{n}.cmd{n:04d}",
    }


def view_submission(
    view: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    team: str = "T1",
    user: str = "U1",
) -> dict[str, Any]:
    n = _next()
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": team.lower()},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": "A0SOURCEWISE",
        "token": "legacy",
        "trigger_id": f"{n}.{n}.view{n:04d}",
        "view": {
            **view,
            "id": f"V{n:08d}",
            "team_id": team,
            "state": {"values": dict(values)},
            "hash": f"hash{n}",
        },
        "response_urls": [],
    }
