"""Core replies -> Block Kit: pure functions, no I/O.

The other half of the adapter. A :class:`~bot.core.events.Reply` becomes:

- its text as ``section`` blocks in mrkdwn, with ``&``, ``<`` and ``>`` escaped (Slack's
  only three control characters: an unescaped ``<`` would turn "<5 agents" into a link);
- single-choice questions as buttons (up to :data:`MAX_BUTTONS` choices) or a
  ``static_select`` beyond;
- multi-choice questions as a ``multi_static_select`` plus a Done button (Slack sends the
  whole selection with the Done click, see :mod:`.translate`);
- follow-up actions (why?, details, edit, share) as buttons.

The ids written here are the ones :mod:`.translate` reads back (scheme in :mod:`.ids`).
Slack's limits are enforced here, so a long reply never makes ``chat.postMessage`` fail:
3000 characters per section (a long text is cut at blank lines, then line ends, then spaces,
before it is escaped, so no cut falls inside a line that fits or inside ``&amp;``), 75 per
button or option label, 25 elements per ``actions`` block, 100 options per select, 50 blocks
per message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.adapters.slack import ids
from bot.adapters.slack.strings import SlackStrings
from bot.core.events import Choice, Reply, ReplyKind
from bot.render.split import cut_point, split_text

__all__ = [
    "MAX_BUTTONS",
    "Block",
    "escape",
    "fallback_text",
    "is_question_message",
    "mark_answered",
    "mrkdwn_sections",
    "plain",
    "reply_blocks",
    "truncate",
]

Block = dict[str, Any]

#: Up to this many choices render as buttons; more become a select menu.
MAX_BUTTONS = 5

SECTION_LIMIT = 3000
LABEL_LIMIT = 75
ELEMENTS_PER_ACTIONS = 25
OPTIONS_PER_SELECT = 100
BLOCKS_PER_MESSAGE = 50
FALLBACK_LIMIT = 3000


# Slack mention tokens that must reach Slack unescaped to notify anyone.
_MENTION = re.compile(r"(<@[A-Z0-9]+(?:\|[^<>|]+)?>|<!subteam\^[A-Z0-9]+(?:\|[^<>|]+)?>)")


def escape(text: str, *, keep_mentions: bool = False) -> str:
    """Slack's escaping for text it parses as mrkdwn: ``&`` first, then ``<`` and ``>``.

    ``keep_mentions`` leaves ``<@U123>`` and ``<!subteam^S1>`` tokens as they are, so a
    handoff reminder still notifies its lead; nothing else a user typed can become a link.
    """
    if keep_mentions:
        return "".join(
            part if _MENTION.fullmatch(part) else escape(part) for part in _MENTION.split(text)
        )
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = LABEL_LIMIT) -> Block:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


def _escaped_len(text: str) -> int:
    return len(escape(text))


def mrkdwn_sections(text: str, *, limit: int = SECTION_LIMIT) -> list[Block]:
    """``text`` as escaped mrkdwn sections under Slack's size limit, cut at a blank line, else
    at a line end, else at a space: never inside a line that fits, never inside an escaped
    entity (the text is cut first and each part escaped whole)."""
    parts = split_text(text, limit, _escaped_len)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": escape(part)}} for part in parts]


def _escaped_prefix(text: str, limit: int) -> str:
    """The escaped ``text`` cut to at most ``limit`` characters without splitting an entity:
    the raw text is cut (at a space if one is near) before it is escaped."""
    if _escaped_len(text) <= limit:
        return escape(text)
    cut = cut_point(text, limit - 1, _escaped_len)
    return escape(text[:cut].rstrip()) + "…"


def _option(choice: Choice) -> Block:
    return {"text": plain(choice.label), "value": choice.value}


def _options(choices: Sequence[Choice]) -> dict[str, Any]:
    """``options``, or ``option_groups`` of 100 when there are more (Slack's cap per list)."""
    if len(choices) <= OPTIONS_PER_SELECT:
        return {"options": [_option(c) for c in choices]}
    groups = []
    for start in range(0, min(len(choices), OPTIONS_PER_SELECT**2), OPTIONS_PER_SELECT):
        chunk = choices[start : start + OPTIONS_PER_SELECT]
        label = f"{start + 1}–{start + len(chunk)}"
        groups.append({"label": plain(label), "options": [_option(c) for c in chunk]})
    return {"option_groups": groups}


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> Block:
    button: Block = {
        "type": "button",
        "text": plain(text),
        "action_id": action_id,
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def _question_block(reply: Reply, labels: SlackStrings) -> Block | None:
    question = reply.question or ""
    if not reply.choices:
        return None
    block_id = ids.question_block_id(question)
    if reply.multi:
        select: Block = {
            "type": "multi_static_select",
            "action_id": ids.action_id(ids.MULTI, question),
            "placeholder": plain(labels.choose_many),
            **_options(reply.choices),
        }
        initial = [_option(c) for c in reply.choices if c.value in reply.selected]
        if initial:
            select["initial_options"] = initial
        done = _button(labels.done, ids.action_id(ids.DONE, question), "done", primary=True)
        return {"type": "actions", "block_id": block_id, "elements": [select, done]}
    if len(reply.choices) <= MAX_BUTTONS:
        buttons = [
            _button(
                choice.label,
                ids.action_id(ids.PICK, question, index),
                choice.value,
                primary=choice.value in reply.selected,
            )
            for index, choice in enumerate(reply.choices)
        ]
        return {"type": "actions", "block_id": block_id, "elements": buttons}
    menu: Block = {
        "type": "static_select",
        "action_id": ids.action_id(ids.SELECT, question),
        "placeholder": plain(labels.choose),
        **_options(reply.choices),
    }
    current = [c for c in reply.choices if c.value in reply.selected]
    if len(current) == 1:
        menu["initial_option"] = _option(current[0])
    return {"type": "actions", "block_id": block_id, "elements": [menu]}


def _action_blocks(actions: Sequence[Choice]) -> list[Block]:
    buttons = [
        _button(action.label, ids.action_id(ids.ACTION, index), action.value)
        for index, action in enumerate(actions)
    ]
    return [
        {
            "type": "actions",
            "block_id": f"sw:actions:{start // ELEMENTS_PER_ACTIONS}",
            "elements": buttons[start : start + ELEMENTS_PER_ACTIONS],
        }
        for start in range(0, len(buttons), ELEMENTS_PER_ACTIONS)
    ]


#: Edit buttons per row of the summary: rows Slack lays out side by side on a desktop and
#: wraps readably on a phone, instead of one block of fifteen.
EDITS_PER_ROW = 5
#: The summary's main action: the one primary (green) button of the message.
_PRIMARY = "compute"


def _summary_blocks(actions: Sequence[Choice], labels: SlackStrings) -> list[Block]:
    """The summary's actions, grouped: a heading, the "edit" buttons in rows of
    :data:`EDITS_PER_ROW`, then Calculate (primary) with the other actions (start again)."""
    edits = [(i, a) for i, a in enumerate(actions) if a.value.startswith("edit:")]
    others = [(i, a) for i, a in enumerate(actions) if not a.value.startswith("edit:")]
    others.sort(key=lambda pair: pair[1].value != _PRIMARY)
    blocks: list[Block] = []
    if edits:
        heading = {"type": "mrkdwn", "text": escape(labels.summary_edit)}
        blocks.append({"type": "context", "block_id": "sw:summary:edit", "elements": [heading]})
    for row, start in enumerate(range(0, len(edits), EDITS_PER_ROW)):
        chunk = edits[start : start + EDITS_PER_ROW]
        blocks.append(
            {
                "type": "actions",
                "block_id": f"sw:summary:edit:{row}",
                "elements": [
                    _button(a.label, ids.action_id(ids.ACTION, i), a.value) for i, a in chunk
                ],
            }
        )
    if others:
        blocks.append(
            {
                "type": "actions",
                "block_id": "sw:summary:go",
                "elements": [
                    _button(
                        a.label, ids.action_id(ids.ACTION, i), a.value, primary=a.value == _PRIMARY
                    )
                    for i, a in others[:ELEMENTS_PER_ACTIONS]
                ],
            }
        )
    return blocks


def reply_blocks(reply: Reply, labels: SlackStrings) -> list[Block]:
    """One reply as the ``blocks`` of one message (its chart is uploaded separately)."""
    text = reply.text
    if reply.kind is ReplyKind.ERROR and text:
        text = f"⚠️ {text}"
    interactive: list[Block] = []
    question = _question_block(reply, labels)
    if question is not None:
        interactive.append(question)
    if reply.kind is ReplyKind.SUMMARY:
        interactive.extend(_summary_blocks(reply.actions, labels))
    else:
        interactive.extend(_action_blocks(reply.actions))
    sections = mrkdwn_sections(text) if text.strip() else []
    if sections and reply.kind is ReplyKind.QUESTION and reply.question:
        sections[0]["block_id"] = ids.prompt_block_id(reply.question)
    room = BLOCKS_PER_MESSAGE - len(interactive)
    if len(sections) > room:
        kept = split_text(text, SECTION_LIMIT, _escaped_len)[: max(room, 0)]
        sections = sections[: max(room, 0)]
        if sections:  # the last one kept says there is more, cut where a cut is safe
            last = sections[-1]["text"]
            last["text"] = _escaped_prefix(kept[-1] + " …", SECTION_LIMIT)
    divider: list[Block] = (
        [{"type": "divider"}]
        if reply.kind is ReplyKind.RESULT and sections and reply.actions
        else []
    )
    return [*sections, *divider, *interactive][:BLOCKS_PER_MESSAGE]


def fallback_text(reply: Reply) -> str:
    """The message's top-level ``text``: what notifications and screen readers show."""
    return _escaped_prefix(reply.text.strip(), FALLBACK_LIMIT) or " "


def _answered(block_id: str, label: str | None) -> Block:
    text = f"✓ *{escape(label)}*" if label else "✓"
    return {"type": "context", "block_id": block_id, "elements": [{"type": "mrkdwn", "text": text}]}


def mark_answered(
    blocks: Sequence[Mapping[str, Any]], question: str | None, label: str | None
) -> list[dict[str, Any]]:
    """A question message once it was answered (a click, or an answer typed after it): its
    choices replaced by "✓ <what was chosen>" and its follow-up buttons (back, skip)
    dropped, so nothing on an answered question can be pressed again and the DM reads as
    a transcript. ``question`` None (an answer typed after it): every button goes;
    ``label`` None: nothing is added (the typed answer follows in the DM itself)."""
    block_id = ids.question_block_id(question) if question is not None else None
    updated: list[dict[str, Any]] = []
    marked = False
    for block in blocks:
        found = str(block.get("block_id", ""))
        if block_id is not None and found == block_id:
            updated.append(_answered(found, label))
            marked = True
        elif block.get("type") == "actions" and (
            found.startswith(("sw:actions:", "sw:q:")) or block_id is None
        ):
            continue  # back, skip, the choices of a question answered by typing
        else:
            updated.append(dict(block))
    if not marked and label:
        updated.append(_answered(block_id or "sw:answered", label))
    return updated


def is_question_message(blocks: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a posted message asks a question (its first section names it)."""
    return any(str(b.get("block_id", "")).startswith("sw:prompt:") for b in blocks)
