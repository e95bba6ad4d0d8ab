"""Slack adapter: Slack payloads -> core events, core replies -> Block Kit (slack-bolt)."""

from bot.adapters.slack.blocks import fallback_text, reply_blocks
from bot.adapters.slack.strings import SlackStrings, strings
from bot.adapters.slack.translate import Inbound, from_block_action, from_message_event

__all__ = [
    "Inbound",
    "SlackStrings",
    "fallback_text",
    "from_block_action",
    "from_message_event",
    "reply_blocks",
    "strings",
]
