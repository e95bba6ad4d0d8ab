"""``/handoff`` in Telegram chats: roster commands, the acknowledge button, the add form.

The handoff feature lives in :mod:`bot.handoff`; this module only translates, like the
rest of the adapter. :func:`classify_handoff` (pure) names what an update means for it;
:class:`TelegramHandoff` calls :class:`~bot.handoff.service.HandoffService` and sends the
replies. PTB offers each update here first (:mod:`.handlers`); whatever is not ours goes on
to the conversation untouched.

- ``/handoff …`` in a group, a forum topic or a private chat runs the command for that
  chat (``telegram_team(chat id, topic id)``); roster changes are answered in the chat, so
  the whole team sees them.
- A press of a reminder's button (callback data ``handoff_ack:<id>``, posted by
  :class:`~bot.adapters.telegram.notifier.TelegramNotifier`) is checked here *before* the adapter's
  own button decoding, which would call it stale. The service records who and when and
  edits the reminder; the presser gets the confirmation as the button's toast. A press that
  comes without its ``message`` (an inline-mode message: no chat to check it against) is
  refused in the toast and never reaches the service.
- Who is an admin (roster changes, :mod:`bot.handoff.access`) is asked of Telegram with
  ``getChatMember`` (:class:`TelegramDirectory`), per request, nothing cached.
- ``/handoff form`` asks one field at a time. The draft answers are kept per chat (or
  topic) and user in the store (:class:`FormDrafts`, the unit of work's ``drafts``), so a
  restart between two answers loses nothing. While a draft is open, the user's next plain
  message answers it: any text in a private chat; in a group only a reply to the bot (questions
  are sent with ``ForceReply`` so the reply box opens, and privacy mode still lets the answer
  through). ``/cancel`` drops an open form; any other command but ``/handoff`` drops it silently,
  so an abandoned form never captures a later estimate conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot, ChatMember, ForceReply, Message, ReplyParameters, Update, User
from telegram.error import BadRequest

from bot.adapters.telegram.notifier import telegram_team
from bot.adapters.telegram.render import render_reply
from bot.adapters.telegram.strings import strings
from bot.adapters.telegram.translate import split_command
from bot.core.events import Reply, ReplyKind
from bot.core.ports import ConversationKey
from bot.handoff.access import Caller
from bot.handoff.errors import DirectoryUnavailable
from bot.handoff.messages import parse_ack_value
from bot.handoff.roster import TeamKey
from bot.handoff.service import FORM_QUESTION, HandoffService
from bot.store.base import Draft, StaleConversation, Store

__all__ = [
    "HANDOFF_COMMAND",
    "AckPress",
    "FormAnswer",
    "FormDrafts",
    "HandoffIntent",
    "OtherCommand",
    "RosterCommand",
    "TelegramDirectory",
    "TelegramHandoff",
    "Where",
    "actor_of",
    "caller_of",
    "classify_handoff",
]

_log = logging.getLogger(__name__)

HANDOFF_COMMAND = "handoff"
#: Telegram shows at most 200 characters in a button's toast.
_TOAST_LIMIT = 200
#: Claims an update id in the database (``Conversations.claim``): True the first time.
Claim = Callable[[ConversationKey, str], Awaitable[bool]]


# --- intents (pure) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Where:
    """The chat (and forum topic) an update came from."""

    chat_id: int
    topic_id: int | None
    private: bool

    @property
    def team(self) -> TeamKey:
        return telegram_team(self.chat_id, self.topic_id)


@dataclass(frozen=True, slots=True)
class RosterCommand:
    """``/handoff <text>``; ``text`` is what follows the command word."""

    where: Where
    text: str
    user_id: int
    actor: Caller
    locale: str | None
    message_id: int
    dedupe_id: str


@dataclass(frozen=True, slots=True)
class AckPress:
    """A press of a reminder's acknowledge button (``value`` is ``handoff_ack:<id>``);
    ``where`` None: Telegram did not say which chat the button was in."""

    where: Where | None
    value: str
    actor: Caller
    locale: str | None
    query_id: str


@dataclass(frozen=True, slots=True)
class OtherCommand:
    """Any other command for this bot: it closes an open form."""

    where: Where
    name: str
    user_id: int
    locale: str | None
    message_id: int
    dedupe_id: str


@dataclass(frozen=True, slots=True)
class FormAnswer:
    """Plain text that answers the user's open form, if one is open."""

    where: Where
    text: str
    user_id: int
    actor: Caller
    locale: str | None
    message_id: int
    dedupe_id: str


HandoffIntent = RosterCommand | AckPress | OtherCommand | FormAnswer


def actor_of(user: User) -> str:
    """How a user is named in rosters and acknowledgements: ``@username`` (a mention that
    notifies), else the display name."""
    return f"@{user.username}" if user.username else user.full_name


def caller_of(user: User) -> Caller:
    """The user as the access rules see them: id, mention and (verified) username."""
    return Caller(str(user.id), actor_of(user), user.username or None)


def _where(message: Message) -> Where:
    topic = message.message_thread_id if message.is_topic_message else None
    return Where(message.chat.id, topic, message.chat.type == "private")


def classify_handoff(update: Update, *, bot_id: int, bot_username: str) -> HandoffIntent | None:
    """What ``update`` means for the handoff feature; None when it is none of its business."""
    query = update.callback_query
    if query is not None:
        value = query.data or ""
        if parse_ack_value(value) is None:
            return None
        message = query.message
        where = None
        if isinstance(message, Message):
            where = _where(message)
        elif message is not None:  # too old to be shown: the chat is still known
            where = Where(message.chat.id, None, message.chat.type == "private")
        user = query.from_user
        return AckPress(where, value, caller_of(user), user.language_code, query.id)
    message = update.message
    if message is None or message.text is None or message.from_user is None:
        return None
    user = message.from_user
    if user.is_bot:
        return None
    dedupe_id = f"{bot_id}:{update.update_id}"
    where = _where(message)
    text = message.text.strip()
    command = split_command(text, bot_username)
    if command is not None:
        name, arg = command
        if name == "":  # addressed to another bot
            return None
        if name == HANDOFF_COMMAND:
            return RosterCommand(
                where, arg, user.id, caller_of(user), user.language_code, message.id, dedupe_id
            )
        return OtherCommand(where, name, user.id, user.language_code, message.id, dedupe_id)
    replied = message.reply_to_message
    to_us = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    if not text or not (where.private or to_us):
        return None
    return FormAnswer(
        where, text, user.id, caller_of(user), user.language_code, message.id, dedupe_id
    )


# --- form drafts ---------------------------------------------------------------------------


class FormDrafts:
    """Open ``/handoff form`` drafts, one per (chat or topic, user).

    Kept in the store's ``drafts`` repository (:class:`~bot.store.base.DraftStore`, its own
    table since migration ``0004``): a versioned, transactional row on SQLite or PostgreSQL,
    surviving restarts and shared by replicas. A concurrent save raises
    :class:`~bot.store.base.StaleConversation`.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def key(team: TeamKey, user_id: int) -> ConversationKey:
        return ConversationKey("telegram", team.channel, str(user_id))

    async def load(self, key: ConversationKey) -> Draft:
        async with self._store.unit_of_work() as uow:
            return await uow.drafts.load(key)

    async def save(
        self, key: ConversationKey, answers: dict[str, str] | None, *, version: int
    ) -> None:
        async with self._store.unit_of_work() as uow:
            await uow.drafts.save(key, answers, expected_version=version)
            await uow.commit()


# --- who is an admin ------------------------------------------------------------------------


class TelegramDirectory:
    """:class:`~bot.handoff.ports.Directory` over ``getChatMember``: the group's creator and
    administrators are its admins. Asked afresh every time (nothing cached); any failure is
    :class:`~bot.handoff.errors.DirectoryUnavailable`, so the service refuses."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def is_admin(self, workspace: str, channel: str, user: str) -> bool:
        try:
            member = await self._bot.get_chat_member(int(workspace), int(user))
        except Exception as exc:  # TelegramError, a timeout, a malformed id: fail closed
            raise DirectoryUnavailable(f"getChatMember {workspace}/{user}: {exc}") from exc
        return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


# --- effects -------------------------------------------------------------------------------


class TelegramHandoff:
    """Handles the updates :func:`classify_handoff` claims. ``service`` None: the feature
    is off and ``/handoff`` says so. ``drafts`` keeps open forms (see :class:`FormDrafts`)."""

    def __init__(
        self,
        service: HandoffService | None,
        drafts: FormDrafts | None,
        *,
        claim: Claim | None = None,
    ) -> None:
        self._service = service
        self._drafts = drafts
        self._claim = claim

    async def handle(self, bot: Bot, update: Update) -> bool:
        """Act on ``update`` if it is ours; False hands it on to the conversation."""
        intent = classify_handoff(update, bot_id=bot.id, bot_username=bot.username)
        match intent:
            case None:
                return False
            case AckPress():
                await self._ack(bot, intent)
                return True
            case RosterCommand():
                if await self._first_time(intent.where, intent.user_id, intent.dedupe_id):
                    await self._command(bot, intent)
                return True
            case OtherCommand():
                return await self._other(bot, intent)
            case FormAnswer():
                return await self._answer(bot, intent)

    async def _first_time(self, where: Where, user_id: int, dedupe_id: str) -> bool:
        """Claim the update id in the database (a webhook retry, a redelivered poll, another
        replica): True the first time only. Without ``claim`` (tests of the parsing) always
        True."""
        if self._claim is None:
            return True
        key = ConversationKey("telegram", where.team.channel, str(user_id))
        if await self._claim(key, dedupe_id):
            return True
        _log.info("update %s delivered again; already answered", dedupe_id)
        return False

    async def _command(self, bot: Bot, intent: RosterCommand) -> None:
        where = intent.where
        if self._service is None:
            disabled = Reply(strings(intent.locale).handoff_disabled, kind=ReplyKind.ERROR)
            await self._send(bot, where, [disabled], locale=intent.locale, to=intent.message_id)
            return
        replies = await self._service.handle_command(
            where.team, intent.text, intent.locale, intent.actor, directory=TelegramDirectory(bot)
        )
        if self._drafts is not None and replies and _is_form_question(replies[0]):
            key = FormDrafts.key(where.team, intent.user_id)
            draft = await self._drafts.load(key)
            await self._drafts.save(key, {}, version=draft.version)
        await self._send(bot, where, replies, locale=intent.locale, to=intent.message_id)

    async def _other(self, bot: Bot, intent: OtherCommand) -> bool:
        """Another command closes an open form; ``/cancel`` says so and stops there."""
        if self._drafts is None:
            return False
        key = FormDrafts.key(intent.where.team, intent.user_id)
        draft = await self._drafts.load(key)
        if draft.answers is None:
            return False
        try:
            await self._drafts.save(key, None, version=draft.version)
        except StaleConversation:
            _log.info("handoff form %s changed meanwhile; left as it is", key)
        if intent.name != "cancel":
            return False
        if await self._first_time(intent.where, intent.user_id, intent.dedupe_id):
            cancelled = Reply(strings(intent.locale).handoff_cancelled)
            await self._send(bot, intent.where, [cancelled], locale=intent.locale)
        return True

    async def _answer(self, bot: Bot, intent: FormAnswer) -> bool:
        if self._service is None or self._drafts is None:
            return False
        where = intent.where
        key = FormDrafts.key(where.team, intent.user_id)
        draft = await self._drafts.load(key)
        if draft.answers is None:
            return False
        if not await self._first_time(where, intent.user_id, intent.dedupe_id):
            return True
        turn = await self._service.form_step(
            where.team,
            draft.answers,
            intent.text,
            locale=intent.locale,
            actor=intent.actor,
            directory=TelegramDirectory(bot),
        )
        try:
            await self._drafts.save(key, turn.answers, version=draft.version)
        except StaleConversation:  # another replica took this step first and answered it
            _log.info("handoff form %s: step answered elsewhere", key)
            return True
        await self._send(bot, where, turn.replies, locale=intent.locale, to=intent.message_id)
        return True

    async def _ack(self, bot: Bot, press: AckPress) -> None:
        if self._service is None:
            text: str | None = strings(press.locale).handoff_disabled
        elif press.where is None:  # an inline message: no chat to check the press against
            text = self._service.unplaced_press(press.locale).text
        else:
            replies = await self._service.acknowledge_action(
                press.value, press.actor, team=press.where.team, locale=press.locale
            )
            text = replies[0].text if replies else None
        if text is not None and len(text) > _TOAST_LIMIT:
            text = text[: _TOAST_LIMIT - 1] + "…"
        try:
            await bot.answer_callback_query(press.query_id, text=text)
        except BadRequest as exc:  # answered before a restart, or older than Telegram keeps
            _log.info("could not answer callback query (%s)", exc)

    # --- sending ---------------------------------------------------------------------------

    async def _send(
        self,
        bot: Bot,
        where: Where,
        replies: Sequence[Reply],
        *,
        locale: str | None,
        to: int | None = None,
    ) -> None:
        """Send ``replies`` into the chat (and topic), the first one quoting ``to``. In a
        group a form question quotes the user and forces a reply, so that the answer
        reaches the bot even in privacy mode and only that user is prompted."""
        quote = to if not where.private else None
        for reply in replies:
            asks = _is_form_question(reply) and not where.private
            messages = render_reply(reply, locale=locale, actions=False).messages
            for index, out in enumerate(messages):
                kwargs: dict[str, Any] = out.send_kwargs()
                if asks and index == len(messages) - 1:
                    kwargs["reply_markup"] = ForceReply(selective=True)
                    quote = to
                if where.topic_id is not None:
                    kwargs["message_thread_id"] = where.topic_id
                if quote is not None:
                    kwargs["reply_parameters"] = ReplyParameters(
                        quote, allow_sending_without_reply=True
                    )
                    quote = None
                if out.photo is not None:
                    await bot.send_photo(where.chat_id, **kwargs)
                else:
                    await bot.send_message(where.chat_id, **kwargs)


def _is_form_question(reply: Reply) -> bool:
    return reply.kind is ReplyKind.QUESTION and (reply.question or "").startswith(
        f"{FORM_QUESTION}."
    )
