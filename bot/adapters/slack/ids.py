"""The ``action_id`` / ``block_id`` scheme shared by :mod:`.blocks` (which writes it) and
:mod:`.translate` (which reads it back).

Slack echoes an element's ``action_id`` and ``value`` unchanged in the ``block_actions``
payload, so the scheme is the whole contract between a rendered message and the event a
click becomes. Ids start with ``sw:`` so bolt listeners can match them with one regex, and
carry the question id so a click on an old message still names the question it answers
(the core decides whether it is stale). Slack wants ``action_id`` unique within a block,
hence the index on buttons.
"""

from __future__ import annotations

import re

__all__ = [
    "ACTION",
    "CORE_ACTION",
    "DONE",
    "FORM_CALLBACK",
    "HOME_FORM",
    "HOME_START",
    "MULTI",
    "PICK",
    "SELECT",
    "SHARE",
    "action_id",
    "prompt_block_id",
    "question_block_id",
    "split_action_id",
]

PICK = "pick"  # a choice button: sw:pick:<question>:<i>, value = Choice.value
SELECT = "select"  # a static_select: sw:select:<question>
MULTI = "multi"  # a multi_static_select: sw:multi:<question> (changes are ignored)
DONE = "done"  # the multi-select's confirm button: sw:done:<question>
ACTION = "act"  # a follow-up action button: sw:act:<i>, value = "command" or "command:arg"

#: Adapter-level buttons (no core event of their own).
SHARE = "sw:share"  # "share in channel" under an ephemeral one-line estimate
HOME_START = "sw:home:start"  # App Home: start a conversation in the DM
HOME_FORM = "sw:home:form"  # App Home: open the one-screen form
FORM_CALLBACK = "sw:form"  # the modal's callback_id

#: Matches every action that becomes a core event.
CORE_ACTION = re.compile(rf"^sw:({PICK}|{SELECT}|{MULTI}|{DONE}|{ACTION}):")


def action_id(kind: str, *parts: str | int) -> str:
    return ":".join(["sw", kind, *(str(p) for p in parts)])


def question_block_id(question: str) -> str:
    return f"sw:q:{question}"


def prompt_block_id(question: str) -> str:
    """The first text section of a question: says which question a free-text answer is for
    (read by tests and by anyone inspecting a message; the core tracks it itself)."""
    return f"sw:prompt:{question}"


def split_action_id(value: str) -> tuple[str, str] | None:
    """``sw:pick:team_size:2`` -> ("pick", "team_size"); None when not a core action.

    Question ids may themselves contain ``:``; only the button index is split off the end.
    """
    match = CORE_ACTION.match(value)
    if match is None:
        return None
    kind = match.group(1)
    rest = value[match.end() :]
    if kind == PICK:
        rest = rest.rpartition(":")[0]
    return kind, rest
