"""The Notifier port for Slack and Telegram: thin, over the platforms' own client libraries.

Both post a reminder's text with its acknowledge button and edit it later; neither knows
what a handoff is. They render the neutral :class:`~bot.core.events.Reply` themselves
rather than through the conversation adapters, because a reminder differs in two ways:
leads' mentions must stay live (Slack ``<@U123>`` is not escaped), and the button carries
``"handoff_ack:<id>"`` (action id / callback data) that the adapters route to
:meth:`bot.handoff.service.HandoffService.acknowledge`.

Failures become :class:`~bot.handoff.errors.DeliveryError`; ``permanent`` when retrying
cannot help (channel gone, bot removed, bad token), so the runner stops trying. Rate limits
are the clients' business: give the Slack client slack_sdk's
``AsyncRateLimitErrorRetryHandler`` and the Telegram bot PTB's ``AIORateLimiter``.
Images are not sent: reminders and escalations never carry one.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.core.events import Reply
from bot.handoff.errors import DeliveryError
from bot.handoff.messages import ACK_ACTION
from bot.handoff.roster import TeamKey
from bot.handoff.runner import Notifier

__all__ = ["ACK_ACTION_ID", "NotifierRouter", "SlackNotifier", "TelegramNotifier"]

#: Slack ``action_id`` of the acknowledge button (its ``value`` is ``handoff_ack:<id>``).
ACK_ACTION_ID = ACK_ACTION

_SECTION_LIMIT = 3000
_TELEGRAM_LIMIT = 4096
# Slack mention tokens that must reach Slack unescaped to notify anyone.
_SLACK_MENTION = re.compile(r"(<@[A-Z0-9]+(?:\|[^<>|]+)?>|<!subteam\^[A-Z0-9]+(?:\|[^<>|]+)?>)")
_SLACK_PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "msg_too_long",
        "no_text",
        "restricted_action",
        "message_not_found",
        "cant_update_message",
        "team_access_not_granted",
    }
)


def _slack_text(text: str) -> str:
    """Escape ``&``, ``<``, ``>`` for mrkdwn, except inside mention tokens."""
    parts = _SLACK_MENTION.split(text)
    return "".join(
        part
        if _SLACK_MENTION.fullmatch(part)
        else part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for part in parts
    )


def _slack_payload(reply: Reply) -> dict[str, Any]:
    text = _slack_text(reply.text.strip())[:_SECTION_LIMIT] or " "
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if reply.actions:
        blocks.append(
            {
                "type": "actions",
                "block_id": "handoff",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ACK_ACTION_ID if i == 0 else f"{ACK_ACTION_ID}:{i}",
                        "text": {"type": "plain_text", "text": a.label[:75], "emoji": True},
                        "value": a.value,
                        "style": "primary",
                    }
                    for i, a in enumerate(reply.actions)
                ],
            }
        )
    return {"text": text, "blocks": blocks}


SlackClients = Callable[[str], Awaitable[Any]]


class SlackNotifier:
    """Posts with ``chat.postMessage`` and edits with ``chat.update``.

    ``client`` is a ``slack_sdk.web.async_client.AsyncWebClient`` for a single workspace,
    or an async callable ``team_id -> AsyncWebClient`` for apps installed in many (it can
    look the bot token up in the installation store). Message ids are Slack ``ts``.
    """

    def __init__(self, client: Any | SlackClients) -> None:
        self._client = client

    async def _for(self, channel: TeamKey) -> Any:
        from slack_sdk.web.async_client import AsyncWebClient

        if isinstance(self._client, AsyncWebClient):
            return self._client
        return await self._client(channel.workspace)

    async def post(self, channel: TeamKey, reply: Reply, *, thread: str | None = None) -> str:
        payload = _slack_payload(reply)
        if thread:
            payload["thread_ts"] = thread
        response = await self._call(channel, "chat_postMessage", payload)
        return str(response.get("ts", ""))

    async def update(self, channel: TeamKey, message_id: str, reply: Reply) -> None:
        await self._call(channel, "chat_update", {"ts": message_id, **_slack_payload(reply)})

    async def _call(self, channel: TeamKey, method: str, payload: dict[str, Any]) -> Any:
        from aiohttp import ClientError
        from slack_sdk.errors import SlackApiError

        client = await self._for(channel)
        try:
            return await getattr(client, method)(
                channel=channel.channel, unfurl_links=False, **payload
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            raise DeliveryError(
                f"slack {method}: {error}", permanent=error in _SLACK_PERMANENT
            ) from None
        except (ClientError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"slack {method}: {type(exc).__name__}", permanent=False) from None


def _telegram_target(channel: TeamKey) -> tuple[int, int | None]:
    chat, _, topic = channel.channel.partition("/")
    return int(chat), (int(topic) if topic else None)


class TelegramNotifier:
    """Posts with ``Bot.send_message`` and edits with ``Bot.edit_message_text``.

    ``bot`` is an initialized ``telegram.Bot`` (or ``Application.bot``). The channel of a
    :class:`TeamKey` is the chat id, or ``"<chat id>/<topic id>"`` for a forum topic;
    message ids are Telegram ``message_id`` as text. Text is plain (no parse mode), so the
    ``@username`` mentions in it notify as written.
    """

    def __init__(self, bot: Any) -> None:
        self._bot = bot

    @staticmethod
    def _keyboard(reply: Reply) -> Any:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        if not reply.actions:
            return None
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(a.label, callback_data=a.value)] for a in reply.actions]
        )

    async def post(self, channel: TeamKey, reply: Reply, *, thread: str | None = None) -> str:
        from telegram import ReplyParameters

        chat_id, topic = _telegram_target(channel)
        options: dict[str, Any] = {}
        if topic is not None:
            options["message_thread_id"] = topic
        if thread:
            options["reply_parameters"] = ReplyParameters(
                message_id=int(thread), allow_sending_without_reply=True
            )
        message = await self._call(
            "send_message",
            chat_id=chat_id,
            text=reply.text.strip()[:_TELEGRAM_LIMIT] or "…",
            reply_markup=self._keyboard(reply),
            **options,
        )
        return str(message.message_id)

    async def update(self, channel: TeamKey, message_id: str, reply: Reply) -> None:
        chat_id, _ = _telegram_target(channel)
        await self._call(
            "edit_message_text",
            chat_id=chat_id,
            message_id=int(message_id),
            text=reply.text.strip()[:_TELEGRAM_LIMIT] or "…",
            reply_markup=self._keyboard(reply),
        )

    async def _call(self, method: str, **kwargs: Any) -> Any:
        from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError

        try:
            return await getattr(self._bot, method)(**kwargs)
        except BadRequest as exc:
            if "message is not modified" in exc.message:
                return None  # the edit is already there: nothing to do
            raise DeliveryError(f"telegram {method}: {exc.message}", permanent=True) from None
        except (Forbidden, InvalidToken) as exc:
            raise DeliveryError(f"telegram {method}: {exc.message}", permanent=True) from None
        except TelegramError as exc:  # TimedOut, NetworkError, RetryAfter: try again later
            raise DeliveryError(f"telegram {method}: {exc.message}", permanent=False) from None


class NotifierRouter:
    """One Notifier for the runner, dispatching on ``TeamKey.platform``."""

    def __init__(self, notifiers: Mapping[str, Notifier] | None = None) -> None:
        self._notifiers = dict(notifiers or {})

    def add(self, platform: str, notifier: Notifier) -> None:
        """Route ``platform`` to ``notifier``. The service is handed to the adapters before
        their clients exist, so wiring builds the router first and adds each platform's
        notifier once its adapter is built."""
        self._notifiers[platform] = notifier

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(self._notifiers)

    def _pick(self, channel: TeamKey) -> Notifier:
        found = self._notifiers.get(channel.platform)
        if found is None:
            raise DeliveryError(f"no notifier for platform {channel.platform!r}", permanent=True)
        return found

    async def post(self, channel: TeamKey, reply: Reply, *, thread: str | None = None) -> str:
        return await self._pick(channel).post(channel, reply, thread=thread)

    async def update(self, channel: TeamKey, message_id: str, reply: Reply) -> None:
        await self._pick(channel).update(channel, message_id, reply)
