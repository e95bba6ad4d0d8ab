"""The bolt listeners: acknowledge at once, then translate -> core -> send in the background.

Slack wants an HTTP answer within 3 seconds. Every listener here is split the bolt way: an
``ack`` function that only acknowledges (or, for the modal, answers field errors, which must
come in the acknowledgement) and ``lazy`` functions that bolt runs after the answer went out,
where the core, the database and the Web API calls happen.

A listener whose work is a conversation turn saves the request in the inbox before it
acknowledges (:mod:`.inbox`): its lazy half then works it and marks it done, and
:meth:`SlackHandlers.redo` works it again from the saved copy when its process died first.

Nothing here knows what a question means: payloads go through :mod:`.translate`, replies
through :mod:`.blocks`/:mod:`.send`, the modal through :mod:`.modal` (which reads the core's
form definition) and the App Home through :mod:`.home`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import is_question_message, mark_answered
from bot.adapters.slack.caches import LocaleCache
from bot.adapters.slack.home import home_view
from bot.adapters.slack.inbox import SlackInbox, TurnKind
from bot.adapters.slack.modal import FormAdapter
from bot.adapters.slack.send import (
    file_title,
    open_dm,
    post_replies,
    reply_message,
    user_locale,
)
from bot.adapters.slack.strings import strings
from bot.adapters.slack.translate import (
    Inbound,
    SlashKind,
    answered_label,
    from_block_action,
    from_message_event,
    key_for,
    parse_slash_command,
    start_from,
    team_and_user,
)
from bot.core.events import Command, Reply, ReplyKind, Text
from bot.core.ports import ConversationKey, Conversations
from bot.recent import Recent, SeenIds
from bot.store.base import StoreError

__all__ = ["SlackHandlers"]

#: Slack caps a button's value at 2000 characters; the shared one-liner travels in it.
_SHARE_LIMIT = 2000

#: Where the acknowledgement tells the lazy half about the inbox (bolt copies the context):
#: the dedupe id when this process holds the item, "" when another handling does, absent
#: when nothing was saved (no inbox, no id, or the store failed).
_INBOX = "sourcewise_inbox"

#: A request body as bolt hands it to listeners.
JSONBody = dict[str, Any]


def _form_submission(body: Mapping[str, Any]) -> str:
    view = body.get("view") or {}
    submission = body.get("trigger_id") or f"{view.get('id')}:{view.get('hash')}"
    return f"form:{submission}"


class SlackHandlers:
    """One set of listeners per bolt app; holds the service and per-process caches."""

    def __init__(
        self,
        conversations: Conversations,
        *,
        form: FormAdapter | None = None,
        logger: logging.Logger | None = None,
        recent_ids: SeenIds | None = None,
        locales: LocaleCache | None = None,
        inbox: SlackInbox | None = None,
    ) -> None:
        self._conversations = conversations
        self._form = form
        self._inbox = inbox
        self._log = logger or logging.getLogger(__name__)
        self._recent = recent_ids or SeenIds()
        self._locales = locales or LocaleCache()
        # The newest question message of each DM (channel, ts, blocks): when the user types
        # the answer instead of pressing a button, its buttons are taken off. Per process,
        # like Telegram's: after a restart an old question keeps them (the core still
        # refuses a stale press).
        self._open_question: Recent[ConversationKey, tuple[str, str, dict[str, Any]]] = Recent()

    # --- shared steps ------------------------------------------------------------------------

    async def locale_of(self, client: AsyncWebClient, key: ConversationKey) -> str | None:
        """The user's Slack language (cached ``users.info``; the handoff listeners share it)."""
        return await self._locale(client, key)

    async def _locale(self, client: AsyncWebClient, key: ConversationKey) -> str | None:
        found, locale = self._locales.get(key.workspace, key.user)
        if found:
            return locale
        try:
            locale = await user_locale(client, key.user)
        except SlackApiError as exc:  # missing users:read scope, deleted user...
            self._log.info(
                "users.info failed (%s); using the default locale", exc.response.get("error")
            )
            locale = None
        self._locales.put(key.workspace, key.user, locale)
        return locale

    async def _converse(
        self, client: AsyncWebClient, inbound: Inbound, channel: str | None = None
    ) -> tuple[Reply, ...] | None:
        """Hand one event to the core and post its replies in the DM; None if a duplicate."""
        locale = inbound.locale or await self._locale(client, inbound.key)
        turn = await self._conversations.handle(
            inbound.key, inbound.event, dedupe_id=inbound.dedupe_id, locale=locale
        )
        if turn.duplicate and not turn.replies:
            self._log.debug("duplicate update %s: nothing sent", inbound.dedupe_id)
            return None
        # A duplicate with replies: the first answer was saved but never sent (the process
        # died in between); the service hands it out this once.
        target = channel or await open_dm(client, inbound.key.user)
        posted = await post_replies(client, target, turn.replies, locale=locale)
        if inbound.dedupe_id is not None:
            await self._conversations.mark_delivered(inbound.key, inbound.dedupe_id)
        await self._follow_questions(client, inbound, target, posted)
        if turn.estimates_changed or any(reply.kind is ReplyKind.RESULT for reply in turn.replies):
            await self._publish_home(client, inbound.key, locale)
        return None if turn.duplicate else turn.replies

    async def _follow_questions(
        self,
        client: AsyncWebClient,
        inbound: Inbound,
        channel: str,
        posted: Sequence[tuple[Reply, str, dict[str, Any]]],
    ) -> None:
        """Remember the newest question posted; an answer typed to the previous one takes
        its buttons off (a pressed one is marked by :meth:`_mark_answered`)."""
        previous = self._open_question.get(inbound.key)
        asked = [(ts, sent) for reply, ts, sent in posted if reply.kind is ReplyKind.QUESTION]
        if asked:
            self._open_question.put(inbound.key, (channel, *asked[-1]))
        elif posted:
            self._open_question.pop(inbound.key)
        if previous is None or not isinstance(inbound.event, Text):
            return
        where, ts, sent = previous
        if asked and asked[-1][0] == ts:
            return
        try:
            await client.chat_update(
                channel=where,
                ts=ts,
                text=sent["text"],
                blocks=mark_answered(sent["blocks"], None, None),
            )
        except SlackApiError as exc:  # deleted, too old to edit: it only keeps its buttons
            self._log.info("question buttons not removed: %s", exc.response.get("error"))

    async def _guarded(
        self,
        client: AsyncWebClient,
        key: ConversationKey | None,
        work: Callable[[], Awaitable[object]],
        *,
        notify: Callable[[str], Awaitable[object]] | None = None,
        quiet: bool = False,
    ) -> bool:
        """Run background work; on failure log it and tell the user once (unless
        ``quiet``: a redo from the inbox, tried again later), never re-raise (bolt would
        only log it again, with the payload). True when the work finished."""
        try:
            await work()
        except Exception:
            self._log.exception("Slack background work failed")
            if key is None or quiet:
                return False
            try:
                locale = await self._locale(client, key)
                if notify is not None:
                    await notify(strings(locale).failed)
                else:
                    channel = await open_dm(client, key.user)
                    await client.chat_postMessage(channel=channel, text=strings(locale).failed)
            except Exception:
                self._log.exception("could not tell the user about the failure")
            return False
        return True

    async def _publish_home(
        self, client: AsyncWebClient, key: ConversationKey, locale: str | None
    ) -> None:
        """Refresh the user's App Home; a failure here is logged, never shown to the user
        (whatever they asked for was delivered already)."""
        try:
            estimates = await self._conversations.recent_estimates(key, limit=5)
            view = home_view(estimates, locale, form=self._form is not None)
            await client.views_publish(user_id=key.user, view=view)
        except SlackApiError as exc:
            self._log.warning("App Home not published: %s", exc.response.get("error"))

    @staticmethod
    def _dm_channel(body: Mapping[str, Any]) -> str | None:
        """The conversation a click came from, when it is a DM with the bot."""
        channel = body.get("channel")
        channel_id = channel.get("id") if isinstance(channel, Mapping) else None
        if isinstance(channel_id, str) and channel_id.startswith("D"):
            return channel_id
        return None

    # --- acknowledgements --------------------------------------------------------------------

    async def ack(self, ack: AsyncAck) -> None:
        await ack()

    async def ack_message(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await self._take_in(context, TurnKind.MESSAGE, body)
        await ack()

    async def ack_action(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await self._take_in(context, TurnKind.ACTION, body)
        await ack()

    async def ack_home_start(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await self._take_in(context, TurnKind.HOME_START, body)
        await ack()

    # --- the inbox ---------------------------------------------------------------------------

    async def _take_in(self, context: AsyncBoltContext, kind: TurnKind, body: JSONBody) -> None:
        """Save a turn's request before it is acknowledged. If the store fails, the event
        is still acknowledged and worked, as before there was an inbox (only a crash in
        between would lose it), rather than refused while the turn could succeed."""
        if self._inbox is None:
            return
        found = _turn_of(kind, body)
        if found is None:
            return
        key, dedupe_id = found
        try:
            held = await self._inbox.receive(kind, key, dedupe_id, body)
        except StoreError as exc:
            self._log.warning("slack inbox unavailable (%s): worked without a saved copy", exc)
            return
        context[_INBOX] = dedupe_id if held else ""

    async def _settled(
        self, context: AsyncBoltContext, work: Callable[[], Awaitable[bool | None]]
    ) -> None:
        """Work a lazy listener's turn unless another handling holds it, then mark its
        inbox item done (or release it when the work failed)."""
        held = context.get(_INBOX)
        if held == "":
            self._log.debug("slack: this event is held by another handling; not worked twice")
            return
        outcome = await work()
        if isinstance(held, str) and self._inbox is not None and outcome is not None:
            await self._inbox.settle(held, done=outcome)

    async def redo(self, kind: str, body: JSONBody, client: AsyncWebClient) -> bool:
        """Work a saved request again (the inbox's recovery loop): its listener's steps,
        without the per-process retry filter and the slash command's claim (the first
        handling may have made both before it died; the service's dedupe claim still makes
        the turn once), and without telling the user about a failure (it is tried again).
        True when done or nothing was left to do."""
        outcome: bool | None
        if kind == TurnKind.MESSAGE:
            outcome = await self._message(body, client, replay=True)
        elif kind == TurnKind.ACTION:
            outcome = await self._action(body, client, replay=True)
        elif kind == TurnKind.COMMAND:
            respond = AsyncRespond(response_url=body.get("response_url"))
            outcome = await self._command(body, client, respond, replay=True)
        elif kind == TurnKind.FORM:
            outcome = await self._submitted(body, client, replay=True)
        elif kind == TurnKind.HOME_START:
            outcome = await self._home_start(body, client, replay=True)
        else:
            self._log.error("slack inbox: no listener for kind %r", kind)
            return True
        return outcome is not False

    # --- DM messages -------------------------------------------------------------------------

    async def on_message(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await self._settled(context, lambda: self._message(body, client, replay=False))

    async def _message(
        self, body: JSONBody, client: AsyncWebClient, *, replay: bool
    ) -> bool | None:
        inbound = from_message_event(body)
        if inbound is None:
            return None
        if not replay and not self._recent.first_time(inbound.dedupe_id):
            self._log.debug("Slack retried %s while it was handled: ignored", inbound.dedupe_id)
            return None
        event = body.get("event") or {}
        channel = event.get("channel") if isinstance(event.get("channel"), str) else None

        async def work() -> None:
            try:
                await self._converse(client, inbound, channel)
            except Exception:
                self._recent.forget(inbound.dedupe_id)
                raise

        return await self._guarded(client, inbound.key, work, quiet=replay)

    # --- buttons and selects -----------------------------------------------------------------

    async def on_action(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await self._settled(context, lambda: self._action(body, client, replay=False))

    async def _action(self, body: JSONBody, client: AsyncWebClient, *, replay: bool) -> bool | None:
        inbound = from_block_action(body)
        if inbound is None:
            return None
        if not replay and not self._recent.first_time(inbound.dedupe_id):
            return None
        channel = self._dm_channel(body)

        async def work() -> None:
            replies = await self._converse(client, inbound, channel)
            if replies is None or channel is None:
                return
            rejected = bool(replies) and replies[0].kind is ReplyKind.ERROR
            await self._mark_answered(client, body, channel, rejected=rejected)

        return await self._guarded(client, inbound.key, work, quiet=replay)

    async def _mark_answered(
        self, client: AsyncWebClient, body: Mapping[str, Any], channel: str, *, rejected: bool
    ) -> None:
        """Replace the question's buttons with what was chosen (unless the core refused it)."""
        label = answered_label(body)
        message = body.get("message")
        actions = body.get("actions") or [{}]
        split = ids.split_action_id(str(actions[0].get("action_id", "")))
        if rejected or split is None or not isinstance(message, Mapping):
            return
        blocks = message.get("blocks")
        ts = message.get("ts")
        if not isinstance(blocks, list) or not isinstance(ts, str):
            return
        if label is not None:  # a choice: shown in place of the buttons
            updated = mark_answered(blocks, split[1], label)
        elif is_question_message(blocks):  # back or skip on a question: its buttons go
            updated = mark_answered(blocks, None, None)
        else:
            return  # a result's follow-ups stay usable
        sections = [
            str((b.get("text") or {}).get("text", "")) for b in blocks if b.get("type") == "section"
        ]
        text = str(message.get("text") or "").strip() or label or (sections or ["✓"])[0]
        await client.chat_update(channel=channel, ts=ts, text=text, blocks=updated)

    # --- the slash command -------------------------------------------------------------------

    async def on_command_ack(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        command = parse_slash_command(str(body.get("text", "")))
        if command.kind is SlashKind.FORM and self._form is not None:
            await ack()
            who = team_and_user(body)
            locale = await self._locale(client, key_for(*who)) if who else None
            await client.views_open(trigger_id=body["trigger_id"], view=self._form.view(locale))
            return
        await self._take_in(context, TurnKind.COMMAND, body)
        await ack()

    async def on_command(
        self,
        body: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        context: AsyncBoltContext,
    ) -> None:
        await self._settled(context, lambda: self._command(body, client, respond, replay=False))

    async def _command(
        self, body: JSONBody, client: AsyncWebClient, respond: AsyncRespond, *, replay: bool
    ) -> bool | None:
        command = parse_slash_command(str(body.get("text", "")))
        who = team_and_user(body)
        if who is None or (command.kind is SlashKind.FORM and self._form is not None):
            return None
        key = key_for(*who)
        trigger = body.get("trigger_id")
        # A replayed (or retried) signed command carries the same trigger id: act once, on
        # whichever replica sees it first.
        if (
            not replay
            and isinstance(trigger, str)
            and trigger
            and not await self._conversations.claim(key, f"slash:{trigger}")
        ):
            self._log.info("/sourcewise %s delivered again; already handled", trigger)
            return None

        async def tell(text: str) -> None:
            await respond(text=text, response_type="ephemeral")

        async def work() -> None:
            locale = await self._locale(client, key)
            if command.kind is SlashKind.ESTIMATE:
                await self._one_liner(client, respond, body, key, command.text, locale, tell)
            elif command.kind is SlashKind.HELP or command.kind is SlashKind.FORM:
                dedupe_id = f"cmd:{body.get('trigger_id')}"
                turn = await self._conversations.handle(
                    key, Command("help"), dedupe_id=dedupe_id, locale=locale
                )
                for reply in _standalone(turn.replies):
                    await respond(**reply_message(reply, locale), response_type="ephemeral")
                await self._conversations.mark_delivered(key, dedupe_id)
            else:
                inbound = start_from(body)
                if inbound is None:
                    return
                dm = await open_dm(client, key.user)
                await self._converse(client, replace(inbound, locale=locale), dm)
                if body.get("channel_id") != dm:
                    await tell(strings(locale).dm_started)

        return await self._guarded(client, key, work, notify=tell, quiet=replay)

    async def _one_liner(
        self,
        client: AsyncWebClient,
        respond: AsyncRespond,
        body: Mapping[str, Any],
        key: ConversationKey,
        text: str,
        locale: str | None,
        tell: Callable[[str], Awaitable[object]],
    ) -> None:
        """A one-line estimate: in the bot's DM as messages with the chart; anywhere else
        as ephemeral messages with a "Share in channel" button.

        A one-liner is not a conversation, so the conversation's follow-up buttons (why?,
        what if...) are left off: they would act on the DM's conversation instead. A line
        that lacks a place or a size (or is "list", "delete my data") goes on as the DM's
        conversation instead, with what it said filled in."""
        dedupe_id = f"cmd:{body.get('trigger_id')}"
        turn = await self._conversations.one_liner(
            key, f"/sourcewise {text}".strip(), dedupe_id=dedupe_id, locale=locale
        )
        dm = await open_dm(client, key.user)
        if turn.guided:
            await post_replies(client, dm, turn.replies, locale=turn.locale or locale)
            await self._conversations.mark_delivered(key, dedupe_id)
            if body.get("channel_id") != dm:
                await tell(strings(locale).dm_started)
            results = any(reply.kind is ReplyKind.RESULT for reply in turn.replies)
            if turn.estimates_changed or results:
                await self._publish_home(client, key, locale)
            return
        replies = _standalone(turn.replies)
        if body.get("channel_id") == dm:
            await post_replies(client, dm, replies, locale=locale)
        else:
            words = strings(locale)
            for index, reply in enumerate(replies):
                message = reply_message(reply, locale)
                last = index == len(replies) - 1
                if last and reply.kind is not ReplyKind.ERROR and len(text) <= _SHARE_LIMIT:
                    message["blocks"] = [*message["blocks"], _share_block(words.share, text)]
                await respond(**message, response_type="ephemeral")
        if any(reply.kind is ReplyKind.RESULT for reply in replies):
            await self._publish_home(client, key, locale)

    async def on_share(
        self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        """Post the ephemeral one-liner for the whole channel, then drop the ephemeral copy.

        The estimate is computed again from the text in the button: the engine is
        deterministic, so everyone sees what the user saw (and it is not added to the user's
        history a second time). The chart follows if the bot is a member of the channel."""
        who = team_and_user(body)
        actions = body.get("actions") or [{}]
        text = str(actions[0].get("value", ""))
        channel = body.get("channel") or {}
        channel_id = channel.get("id") if isinstance(channel, Mapping) else None
        if who is None or not text:
            return
        key = key_for(*who)

        async def work() -> None:
            locale = await self._locale(client, key)
            replies = _standalone(await self._conversations.quick_estimate(text, locale=locale))
            header = {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": strings(locale).shared(key.user)}],
            }
            for index, reply in enumerate(replies):
                message = reply_message(reply, locale)
                if index == 0:
                    message["blocks"] = [header, *message["blocks"]]
                await respond(**message, response_type="in_channel", replace_original=False)
            await respond(delete_original=True)
            images = [reply.image for reply in replies if reply.image is not None]
            if images and isinstance(channel_id, str):
                try:
                    for image in images:
                        await client.files_upload_v2(
                            channel=channel_id,
                            content=image.png,
                            filename=image.filename,
                            title=file_title(image),
                            alt_txt=image.alt,
                        )
                except SlackApiError as exc:  # not_in_channel: the text was shared anyway
                    self._log.info("chart not shared: %s", exc.response.get("error"))

        await self._guarded(client, key, work)

    # --- App Home ----------------------------------------------------------------------------

    async def on_home_opened(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        event = body.get("event") or {}
        who = team_and_user(body)
        if event.get("tab") != "home" or who is None:
            return
        key = key_for(*who)

        await self._publish_home(client, key, await self._locale(client, key))

    async def on_home_start(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await self._settled(context, lambda: self._home_start(body, client, replay=False))

    async def _home_start(
        self, body: JSONBody, client: AsyncWebClient, *, replay: bool
    ) -> bool | None:
        inbound = start_from(body)
        if inbound is None:
            return None
        return await self._guarded(
            client, inbound.key, lambda: self._converse(client, inbound), quiet=replay
        )

    async def on_open_form(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        who = team_and_user(body)
        if self._form is None or who is None:
            return
        locale = await self._locale(client, key_for(*who))
        await client.views_open(trigger_id=body["trigger_id"], view=self._form.view(locale))

    # --- the modal ---------------------------------------------------------------------------

    async def on_form_ack(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """Validate in the acknowledgement: Slack shows field errors only from this answer."""
        if self._form is None:
            await ack()
            return
        errors = self._form.errors(body)
        if errors:
            await ack(response_action="errors", errors=errors)
        else:
            await self._take_in(context, TurnKind.FORM, body)
            await ack()

    async def on_form(
        self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await self._settled(context, lambda: self._submitted(body, client, replay=False))

    async def _submitted(
        self, body: JSONBody, client: AsyncWebClient, *, replay: bool
    ) -> bool | None:
        who = team_and_user(body)
        if self._form is None or who is None:
            return None
        if self._form.errors(body):
            return None  # answered in the acknowledgement: the modal stays open with its errors
        inbound = Inbound(
            key=key_for(*who),
            event=self._form.event(body),
            dedupe_id=_form_submission(body),
            locale=self._form.locale_of(body),
        )
        return await self._guarded(
            client, inbound.key, lambda: self._converse(client, inbound), quiet=replay
        )


def _turn_of(kind: TurnKind, body: Mapping[str, Any]) -> tuple[ConversationKey, str] | None:
    """The conversation and dedupe id of a request that leads to a turn (the same ids the
    listeners give the conversation service), or None when it has none."""
    if kind is TurnKind.MESSAGE:
        inbound = from_message_event(body)
    elif kind is TurnKind.ACTION:
        inbound = from_block_action(body)
    elif kind is TurnKind.HOME_START:
        inbound = start_from(body)
    else:
        who = team_and_user(body)
        if who is None:
            return None
        if kind is TurnKind.FORM:
            return key_for(*who), _form_submission(body)
        trigger = body.get("trigger_id")
        return (key_for(*who), f"cmd:{trigger}") if isinstance(trigger, str) and trigger else None
    if inbound is None or inbound.dedupe_id is None:
        return None
    return inbound.key, inbound.dedupe_id


def _standalone(replies: Sequence[Reply]) -> tuple[Reply, ...]:
    """Replies shown outside the DM conversation, without its follow-up buttons."""
    return tuple(replace(reply, actions=()) for reply in replies)


def _share_block(label: str, text: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": "sw:share",
        "elements": [
            {
                "type": "button",
                "action_id": ids.SHARE,
                "text": {"type": "plain_text", "text": label},
                "value": text,
            }
        ],
    }
