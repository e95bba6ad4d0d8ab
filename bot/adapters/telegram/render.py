"""Core :class:`~bot.core.events.Reply` -> Telegram messages: pure, no network.

One reply becomes one message where Telegram allows it:

- choices become an inline keyboard (a multi-select shows ``✓`` before the selected options
  and a Done button on its own row); actions become buttons below them;
- an image becomes ``sendPhoto`` with the text as caption when it fits in 1,024 characters,
  otherwise the photo is captioned with the text's opening paragraphs (cut at a paragraph or
  line) and the rest of the text follows;
- text longer than 4,096 characters is split at paragraph, line, then word boundaries; the
  keyboard goes on the last part.

Lengths are counted as Telegram counts them, in UTF-16 code units. Text is sent as plain
text (no parse mode): the core's templates produce plain text, so nothing needs escaping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from bot.adapters.telegram.strings import strings
from bot.adapters.telegram.translate import (
    CHECK_MARK,
    ButtonData,
    ButtonKind,
    callback_data,
    keyboard_marker,
)
from bot.core.events import Image, Reply, ReplyKind

__all__ = [
    "CAPTION_LIMIT",
    "TEXT_LIMIT",
    "Outgoing",
    "Rendered",
    "render_replies",
    "render_reply",
    "split_text",
    "utf16_len",
]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

#: Keyboard packing: at most this many buttons, and about this many characters, per row
#: (what stays readable on a phone held upright).
_ROW_BUTTONS = 3
_ROW_CHARS = 30
_DONE_MARK = "✅"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send. ``question`` is set when the keyboard belongs to that question
    (its choices, and actions like back or skip that act on it)."""

    text: str
    photo: Image | None = None
    keyboard: InlineKeyboardMarkup | None = None
    question: str | None = None

    @property
    def method(self) -> str:
        return "sendPhoto" if self.photo is not None else "sendMessage"

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Bot.send_photo`` / ``Bot.send_message`` (add chat_id)."""
        if self.photo is not None:
            return {
                "photo": InputFile(self.photo.png, filename=self.photo.filename),
                "caption": self.text or None,
                "reply_markup": self.keyboard,
            }
        return {"text": self.text, "reply_markup": self.keyboard}


@dataclass(frozen=True, slots=True)
class Rendered:
    """Messages in sending order, and what any button whose data did not fit in 64 bytes
    means (keyed by the stand-in token the button carries)."""

    messages: tuple[Outgoing, ...]
    long_data: Mapping[str, ButtonData] = field(default_factory=dict)


def render_replies(
    replies: Iterable[Reply], *, locale: str | None, actions: bool = True
) -> Rendered:
    messages: list[Outgoing] = []
    long_data: dict[str, ButtonData] = {}
    for reply in replies:
        rendered = render_reply(reply, locale=locale, actions=actions)
        messages.extend(rendered.messages)
        long_data.update(rendered.long_data)
    return Rendered(tuple(messages), long_data)


def render_reply(reply: Reply, *, locale: str | None, actions: bool = True) -> Rendered:
    """``actions=False`` drops action buttons (group chats: follow-ups belong in private)."""
    keyboard, long_data = _keyboard(reply, locale=locale, actions=actions)
    asks = keyboard is not None and reply.kind is ReplyKind.QUESTION
    question = reply.question if asks else None
    text = reply.text.strip()
    messages: list[Outgoing] = []
    if reply.image is not None:
        if utf16_len(text) <= CAPTION_LIMIT:
            messages.append(Outgoing(text, reply.image, keyboard, question))
            return Rendered(tuple(messages), long_data)
        # The caption is the text's own opening (the recommendation and the totals), cut at
        # a paragraph or line; the rest follows. Telegram has no alt text for photos, so a
        # caption should say what the chart shows, not describe the image.
        cut = _cut_point(text, CAPTION_LIMIT)
        caption, text = text[:cut].rstrip(), text[cut:].lstrip()
        messages.append(Outgoing(caption or _truncate(reply.image.alt, CAPTION_LIMIT), reply.image))
    parts = split_text(text) if text else []
    if not parts and keyboard is not None:
        parts = ["…"]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        messages.append(
            Outgoing(part, keyboard=keyboard if last else None, question=question if last else None)
        )
    return Rendered(tuple(messages), long_data)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` UTF-16 units, preferring paragraph,
    then line, then word boundaries; never loses a character other than the whitespace at
    a cut."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if utf16_len(rest) <= limit:
            parts.append(rest)
            break
        cut = _cut_point(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            parts.append(head)
    return parts


def _cut_point(text: str, limit: int) -> int:
    """The largest index where ``text[:index]`` fits and a boundary is, else a hard cut."""
    fitting = _fitting_prefix(text, limit)
    window = text[:fitting]
    for separator in ("\n\n", "\n", " "):
        found = window.rfind(separator)
        if found > 0:
            return found + len(separator)
    return fitting


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 units (at least one)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return max(index, 1)
    return len(text)


def _truncate(text: str, limit: int) -> str:
    if utf16_len(text) <= limit:
        return text
    return text[: _fitting_prefix(text, limit - 1)].rstrip() + "…"


# --- keyboards -----------------------------------------------------------------------------


def _keyboard(
    reply: Reply, *, locale: str | None, actions: bool
) -> tuple[InlineKeyboardMarkup | None, dict[str, ButtonData]]:
    choices = reply.choices if reply.question else ()
    follow_ups = reply.actions if actions else ()
    if not choices and not follow_ups:
        return None, {}
    marker = keyboard_marker(
        reply.question, [c.value for c in choices] + [a.value for a in follow_ups]
    )
    long_data: dict[str, ButtonData] = {}
    question = reply.question or ""

    def button(label: str, data: ButtonData) -> InlineKeyboardButton:
        raw, full = callback_data(data)
        if full is not None:
            long_data[raw] = full
        return InlineKeyboardButton(label, callback_data=raw)

    rows: list[list[InlineKeyboardButton]] = []
    if reply.multi:
        toggles = [
            button(
                f"{CHECK_MARK} {c.label}" if c.value in reply.selected else c.label,
                ButtonData(ButtonKind.TOGGLE, marker, question, c.value),
            )
            for c in choices
        ]
        rows.extend(_pack(toggles))
        if choices:
            done = f"{_DONE_MARK} {strings(locale).done}"
            rows.append([button(done, ButtonData(ButtonKind.DONE, marker, question))])
    else:
        rows.extend(
            _pack(
                [
                    button(c.label, ButtonData(ButtonKind.PICK, marker, question, c.value))
                    for c in choices
                ]
            )
        )
    rows.extend(
        _pack(
            [
                button(a.label, ButtonData(ButtonKind.ACTION, marker, value=a.value))
                for a in follow_ups
            ],
            per_row=2,
        )
    )
    return InlineKeyboardMarkup(rows), long_data


def _pack(
    buttons: Sequence[InlineKeyboardButton], *, per_row: int = _ROW_BUTTONS
) -> list[list[InlineKeyboardButton]]:
    """Rows of up to ``per_row`` buttons and about ``_ROW_CHARS`` characters."""
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    width = 0
    for item in buttons:
        size = len(item.text) + 2
        if row and (len(row) >= per_row or width + size > _ROW_CHARS):
            rows.append(row)
            row, width = [], 0
        row.append(item)
        width += size
    if row:
        rows.append(row)
    return rows
