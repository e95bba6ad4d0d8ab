"""``/handoff`` in Slack channels: roster commands, the add-a-region modal, the ack button.

The handoff feature lives in :mod:`bot.handoff`; this module translates, like the rest of
the adapter, and every listener acknowledges Slack first (bolt's ``ack`` + ``lazy``):

- ``/handoff <text>`` (or ``/sourcewise handoff <text>``) runs the command for the channel
  it was typed in (``slack_team(team id, channel id)``). Roster changes and views are
  answered in the channel through the command's ``response_url``, so the team sees them;
  errors and help only to whoever typed them. A coverage heatmap is uploaded to the channel
  (that needs the bot in the channel; the text is posted either way).
- ``/handoff form`` opens a modal built from the service's form fields (``block_id`` = the
  field name). The submission is validated in the acknowledgement, the only answer in which
  Slack shows errors under the fields; a valid one is added in the background and confirmed
  in the channel through the slash command's ``response_url``, which travels in the view's
  ``private_metadata`` with the channel and the user's locale.
- A press of a reminder's button (``action_id`` ``handoff_ack``, value ``handoff_ack:<id>``,
  posted by :class:`~bot.adapters.slack.notifier.SlackNotifier`) is recorded by the service, which
  also edits the reminder; the presser gets the confirmation as an ephemeral message.

Who may change a roster or take a handoff is :mod:`bot.handoff.access`'s; who is an admin
(workspace admins and owners) is asked of Slack with ``users.info`` through the request's own
client (:class:`SlackDirectory`), per request, nothing cached.

Mentions stay live in the channel: replies are escaped for mrkdwn except for ``<@U…>`` and
``<!subteam^…>`` tokens, which Slack sends for ``@name`` in ``/handoff`` (the manifest turns
``should_escape`` on for it).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import Block, escape, plain, truncate
from bot.adapters.slack.modal import read_values
from bot.adapters.slack.notifier import ACK_ACTION_ID, slack_team
from bot.adapters.slack.send import file_title
from bot.adapters.slack.strings import strings
from bot.adapters.slack.translate import key_for, team_and_user
from bot.core.events import Reply, ReplyKind
from bot.core.ports import ConversationKey
from bot.handoff.access import Caller
from bot.handoff.commands import command_verb
from bot.handoff.errors import DirectoryUnavailable
from bot.handoff.service import FormField, HandoffService

__all__ = [
    "ACK_ACTION",
    "FORM_CALLBACK",
    "HANDOFF_COMMAND",
    "FormMeta",
    "SlackDirectory",
    "SlackHandoff",
    "form_meta",
    "form_values",
    "handoff_form_view",
    "handoff_message",
    "handoff_text",
]

_log = logging.getLogger(__name__)

HANDOFF_COMMAND = "/handoff"
#: The modal's ``callback_id``.
FORM_CALLBACK = "sw:handoff_form"
#: Every acknowledge button of a reminder (the first is ``handoff_ack``).
ACK_ACTION = re.compile(rf"^{re.escape(ACK_ACTION_ID)}(?::\d+)?$")

_SECTION_LIMIT = 3000
_FALLBACK_LIMIT = 3000
_LABEL_LIMIT = 2000
_INPUT_ACTION = "value"  # what modal.read_values reads
_WORD = re.compile(r"^\s*handoff(?:\s+|$)", re.IGNORECASE)

#: ``(client, who) -> the user's Slack locale`` (the adapter's cached ``users.info``).
LocaleLookup = Callable[[AsyncWebClient, ConversationKey], Awaitable[str | None]]
#: Sends one message: ``respond`` or a ``response_url`` webhook.
Send = Callable[..., Awaitable[Any]]


# --- pure translation ----------------------------------------------------------------------


def handoff_message(reply: Reply) -> dict[str, Any]:
    """``text`` + ``blocks`` of one handoff reply (no buttons: reminders are the notifier's)."""
    text = reply.text.strip()
    if reply.kind is ReplyKind.ERROR and text:
        text = f"⚠️ {text}"
    escaped = escape(text, keep_mentions=True)
    sections: list[Block] = []
    current = ""
    for paragraph in escaped.split("\n\n"):
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if len(joined) <= _SECTION_LIMIT:
            current = joined
            continue
        if current:
            sections.append(_section(current))
        current = truncate(paragraph, _SECTION_LIMIT)
    if current:
        sections.append(_section(current))
    return {"text": truncate(escaped, _FALLBACK_LIMIT) or " ", "blocks": sections}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def handoff_text(command: str, text: str) -> str | None:
    """The handoff command in a slash command's text: all of it for ``/handoff``, the rest
    after the word "handoff" for ``/sourcewise handoff …``; None when it is not one. Slack's
    three HTML entities are decoded; mention tokens are kept."""
    decoded = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
    if command == HANDOFF_COMMAND:
        return decoded
    match = _WORD.match(decoded)
    return decoded[match.end() :].strip() if match else None


@dataclass(frozen=True, slots=True)
class FormMeta:
    """What the modal carries in ``private_metadata``: where to add and answer."""

    team: str
    channel: str
    locale: str | None
    response_url: str


def handoff_form_view(fields: Sequence[FormField], meta: FormMeta) -> dict[str, Any]:
    """The ``modal`` view for ``views.open``: one text input per form field."""
    words = strings(meta.locale)
    blocks: list[Block] = [
        {
            "type": "input",
            "block_id": field.name,
            "label": plain(field.label, _LABEL_LIMIT),
            "element": {"type": "plain_text_input", "action_id": _INPUT_ACTION},
            "optional": field.optional,
            **({"hint": plain(field.hint, _LABEL_LIMIT)} if field.hint else {}),
        }
        for field in fields
    ]
    metadata = {
        "team": meta.team,
        "channel": meta.channel,
        "locale": meta.locale,
        "response_url": meta.response_url,
    }
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": plain(words.handoff_modal_title, 24),
        "submit": plain(words.handoff_modal_submit, 24),
        "close": plain(words.modal_close, 24),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def form_meta(body: Mapping[str, Any]) -> FormMeta | None:
    """The modal's metadata from a ``view_submission``; None if it is not readable."""
    view = body.get("view")
    if not isinstance(view, Mapping):
        return None
    try:
        meta = json.loads(str(view.get("private_metadata") or ""))
    except json.JSONDecodeError:
        return None
    if not isinstance(meta, dict):
        return None
    team, channel = meta.get("team"), meta.get("channel")
    if not isinstance(team, str) or not isinstance(channel, str) or not team or not channel:
        return None
    locale = meta.get("locale")
    url = meta.get("response_url")
    return FormMeta(
        team,
        channel,
        locale if isinstance(locale, str) else None,
        url if isinstance(url, str) else "",
    )


def form_values(body: Mapping[str, Any]) -> dict[str, str]:
    """The submitted answers, ``{field name: text}`` (empty inputs left out)."""
    view = body.get("view")
    state = view.get("state") if isinstance(view, Mapping) else None
    values = state.get("values") if isinstance(state, Mapping) else None
    found = read_values(values) if isinstance(values, Mapping) else {}
    return {name: value for name, value in found.items() if isinstance(value, str)}


# --- who is an admin ------------------------------------------------------------------------


class SlackDirectory:
    """:class:`~bot.handoff.ports.Directory` over ``users.info`` on the request's client (the
    workspace's own token): workspace admins and owners are admins. Asked afresh every time;
    any failure (an error answer, no answer) is
    :class:`~bot.handoff.errors.DirectoryUnavailable`, so the service refuses."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def is_admin(self, workspace: str, channel: str, user: str) -> bool:
        try:
            response = await self._client.users_info(user=user)
        except Exception as exc:  # SlackApiError, a timeout, a refused connection: fail closed
            raise DirectoryUnavailable(f"users.info {workspace}/{user}: {exc}") from exc
        found = response.get("user")
        if not isinstance(found, Mapping) or found.get("id") != user:
            raise DirectoryUnavailable(f"users.info {workspace}/{user}: no such user")
        return any(found.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))


def _caller(user: str) -> Caller:
    return Caller(user, f"<@{user}>")


# --- listeners -----------------------------------------------------------------------------


#: Claims an update id in the database (``Conversations.claim``): True the first time.
Claim = Callable[[ConversationKey, str], Awaitable[bool]]


class SlackHandoff:
    """The handoff listeners (registered by :func:`bot.adapters.slack.app.build_slack_app`).
    ``service`` None: the feature is off and ``/handoff`` says so."""

    def __init__(
        self,
        service: HandoffService | None,
        *,
        locale: LocaleLookup,
        logger: logging.Logger | None = None,
        claim: Claim | None = None,
    ) -> None:
        self._service = service
        self._locale = locale
        self._log = logger or _log
        self._claim = claim

    @staticmethod
    async def is_handoff(body: dict[str, Any]) -> bool:
        """bolt matcher: a slash command whose text is a handoff command."""
        return handoff_text(str(body.get("command", "")), str(body.get("text", ""))) is not None

    @staticmethod
    def _command(body: Mapping[str, Any]) -> str:
        return handoff_text(str(body.get("command", "")), str(body.get("text", ""))) or ""

    # --- the slash command -------------------------------------------------------------------

    async def on_command_ack(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Acknowledge; ``form`` opens the modal here, while the trigger id is fresh."""
        await ack()
        text = self._command(body)
        who = team_and_user(body)
        channel = body.get("channel_id")
        if self._service is None or who is None or command_verb(text) != "form":
            return
        if not isinstance(channel, str) or text.split()[1:]:
            return  # "form extra": the lazy listener reports the error
        locale = await self._locale(client, key_for(*who))
        meta = FormMeta(who[0], channel, locale, str(body.get("response_url") or ""))
        view = handoff_form_view(self._service.form_fields(locale), meta)
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def on_command(
        self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        text = self._command(body)
        who = team_and_user(body)
        channel = body.get("channel_id")
        if who is None or not isinstance(channel, str) or not channel:
            return
        key = key_for(*who)
        trigger = body.get("trigger_id")
        # A replayed (or retried) signed command carries the same trigger id: act once, on
        # whichever replica sees it first.
        if (
            self._claim is not None
            and isinstance(trigger, str)
            and trigger
            and not await self._claim(key, f"slash:{trigger}")
        ):
            self._log.info("/handoff %s delivered again; already handled", trigger)
            return
        try:
            locale = await self._locale(client, key)
            if self._service is None:
                await respond(text=strings(locale).handoff_disabled, response_type="ephemeral")
                return
            if command_verb(text) == "form" and not text.split()[1:]:
                return  # the modal opened in the acknowledgement
            replies = await self._service.handle_command(
                slack_team(who[0], channel),
                text,
                locale,
                _caller(who[1]),
                directory=SlackDirectory(client),
            )
            public = command_verb(text) not in (None, "help")
            await self._send(respond, client, channel, replies, public=public)
        except Exception:
            self._log.exception("/handoff failed")
            await _quietly(respond(text=strings(None).failed, response_type="ephemeral"))

    async def _send(
        self,
        send: Send,
        client: AsyncWebClient,
        channel: str,
        replies: Sequence[Reply],
        *,
        public: bool,
    ) -> None:
        """Each reply in the channel (``public``) or only to the user; errors always only
        to the user. Images are uploaded into the channel."""
        for reply in replies:
            shown = public and reply.kind is not ReplyKind.ERROR
            kind = "in_channel" if shown else "ephemeral"
            await send(**handoff_message(reply), response_type=kind)
            if reply.image is None:
                continue
            try:
                await client.files_upload_v2(
                    channel=channel,
                    content=reply.image.png,
                    filename=reply.image.filename,
                    title=file_title(reply.image),
                    alt_txt=reply.image.alt,
                )
            except SlackApiError as exc:  # not_in_channel: the text went out anyway
                self._log.info("handoff heatmap not uploaded: %s", exc.response.get("error"))

    # --- the modal ---------------------------------------------------------------------------

    async def on_form_ack(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Validate in the acknowledgement: Slack shows field errors only from this answer."""
        meta = form_meta(body)
        if self._service is None or meta is None:
            await ack()
            return
        errors = self._service.validate_form(form_values(body), locale=meta.locale)
        if errors:
            await ack(response_action="errors", errors=errors)
        else:
            await ack()

    async def on_form(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        meta = form_meta(body)
        who = team_and_user(body)
        if self._service is None or meta is None or who is None:
            return
        values = form_values(body)
        if self._service.validate_form(values, locale=meta.locale):
            return  # answered in the acknowledgement: the modal stays open with its errors
        try:
            team = slack_team(meta.team, meta.channel)
            replies = await self._service.submit_form(
                team,
                values,
                locale=meta.locale,
                actor=_caller(who[1]),
                directory=SlackDirectory(client),
            )
            send = self._sender(client, meta, who[1])
            await self._send(send, client, meta.channel, replies, public=True)
        except Exception:
            self._log.exception("handoff form submission failed")

    def _sender(self, client: AsyncWebClient, meta: FormMeta, user: str) -> Send:
        """Answer through the slash command's ``response_url``; if it is gone (older than
        Slack keeps it), post to the channel instead."""

        async def send(*, text: str, blocks: list[Block], response_type: str) -> None:
            if meta.response_url:
                response = await AsyncWebhookClient(meta.response_url).send(
                    text=text, blocks=blocks, response_type=response_type
                )
                if response.status_code == 200:
                    return
                self._log.info("response_url answered %s; posting instead", response.status_code)
            if response_type == "in_channel":
                await client.chat_postMessage(channel=meta.channel, text=text, blocks=blocks)
            else:
                await client.chat_postEphemeral(
                    channel=meta.channel, user=user, text=text, blocks=blocks
                )

        return send

    # --- the acknowledge button --------------------------------------------------------------

    async def on_ack(
        self, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        actions = body.get("actions") or [{}]
        value = str(actions[0].get("value", ""))
        who = team_and_user(body)
        channel = body.get("channel") or {}
        channel_id = channel.get("id") if isinstance(channel, Mapping) else None
        if who is None or not isinstance(channel_id, str):
            return
        try:
            locale = await self._locale(client, key_for(*who))
            if self._service is None:
                replies: Sequence[Reply] | None = (
                    Reply(strings(locale).handoff_disabled, kind=ReplyKind.ERROR),
                )
            else:
                replies = await self._service.acknowledge_action(
                    value, _caller(who[1]), team=slack_team(who[0], channel_id), locale=locale
                )
            for reply in replies or ():
                await respond(
                    **handoff_message(reply), response_type="ephemeral", replace_original=False
                )
        except Exception:
            self._log.exception("handoff acknowledgement failed")


async def _quietly(sending: Awaitable[Any]) -> None:
    try:
        await sending
    except Exception:
        _log.exception("could not tell the user about the failure")
