"""Telegram adapter: Telegram updates -> core calls, core replies -> Telegram messages (PTB)."""

from bot.adapters.telegram.app import (
    ChatOrderedProcessor,
    TelegramApplication,
    api_urls,
    build_application,
    install_telegram_routes,
    install_telegram_webhook,
    register_commands,
    run_polling,
    set_webhook,
    webhook_path,
)
from bot.adapters.telegram.errors import TelegramAdapterError, TelegramNotConfigured
from bot.adapters.telegram.handlers import TelegramHandlers
from bot.adapters.telegram.handoff import FormDrafts, TelegramHandoff, classify_handoff
from bot.adapters.telegram.logs import install_token_filter
from bot.adapters.telegram.render import Outgoing, Rendered, render_replies, render_reply
from bot.adapters.telegram.retry import RetryingRateLimiter
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
    "ChatOrderedProcessor",
    "Converse",
    "FormDrafts",
    "InlineEstimate",
    "Intent",
    "Outgoing",
    "PrivateOnly",
    "QuickEstimate",
    "Rendered",
    "RetryingRateLimiter",
    "TelegramAdapterError",
    "TelegramApplication",
    "TelegramHandlers",
    "TelegramHandoff",
    "TelegramNotConfigured",
    "TelegramStrings",
    "api_urls",
    "build_application",
    "classify",
    "classify_handoff",
    "decode_button",
    "encode_button",
    "install_telegram_routes",
    "install_telegram_webhook",
    "install_token_filter",
    "register_commands",
    "render_replies",
    "render_reply",
    "run_polling",
    "set_webhook",
    "strings",
    "webhook_path",
]
