"""Replies <-> JSON, so the replies of a handled update can be stored and sent again later.

Plain JSON a database column holds: enums as their values, the ``selected`` set as a sorted
list, PNG bytes as base64. Decoding is strict (a missing or mistyped field raises
:class:`ValueError`) because a reply we cannot rebuild exactly must not be half-sent.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

from bot.core.events import Choice, Image, Reply, ReplyKind
from bot.store.base import JSONObject

__all__ = ["replies_from_json", "replies_to_json", "reply_from_json", "reply_to_json"]


def _choice_to_json(choice: Choice) -> JSONObject:
    return {"value": choice.value, "label": choice.label}


def reply_to_json(reply: Reply) -> JSONObject:
    image = reply.image
    return {
        "text": reply.text,
        "kind": reply.kind.value,
        "question": reply.question,
        "choices": [_choice_to_json(c) for c in reply.choices],
        "multi": reply.multi,
        "selected": sorted(reply.selected),
        "actions": [_choice_to_json(c) for c in reply.actions],
        "image": None
        if image is None
        else {
            "png": base64.b64encode(image.png).decode("ascii"),
            "filename": image.filename,
            "alt": image.alt,
            "title": image.title,
        },
    }


def replies_to_json(replies: Iterable[Reply]) -> list[JSONObject]:
    return [reply_to_json(reply) for reply in replies]


def _str(data: JSONObject, name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(f"reply field {name!r} must be a string")
    return value


def _choices(data: JSONObject, name: str) -> tuple[Choice, ...]:
    items = data[name]
    if not isinstance(items, list):
        raise ValueError(f"reply field {name!r} must be a list")
    return tuple(Choice(_str(item, "value"), _str(item, "label")) for item in items)


def _image(data: Any) -> Image | None:
    if data is None:
        return None
    try:
        png = base64.b64decode(_str(data, "png"), validate=True)
    except binascii.Error as exc:
        raise ValueError("reply image is not valid base64") from exc
    title = data.get("title", "")  # replies stored before images had a title
    return Image(
        png=png,
        filename=_str(data, "filename"),
        alt=_str(data, "alt"),
        title=title if isinstance(title, str) else "",
    )


def reply_from_json(data: JSONObject) -> Reply:
    try:
        question = data["question"]
        if question is not None and not isinstance(question, str):
            raise ValueError("reply field 'question' must be a string or null")
        multi = data["multi"]
        if not isinstance(multi, bool):
            raise ValueError("reply field 'multi' must be a boolean")
        selected = data["selected"]
        if not isinstance(selected, list) or not all(isinstance(s, str) for s in selected):
            raise ValueError("reply field 'selected' must be a list of strings")
        return Reply(
            text=_str(data, "text"),
            kind=ReplyKind(_str(data, "kind")),
            question=question,
            choices=_choices(data, "choices"),
            multi=multi,
            selected=frozenset(selected),
            actions=_choices(data, "actions"),
            image=_image(data["image"]),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed stored reply: {exc!r}") from exc


def replies_from_json(data: Iterable[JSONObject]) -> tuple[Reply, ...]:
    return tuple(reply_from_json(item) for item in data)
