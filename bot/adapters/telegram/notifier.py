"""The handoff Notifier for Telegram: ``send_message`` and ``edit_message_text`` over PTB.

Text is plain (no parse mode), so the ``@username`` mentions of a reminder notify as
written; the button's callback data is ``"handoff_ack:<id>"``, which
:mod:`bot.adapters.telegram.handoff` routes to the handoff service. Failures become
:class:`~bot.handoff.errors.DeliveryError` (``permanent`` when retrying cannot help); rate
limits are PTB's ``AIORateLimiter``'s business.
"""

from __future__ import annotations

from typing import Any

from bot.core.events import Reply
from bot.handoff.errors import DeliveryError
from bot.handoff.roster import TeamKey

__all__ = ["MESSAGE_LIMIT", "TelegramNotifier", "telegram_team"]

#: Telegram's limit on one message's text.
MESSAGE_LIMIT = 4096


def telegram_team(chat_id: int | str, topic_id: int | str | None = None) -> TeamKey:
    """The roster key of a Telegram group (or of one forum topic in it)."""
    channel = str(chat_id) if topic_id in (None, "", 0) else f"{chat_id}/{topic_id}"
    return TeamKey("telegram", str(chat_id), channel)


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
            text=reply.text.strip()[:MESSAGE_LIMIT] or "…",
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
            text=reply.text.strip()[:MESSAGE_LIMIT] or "…",
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
