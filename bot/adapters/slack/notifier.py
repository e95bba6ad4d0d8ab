"""The handoff Notifier for Slack: ``chat.postMessage`` and ``chat.update`` over slack_sdk.

A reminder differs from a conversation reply in two ways, so it is rendered here rather than
by :mod:`bot.adapters.slack.send`: leads' mentions must stay live (``<@U123>`` is not
escaped), and the button carries ``"handoff_ack:<id>"`` (action id and value) that
:mod:`bot.adapters.slack.handoff` routes to
:meth:`bot.handoff.service.HandoffService.acknowledge`.

Failures become :class:`~bot.handoff.errors.DeliveryError`; ``permanent`` when retrying
cannot help (channel gone, bot removed, bad token), so the runner stops trying. Rate limits
are slack_sdk's business (``AsyncRateLimitErrorRetryHandler`` on the client).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.adapters.slack.blocks import SECTION_LIMIT, escape
from bot.adapters.slack.mode import SlackMode
from bot.core.events import Reply
from bot.handoff.errors import DeliveryError
from bot.handoff.messages import ACK_ACTION
from bot.handoff.roster import TeamKey

if TYPE_CHECKING:
    from bot.adapters.slack.app import SlackBot
    from bot.config import Settings

__all__ = ["ACK_ACTION_ID", "SlackClients", "SlackNotifier", "notifier_for", "slack_team"]

#: Slack ``action_id`` of the acknowledge button (its ``value`` is ``handoff_ack:<id>``).
ACK_ACTION_ID = ACK_ACTION


def slack_team(team_id: str, channel_id: str) -> TeamKey:
    """The roster key of a Slack channel."""
    return TeamKey("slack", team_id, channel_id)


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


def _slack_payload(reply: Reply) -> dict[str, Any]:
    text = escape(reply.text.strip(), keep_mentions=True)[:SECTION_LIMIT] or " "
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


def _client_per_workspace(slack: SlackBot, settings: Settings) -> SlackClients:
    """``team_id -> AsyncWebClient`` for OAuth mode: each workspace's bot token comes from
    the installations table, as bolt does it for requests."""
    from slack_sdk.web.async_client import AsyncWebClient

    store = slack.bolt.installation_store
    base_url = settings.slack_api_url or AsyncWebClient.BASE_URL

    async def client_for(team_id: str) -> AsyncWebClient:
        bot = (
            None
            if store is None
            else await store.async_find_bot(enterprise_id=None, team_id=team_id)
        )
        if bot is None or not bot.bot_token:
            raise DeliveryError(f"slack: no installation for team {team_id}", permanent=True)
        return AsyncWebClient(
            token=bot.bot_token,
            base_url=base_url,
            logger=slack.logger,
            retry_handlers=list(slack.bolt.client.retry_handlers),
        )

    return client_for


def notifier_for(slack: SlackBot, settings: Settings) -> SlackNotifier:
    """The built app's notifier: its own client, or (OAuth) a client per workspace."""
    if slack.mode is SlackMode.OAUTH:
        return SlackNotifier(_client_per_workspace(slack, settings))
    return SlackNotifier(slack.bolt.client)
