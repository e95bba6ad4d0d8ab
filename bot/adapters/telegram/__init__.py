"""Telegram adapter: Telegram updates -> core calls, core replies -> Telegram messages (PTB)."""

from bot.adapters.telegram.render import Outgoing, Rendered, render_replies, render_reply
from bot.adapters.telegram.strings import TelegramStrings, strings
from bot.adapters.telegram.translate import (
    ButtonData,
    ButtonKind,
    ButtonPress,
    Converse,
    InlineEstimate,
    Intent,
    PrivateOnly,
    QuickEstimate,
    classify,
    decode_button,
    encode_button,
)

__all__ = [
    "ButtonData",
    "ButtonKind",
    "ButtonPress",
    "Converse",
    "InlineEstimate",
    "Intent",
    "Outgoing",
    "PrivateOnly",
    "QuickEstimate",
    "Rendered",
    "TelegramStrings",
    "classify",
    "decode_button",
    "encode_button",
    "render_replies",
    "render_reply",
    "strings",
]
