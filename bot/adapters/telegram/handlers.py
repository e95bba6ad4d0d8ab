"""The imperative shell: one intent in, core calls and Telegram messages out.

:class:`TelegramHandlers` is given each update by PTB. It asks the pure :func:`classify` what
the update means, calls the conversation service, renders the replies with the pure
:mod:`.render`, sends them, and only then tells the service they were delivered (so a crash
between saving and sending resends them once on redelivery, and never twice after).

``/handoff`` commands, reminder buttons and handoff form answers are offered to
:class:`.handoff.TelegramHandoff` first; everything else is the conversation's.

Telegram-side habits kept here, not in the core:

- a button press is answered at once (the client's spinner stops); toggles edit the
  question in place, an answered question loses its keyboard and shows the choice, so the
  chat reads like a form rather than a pile of keyboards;
- a choice button on any message but the newest question of its conversation is stale: the
  press gets a short notice and the old keyboard is removed (after a restart the newest
  question is unknown; the core then judges the press by its question id);
- one-line and inline estimates and the group pointer have no conversation state, so their
  update ids are claimed in the database through the service (``quick_estimate(dedupe_id=)``,
  ``claim``): a redelivery to any replica answers nothing. One-liners' replies go out
  without action buttons: "why", "what if" act on the conversation's own estimate, which a
  one-liner does not set, and in groups the follow-ups belong in the private chat anyway.
  In the private chat a one-liner that lacks a place or a size (or is "list", "delete my
  data") goes on as the conversation instead (``one_liner``), asking just for what is
  missing; inline mode never asks, it shows what it can;
- inline queries arrive at every keystroke: each user's query waits ``inline_debounce``
  seconds and is dropped if a newer one from the same user arrived meanwhile, and answers
  are cached per replica by (language, text), so "8 agents" typed twice is priced once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext

from bot.adapters.telegram.buttons import LongButtons
from bot.adapters.telegram.handoff import TelegramHandoff
from bot.adapters.telegram.render import Outgoing, Rendered, render_replies, split_text
from bot.adapters.telegram.strings import strings
from bot.adapters.telegram.translate import (
    CHECK_MARK,
    ButtonData,
    ButtonKind,
    ButtonPress,
    Converse,
    InlineEstimate,
    PrivateOnly,
    QuickEstimate,
    button_event,
    classify,
)
from bot.core.events import Pick, Reply, ReplyKind, Submit, Toggle
from bot.core.ports import ConversationKey, Conversations
from bot.recent import Recent
from bot.store.base import StoreError

__all__ = ["DELIVERY", "Delivery", "TelegramHandlers"]

_log = logging.getLogger(__name__)

#: How many recent keyboards and long button tokens the process remembers.
_MEMORY = 10_000
#: An inline query waits this long for the user's next keystroke before it is priced.
INLINE_DEBOUNCE_SECONDS = 0.35
#: Inline answers kept per replica, by (language, text).
_INLINE_CACHE = 2_000

Context = CallbackContext[Any, Any, Any, Any]


class Delivery:
    """One webhook delivery in progress: ``unsaved`` is set when its turn could not be saved,
    so the webhook answers non-2xx and Telegram redelivers it."""

    __slots__ = ("unsaved",)

    def __init__(self) -> None:
        self.unsaved = False


#: Set by the webhook route around one update's handling (None when long polling, where
#: Telegram does not redeliver and the user is told instead).
DELIVERY: ContextVar[Delivery | None] = ContextVar("sourcewise_telegram_delivery", default=None)


class TelegramHandlers:
    """Everything the bot does with an update; PTB calls :meth:`on_update` and
    :meth:`on_error`. Holds no conversation state: only what Telegram needs remembered."""

    def __init__(
        self,
        conversations: Conversations,
        *,
        memory: int = _MEMORY,
        handoff: TelegramHandoff | None = None,
        buttons: LongButtons | None = None,
        inline_debounce: float = INLINE_DEBOUNCE_SECONDS,
    ) -> None:
        self._conversations = conversations
        self._buttons = buttons
        self._handoff = handoff
        self._inline_debounce = inline_debounce
        self._inline_latest: Recent[str, str] = Recent(memory)
        self._inline_answers: Recent[tuple[str, str], str] = Recent(_INLINE_CACHE)
        # The newest question message of each conversation, and whether its keyboard is
        # still on it; and which messages were questions (their buttons go stale).
        self._newest: Recent[ConversationKey, tuple[int, bool]] = Recent(memory)
        self._questions: Recent[tuple[int, int], bool] = Recent(memory)
        self._long_data: Recent[str, ButtonData] = Recent(memory)

    # --- PTB entry points ----------------------------------------------------------------------

    async def on_update(self, update: object, context: Context) -> None:
        if not isinstance(update, Update):
            return
        bot: Bot = context.bot
        if self._handoff is not None and await self._handoff.handle(bot, update):
            return  # /handoff, a reminder's button or an open handoff form (.handoff)
        intent = classify(update, bot_id=bot.id, bot_username=bot.username)
        match intent:
            case None:
                return
            case Converse():
                await self._converse(bot, intent)
            case ButtonPress():
                await self._press(bot, intent)
            case QuickEstimate() | InlineEstimate() | PrivateOnly():
                await self._stateless(bot, intent)

    async def on_error(self, update: object, context: Context) -> None:
        """Last resort for anything a handler let through: log it, tell the user if we can.

        A turn that could not be saved (the database is unavailable or timed out) on a
        webhook delivery is not apologised for: the webhook answers non-2xx
        (:data:`DELIVERY`), Telegram delivers the update again, and that delivery answers.
        """
        delivery = DELIVERY.get()
        if delivery is not None and isinstance(context.error, StoreError):
            _log.warning(
                "turn not saved (%s); asking Telegram to deliver the update again",
                type(context.error).__name__,
            )
            delivery.unsaved = True
            return
        _log.error("handling a Telegram update failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            locale = update.effective_user.language_code if update.effective_user else None
            try:
                await context.bot.send_message(update.effective_chat.id, strings(locale).failed)
            except TelegramError:
                _log.warning("could not tell the user about the failure", exc_info=True)

    # --- the guided conversation -----------------------------------------------------------

    async def _converse(self, bot: Bot, intent: Converse) -> None:
        turn = await self._conversations.handle(
            intent.key, intent.event, dedupe_id=intent.dedupe_id, locale=intent.locale
        )
        if turn.duplicate and not turn.replies:
            _log.info("update %s delivered again; already answered", intent.dedupe_id)
            return
        locale = turn.locale or intent.locale
        await self._send(bot, intent.chat_id, turn.replies, key=intent.key, locale=locale)
        await self._conversations.mark_delivered(intent.key, intent.dedupe_id)

    async def _press(self, bot: Bot, press: ButtonPress) -> None:
        data = press.data
        if data is not None and data.kind is ButtonKind.LONG:
            data = self._long_data.get(press.raw)
            if data is None and self._buttons is not None:
                data = await self._buttons.find(press.raw)  # sent by another replica
        event = button_event(data) if data is not None else None
        if data is None or event is None or self._is_stale(press, data):
            await self._answer(bot, press.query_id, strings(press.locale).stale)
            await self._clear_keyboard(bot, press)
            return
        await self._answer(bot, press.query_id, None)
        turn = await self._conversations.handle(
            press.key, event, dedupe_id=press.dedupe_id, locale=press.locale
        )
        if turn.duplicate and not turn.replies:
            _log.info("update %s delivered again; already answered", press.dedupe_id)
            return
        replies: Sequence[Reply] = turn.replies
        locale = turn.locale or press.locale
        if isinstance(event, Toggle) and replies and _asks(replies[0], data.question):
            if await self._edit_in_place(bot, press, replies[0], locale):
                replies = replies[1:]
        elif isinstance(event, Pick | Submit):
            rejected = any(r.kind is ReplyKind.ERROR for r in replies)
            await self._close_question(bot, press, data, answered=not rejected)
        elif isinstance(event, Toggle):
            await self._clear_keyboard(bot, press)
        await self._send(bot, press.chat_id, replies, key=press.key, locale=locale)
        await self._conversations.mark_delivered(press.key, press.dedupe_id)

    def _is_stale(self, press: ButtonPress, data: ButtonData) -> bool:
        """A question's buttons (choices, back, skip) are stale once a newer question was
        asked; a result's actions (why, details, edit) stay valid."""
        if press.message_id is None:
            return False
        question = data.is_choice or (press.chat_id, press.message_id) in self._questions
        newest = self._newest.get(press.key)
        return question and newest is not None and newest[0] != press.message_id

    async def _edit_in_place(
        self, bot: Bot, press: ButtonPress, reply: Reply, locale: str | None
    ) -> bool:
        """Show the toggled state on the same message; False if it could not be edited."""
        rendered = self._render([reply], locale=locale)
        await self._keep(rendered)
        (out, *_) = rendered.messages
        assert press.message_id is not None
        try:
            if out.photo is None and press.message_text is not None:
                await bot.edit_message_text(
                    out.text,
                    chat_id=press.chat_id,
                    message_id=press.message_id,
                    reply_markup=out.keyboard,
                )
            else:
                await bot.edit_message_reply_markup(
                    chat_id=press.chat_id, message_id=press.message_id, reply_markup=out.keyboard
                )
        except BadRequest as exc:
            if _not_modified(exc):
                return True
            _log.info("could not edit the question in place (%s); sending it anew", exc)
            return False
        return True

    async def _close_question(
        self, bot: Bot, press: ButtonPress, data: ButtonData, *, answered: bool
    ) -> None:
        """Remove the answered question's keyboard and, if accepted, show what was chosen."""
        if press.message_id is None:
            return
        if data.kind is ButtonKind.DONE:
            labels = press.selected_labels
        else:
            labels = (press.label,) if press.label else ()
        text = press.message_text
        if answered and labels and text is not None:
            closed = f"{text}\n\n{CHECK_MARK} {', '.join(labels)}"
            if len(split_text(closed)) == 1:
                try:
                    await bot.edit_message_text(
                        closed, chat_id=press.chat_id, message_id=press.message_id
                    )
                    self._closed(press)
                    return
                except BadRequest as exc:
                    _log.info("could not mark the question answered (%s)", exc)
        await self._clear_keyboard(bot, press)

    async def _clear_keyboard(self, bot: Bot, press: ButtonPress) -> None:
        if press.message_id is None:
            return
        self._closed(press)
        await self._remove_keyboard(bot, press.chat_id, press.message_id)

    def _closed(self, press: ButtonPress) -> None:
        newest = self._newest.get(press.key)
        if newest is not None and newest[0] == press.message_id:
            self._newest.put(press.key, (newest[0], False))

    @staticmethod
    async def _remove_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
        try:
            await bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None
            )
        except BadRequest as exc:
            if not _not_modified(exc):
                _log.info("could not remove an old keyboard (%s)", exc)

    @staticmethod
    async def _answer(bot: Bot, query_id: str, text: str | None) -> None:
        try:
            await bot.answer_callback_query(query_id, text=text)
        except BadRequest as exc:  # answered before a restart, or older than Telegram keeps
            _log.info("could not answer callback query (%s)", exc)

    # --- one-line estimates and the group pointer ------------------------------------------

    async def _stateless(
        self, bot: Bot, intent: QuickEstimate | InlineEstimate | PrivateOnly
    ) -> None:
        match intent:
            case QuickEstimate() if not intent.in_group:
                await self._one_liner(bot, intent)
            case QuickEstimate():
                replies = await self._conversations.quick_estimate(
                    intent.text, locale=intent.locale, key=intent.key, dedupe_id=intent.dedupe_id
                )
                if not replies:
                    _log.info("update %s delivered again; already answered", intent.dedupe_id)
                    return
                await self._send(
                    bot,
                    intent.chat_id,
                    replies,
                    key=None,
                    locale=intent.locale,
                    reply_to=intent.reply_to,
                    actions=False,  # see the module docstring
                )
            case InlineEstimate():
                await self._inline(bot, intent)
            case PrivateOnly():
                where = ConversationKey("telegram", str(intent.chat_id), "")
                if not await self._conversations.claim(where, intent.dedupe_id):
                    return
                words = strings(intent.locale)
                link = f"https://t.me/{bot.username}?start=group"
                await bot.send_message(
                    intent.chat_id,
                    words.group_pointer,
                    reply_markup=InlineKeyboardMarkup(
                        [[InlineKeyboardButton(words.open_private, url=link)]]
                    ),
                    reply_parameters=ReplyParameters(
                        intent.reply_to, allow_sending_without_reply=True
                    ),
                )

    async def _one_liner(self, bot: Bot, intent: QuickEstimate) -> None:
        """``/estimate …`` in the private chat: priced at once when the line says enough;
        otherwise (a place or a size missing, or "list", "delete my data") a turn of the
        user's conversation, sent like any other (its questions keep their buttons)."""
        turn = await self._conversations.one_liner(
            intent.key,
            f"/estimate {intent.text}".strip(),
            dedupe_id=intent.dedupe_id,
            locale=intent.locale,
        )
        if turn.duplicate and not turn.replies:
            _log.info("update %s delivered again; already answered", intent.dedupe_id)
            return
        locale = turn.locale or intent.locale
        if not turn.guided:
            await self._send(
                bot, intent.chat_id, turn.replies, key=None, locale=locale, actions=False
            )
            return
        await self._send(bot, intent.chat_id, turn.replies, key=intent.key, locale=locale)
        await self._conversations.mark_delivered(intent.key, intent.dedupe_id)

    async def _inline(self, bot: Bot, intent: InlineEstimate) -> None:
        user = intent.key.user
        self._inline_latest.put(user, intent.query_id)
        if intent.text and self._inline_debounce > 0:
            await asyncio.sleep(self._inline_debounce)
            if self._inline_latest.get(user) != intent.query_id:
                return  # the user typed on: only their newest query is answered
        if not await self._conversations.claim(intent.key, intent.dedupe_id):
            return
        words = strings(intent.locale)
        button = InlineQueryResultsButton(words.inline_open, start_parameter="inline")
        results: list[InlineQueryResultArticle] = []
        cache_time = 30
        if intent.text:
            body = await self._inline_body(intent)
            if body is None:
                cache_time = 0  # busy: nothing worth Telegram's cache
            elif body:
                first, _, rest = body.partition("\n")
                digest = hashlib.blake2s(
                    f"{intent.locale}\x1f{intent.text}".encode(), digest_size=16
                )
                results.append(
                    InlineQueryResultArticle(
                        id=digest.hexdigest(),
                        title=_shorten(first, 64),
                        description=_shorten(" ".join(rest.split()), 200) or None,
                        input_message_content=InputTextMessageContent(split_text(body)[0]),
                    )
                )
        await bot.answer_inline_query(
            intent.query_id, results, cache_time=cache_time, is_personal=True, button=button
        )

    async def _inline_body(self, intent: InlineEstimate) -> str | None:
        """The text of the inline result (cached per replica); None when the bot was busy."""
        cache_key = (intent.locale or "", intent.text)
        cached = self._inline_answers.get(cache_key)
        if cached is not None:
            return cached
        # No key: inline queries arrive at every keystroke ("8", "8 a", "8 agents"), and
        # half-typed requests must not fill the user's estimate history.
        replies = await self._conversations.quick_estimate(intent.text, locale=intent.locale)
        if not any(r.kind in (ReplyKind.RESULT, ReplyKind.ERROR) for r in replies):
            return None
        body = "\n\n".join(r.text.strip() for r in replies if r.text.strip())
        self._inline_answers.put(cache_key, body)
        return body

    # --- sending -----------------------------------------------------------------------------

    def _render(
        self, replies: Sequence[Reply], *, locale: str | None, actions: bool = True
    ) -> Rendered:
        """Render, remembering what any long-data button token stands for."""
        rendered = render_replies(replies, locale=locale, actions=actions)
        for token, data in rendered.long_data.items():
            self._long_data.put(token, data)
        return rendered

    async def _keep(self, rendered: Rendered) -> None:
        """Long button data goes to the database before its message goes out."""
        if rendered.long_data and self._buttons is not None:
            await self._buttons.keep(rendered.long_data)

    async def _send(
        self,
        bot: Bot,
        chat_id: int,
        replies: Sequence[Reply],
        *,
        key: ConversationKey | None,
        locale: str | None,
        reply_to: int | None = None,
        actions: bool = True,
    ) -> None:
        rendered = self._render(replies, locale=locale, actions=actions)
        await self._keep(rendered)
        for index, out in enumerate(rendered.messages):
            quote = reply_to if index == 0 else None
            message = await _send_one(bot, chat_id, out, reply_to=quote)
            if key is not None and out.question is not None:
                await self._asked(bot, key, chat_id, message.message_id)
        if key is not None and any(r.kind in _ENDS_QUESTIONS for r in replies):
            await self._done_asking(bot, key, chat_id)

    async def _asked(self, bot: Bot, key: ConversationKey, chat_id: int, message_id: int) -> None:
        """A new question is on screen: take the keyboard off the previous one if an answer
        typed as text left it there, so only the current question has buttons."""
        previous = self._newest.get(key)
        self._newest.put(key, (message_id, True))
        self._questions.put((chat_id, message_id), True)
        if previous is not None and previous[1] and previous[0] != message_id:
            await self._remove_keyboard(bot, chat_id, previous[0])

    async def _done_asking(self, bot: Bot, key: ConversationKey, chat_id: int) -> None:
        """The summary or result is on screen: no question is open any more."""
        newest = self._newest.get(key)
        if newest is not None and newest[1]:
            self._newest.put(key, (newest[0], False))
            await self._remove_keyboard(bot, chat_id, newest[0])


async def _send_one(bot: Bot, chat_id: int, out: Outgoing, *, reply_to: int | None) -> Message:
    reply_parameters = (
        ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    )
    kwargs = out.send_kwargs()
    if out.photo is not None:
        return await bot.send_photo(chat_id, reply_parameters=reply_parameters, **kwargs)
    return await bot.send_message(chat_id, reply_parameters=reply_parameters, **kwargs)


#: Replies after which no question is waiting for an answer.
_ENDS_QUESTIONS = (ReplyKind.SUMMARY, ReplyKind.RESULT)


def _asks(reply: Reply, question: str) -> bool:
    return reply.kind is ReplyKind.QUESTION and reply.question == question


def _not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
