"""Telegram update -> what the bot should do with it: pure, synchronous, fuzzable.

:func:`classify` looks at one PTB :class:`~telegram.Update` (plain data, no network) and
names its intent: a step of the guided conversation (:class:`Converse`), a button press
(:class:`ButtonPress`), a one-line estimate (:class:`QuickEstimate`, :class:`InlineEstimate`)
or a pointer to the private chat (:class:`PrivateOnly`). It decides nothing about questions:
the core does. Effects (calling the service, sending) live in :mod:`.handlers`.

Button callback data is our own compact format, at most 64 bytes (Telegram's limit)::

    p|<marker>|<question>|<value>     pick one choice          -> Pick
    t|<marker>|<question>|<value>     toggle a multi-select    -> Toggle
    d|<marker>|<question>             Done under a multi-select -> Submit
    a|<marker>|<command>[:<arg>]      an action button          -> Command
    h|<marker>|<digest>               any of the above that did not fit in 64 bytes; the
                                      full data is kept in the database (.buttons)

``<marker>`` is a 4-character digest of the keyboard (question and every button value), so a
press can be matched to the keyboard it came from; data we cannot read (an older format, a
digest this process never issued) means the button is stale.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from telegram import Message, MessageEntity, Update

from bot.core.events import Command, Event, Pick, Start, Submit, Text, Toggle
from bot.core.ports import ConversationKey

__all__ = [
    "CALLBACK_DATA_LIMIT",
    "CHECK_MARK",
    "CONVERSATION_COMMANDS",
    "PLATFORM",
    "ButtonData",
    "ButtonKind",
    "ButtonPress",
    "Converse",
    "InlineEstimate",
    "Intent",
    "PrivateOnly",
    "QuickEstimate",
    "button_event",
    "callback_data",
    "classify",
    "conversation_key",
    "decode_button",
    "encode_button",
    "fits",
    "keyboard_marker",
    "long_data_token",
    "split_command",
]

PLATFORM = "telegram"

#: Telegram rejects callback data longer than this many bytes (BUTTON_DATA_INVALID).
CALLBACK_DATA_LIMIT = 64

#: Slash commands that are steps of the guided conversation (private chat only). The
#: command menu shows six of them; the others are typed words the core also understands.
CONVERSATION_COMMANDS = frozenset(
    {"back", "cancel", "help", "language", "skip", "restart", "why", "details", "edit", "whatif"}
)

#: The mark before a selected option of a multi-select (render.py puts it there).
CHECK_MARK = "✓"

_SEP = "|"
_COMMAND = re.compile(r"/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?\Z", re.DOTALL)


class ButtonKind(StrEnum):
    PICK = "p"
    TOGGLE = "t"
    DONE = "d"
    ACTION = "a"
    LONG = "h"


@dataclass(frozen=True, slots=True)
class ButtonData:
    """What one inline button carries. ``value`` is a choice value, an action
    (``"edit:channels"``) or, for :attr:`ButtonKind.LONG`, the digest token."""

    kind: ButtonKind
    marker: str
    question: str = ""
    value: str = ""

    @property
    def is_choice(self) -> bool:
        """Pick, toggle and Done answer one question: they go stale when it is answered."""
        return self.kind in (ButtonKind.PICK, ButtonKind.TOGGLE, ButtonKind.DONE)


def keyboard_marker(question: str | None, values: Iterable[str]) -> str:
    """A 4-character digest naming one keyboard (its question and every button value)."""
    joined = "\x1f".join([question or "", *values]).encode()
    return base64.urlsafe_b64encode(hashlib.blake2s(joined, digest_size=3).digest()).decode()


def encode_button(data: ButtonData) -> str:
    """The callback string; may exceed :data:`CALLBACK_DATA_LIMIT` (check with :func:`fits`
    and fall back to :func:`long_data_token`)."""
    match data.kind:
        case ButtonKind.PICK | ButtonKind.TOGGLE:
            parts = [data.kind.value, data.marker, data.question, data.value]
        case ButtonKind.DONE:
            parts = [data.kind.value, data.marker, data.question]
        case ButtonKind.ACTION | ButtonKind.LONG:
            parts = [data.kind.value, data.marker, data.value]
    return _SEP.join(parts)


def fits(encoded: str) -> bool:
    return 0 < len(encoded.encode()) <= CALLBACK_DATA_LIMIT


def long_data_token(encoded: str, marker: str) -> str:
    """A short stand-in for callback data over 64 bytes: ``h|<marker>|<digest>``."""
    digest = hashlib.blake2s(encoded.encode(), digest_size=12).digest()
    token = encode_button(
        ButtonData(ButtonKind.LONG, marker, value=base64.urlsafe_b64encode(digest).decode())
    )
    assert fits(token)
    return token


def callback_data(data: ButtonData) -> tuple[str, ButtonData | None]:
    """What to put on a button, and ``data`` again when a short token stands in for it (over
    64 bytes, or a question id containing the separator, which would not decode)."""
    encoded = encode_button(data)
    if fits(encoded) and _SEP not in data.question:
        return encoded, None
    return long_data_token(encoded, data.marker), data


def decode_button(raw: str | None) -> ButtonData | None:
    """Parse callback data; None when it is not ours or is malformed (a stale button)."""
    if not raw:
        return None
    head, _, rest = raw.partition(_SEP)
    try:
        kind = ButtonKind(head)
    except ValueError:
        return None
    marker, sep, body = rest.partition(_SEP)
    if not sep or len(marker) != 4 or not body:
        return None
    if kind in (ButtonKind.PICK, ButtonKind.TOGGLE):
        question, sep, value = body.partition(_SEP)
        if not sep or not question or not value:
            return None
        return ButtonData(kind, marker, question, value)
    if kind is ButtonKind.DONE:
        return ButtonData(kind, marker, question=body)
    return ButtonData(kind, marker, value=body)


def button_event(data: ButtonData) -> Event | None:
    """The core event a decoded button stands for (None for an unresolved LONG token)."""
    match data.kind:
        case ButtonKind.PICK:
            return Pick(data.question, data.value)
        case ButtonKind.TOGGLE:
            return Toggle(data.question, data.value)
        case ButtonKind.DONE:
            return Submit(data.question)
        case ButtonKind.ACTION:
            name, _, arg = data.value.partition(":")
            return Command(name, arg)
        case ButtonKind.LONG:
            return None


# --- intents -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Converse:
    """A step of the guided conversation, typed in the private chat."""

    key: ConversationKey
    event: Event
    dedupe_id: str
    locale: str | None
    chat_id: int


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A callback query. ``data`` None: unreadable, so stale. ``label``: the pressed
    button's text; ``message_text``: the text of the message the button sits on."""

    key: ConversationKey
    dedupe_id: str
    locale: str | None
    chat_id: int
    query_id: str
    message_id: int | None
    data: ButtonData | None
    raw: str
    label: str
    message_text: str | None
    selected_labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuickEstimate:
    """``/estimate ...`` or a mention in a group: answer the one-liner where it was asked.
    ``reply_to`` is the asking message in groups (replies thread to it)."""

    key: ConversationKey
    text: str
    dedupe_id: str
    locale: str | None
    chat_id: int
    reply_to: int | None
    in_group: bool


@dataclass(frozen=True, slots=True)
class InlineEstimate:
    """``@bot 8 agents phone 24/7`` typed in any chat: offer the summary as a result card."""

    key: ConversationKey
    query_id: str
    text: str
    dedupe_id: str
    locale: str | None


@dataclass(frozen=True, slots=True)
class PrivateOnly:
    """A conversation command in a group: point to the private chat instead."""

    chat_id: int
    dedupe_id: str
    locale: str | None
    reply_to: int


Intent = Converse | ButtonPress | QuickEstimate | InlineEstimate | PrivateOnly


def conversation_key(chat_id: int, user_id: int) -> ConversationKey:
    """A Telegram conversation: the chat (``workspace``) and the user in it."""
    return ConversationKey(PLATFORM, str(chat_id), str(user_id))


def classify(update: Update, *, bot_id: int, bot_username: str) -> Intent | None:
    """Name what ``update`` asks for; None when the bot should stay silent.

    ``dedupe_id`` is ``"<bot id>:<update id>"``: update ids are per bot, so two bots sharing
    one database never collide.
    """
    dedupe_id = f"{bot_id}:{update.update_id}"
    if update.callback_query is not None:
        return _button_press(update, dedupe_id)
    if update.inline_query is not None:
        query = update.inline_query
        user = query.from_user
        return InlineEstimate(
            key=conversation_key(user.id, user.id),
            query_id=query.id,
            text=query.query.strip(),
            dedupe_id=dedupe_id,
            locale=user.language_code,
        )
    message = update.message
    if message is None or message.text is None or message.from_user is None:
        return None  # edits, channel posts, stickers, service messages
    if message.from_user.is_bot or (message.via_bot is not None and message.via_bot.id == bot_id):
        return None  # bots, and our own inline results posted back into a chat
    return _message(message, dedupe_id, bot_id=bot_id, bot_username=bot_username)


def _message(message: Message, dedupe_id: str, *, bot_id: int, bot_username: str) -> Intent | None:
    assert message.text is not None and message.from_user is not None
    user = message.from_user
    locale = user.language_code
    chat_id = message.chat.id
    key = conversation_key(chat_id, user.id)
    private = message.chat.type == "private"
    text = message.text.strip()

    command = split_command(text, bot_username)
    if command is not None:
        name, arg = command
        if name == "":  # addressed to another bot
            return None
        if name == "estimate":
            return QuickEstimate(
                key, arg, dedupe_id, locale, chat_id, None if private else message.id, not private
            )
        if not private:
            if name == "start" or name in CONVERSATION_COMMANDS:
                return PrivateOnly(chat_id, dedupe_id, locale, message.id)
            return None
        if name == "start":
            return Converse(key, Start(locale), dedupe_id, locale, chat_id)
        if name in CONVERSATION_COMMANDS:
            return Converse(key, Command(name, arg), dedupe_id, locale, chat_id)
        return Converse(key, Text(text), dedupe_id, locale, chat_id)

    if private:
        return Converse(key, Text(text), dedupe_id, locale, chat_id) if text else None

    mentioned, rest = _strip_mention(message, bot_username)
    replied = message.reply_to_message
    if not mentioned and not (
        replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    ):
        return None  # group chatter not addressed to us
    return QuickEstimate(key, rest, dedupe_id, locale, chat_id, message.id, True)


def split_command(text: str, bot_username: str) -> tuple[str, str] | None:
    """``("estimate", "8 agents ...")`` for ``/estimate@bot 8 agents ...``; ``("", "")`` for a
    command addressed to another bot; None when ``text`` is no command."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    name, target, arg = match.groups()
    if target and target.casefold() != bot_username.casefold():
        return ("", "")
    return (name.casefold(), (arg or "").strip())


def _strip_mention(message: Message, bot_username: str) -> tuple[bool, str]:
    """Whether the message mentions ``@bot_username``, and its text without the mention."""
    assert message.text is not None
    mention = f"@{bot_username}".casefold()
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    if not any(value.casefold() == mention for value in mentions):
        return False, message.text.strip()
    words = [word for word in message.text.split() if word.casefold() != mention]
    return True, " ".join(words)


def _button_press(update: Update, dedupe_id: str) -> ButtonPress | None:
    query = update.callback_query
    assert query is not None
    user = query.from_user
    message = query.message if isinstance(query.message, Message) else None
    chat_id = message.chat.id if message is not None else user.id
    raw = query.data or ""
    label = ""
    selected: list[str] = []
    if message is not None and message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            for button in row:
                if button.callback_data == raw:
                    label = button.text
                if button.text.startswith(CHECK_MARK):
                    selected.append(button.text.removeprefix(CHECK_MARK).strip())
    return ButtonPress(
        key=conversation_key(chat_id, user.id),
        dedupe_id=dedupe_id,
        locale=user.language_code,
        chat_id=chat_id,
        query_id=query.id,
        message_id=message.message_id if message is not None else None,
        data=decode_button(raw),
        raw=raw,
        label=label,
        message_text=(message.text or message.caption) if message is not None else None,
        selected_labels=tuple(selected),
    )
