"""Slack adapter: Slack payloads -> core events, core replies -> Block Kit (slack-bolt).

Wiring: :func:`build_slack_app` (settings + conversation service -> :class:`SlackBot`),
:func:`install_slack_routes` (mount on our aiohttp server), :func:`run_socket_mode`.
Pure translation: :mod:`.translate` (payloads in), :mod:`.blocks`, :mod:`.modal`,
:mod:`.home` (views out).
"""

from bot.adapters.slack.app import (
    BOT_SCOPES,
    EVENTS_PATH,
    INSTALL_PATH,
    REDIRECT_PATH,
    SlackBot,
    build_slack_app,
    install_slack_routes,
    run_socket_mode,
)
from bot.adapters.slack.blocks import escape, fallback_text, mark_answered, reply_blocks
from bot.adapters.slack.errors import SlackAdapterError, SlackNotConfigured
from bot.adapters.slack.handlers import SlackHandlers
from bot.adapters.slack.handoff import SlackHandoff, handoff_form_view, handoff_message
from bot.adapters.slack.home import home_view
from bot.adapters.slack.installations import MemoryStateStore, StoreInstallations
from bot.adapters.slack.logs import slack_logger
from bot.adapters.slack.modal import FieldSpec, FormAdapter, errors_by_block, form_view
from bot.adapters.slack.mode import SlackMode, SlackSecrets, resolve_mode
from bot.adapters.slack.send import open_dm, post_replies, reply_message
from bot.adapters.slack.strings import SlackStrings, strings
from bot.adapters.slack.translate import (
    Inbound,
    SlashCommand,
    SlashKind,
    from_block_action,
    from_message_event,
    key_for,
    parse_slash_command,
)

__all__ = [
    "BOT_SCOPES",
    "EVENTS_PATH",
    "INSTALL_PATH",
    "REDIRECT_PATH",
    "FieldSpec",
    "FormAdapter",
    "Inbound",
    "MemoryStateStore",
    "SlackAdapterError",
    "SlackBot",
    "SlackHandlers",
    "SlackHandoff",
    "SlackMode",
    "SlackNotConfigured",
    "SlackSecrets",
    "SlackStrings",
    "SlashCommand",
    "SlashKind",
    "StoreInstallations",
    "build_slack_app",
    "errors_by_block",
    "escape",
    "fallback_text",
    "form_view",
    "from_block_action",
    "from_message_event",
    "handoff_form_view",
    "handoff_message",
    "home_view",
    "install_slack_routes",
    "key_for",
    "mark_answered",
    "open_dm",
    "parse_slash_command",
    "post_replies",
    "reply_blocks",
    "reply_message",
    "resolve_mode",
    "run_socket_mode",
    "slack_logger",
    "strings",
]
