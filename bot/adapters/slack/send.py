"""Deliver core replies to Slack through the Web API (the adapter's effects).

Each reply is one ``chat.postMessage`` with its Block Kit (:mod:`.blocks`); a reply carrying
a chart is followed by a ``files_upload_v2`` of the PNG into the same conversation (Slack's
three-step upload: ``files.getUploadURLExternal``, the upload URL,
``files.completeUploadExternal``). Rate limits are not handled here: the client carries
slack_sdk's ``AsyncRateLimitErrorRetryHandler``, which waits ``Retry-After`` and retries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import fallback_text, reply_blocks
from bot.adapters.slack.strings import strings
from bot.core.events import Image, Reply

__all__ = ["file_title", "open_dm", "post_replies", "reply_message", "user_locale"]


def file_title(image: Image) -> str:
    """A chart's title as a Slack file: its short name ("Monthly cost by delivery model
    (USD)"); the full description goes to ``alt_txt``."""
    return image.title or image.filename


def reply_message(reply: Reply, locale: str | None) -> dict[str, Any]:
    """``text`` + ``blocks`` of one reply, for ``chat.postMessage`` or a ``response_url``."""
    return {"text": fallback_text(reply), "blocks": reply_blocks(reply, strings(locale))}


async def post_replies(
    client: AsyncWebClient,
    channel: str,
    replies: Iterable[Reply],
    *,
    locale: str | None,
) -> list[tuple[Reply, str, dict[str, Any]]]:
    """Post ``replies`` in order into ``channel``; returns each posted reply with its
    message's ``ts`` and what was posted (``text``, ``blocks``); a reply with neither text
    nor buttons posts only its chart."""
    posted: list[tuple[Reply, str, dict[str, Any]]] = []
    for reply in replies:
        if reply.text.strip() or reply.choices or reply.actions:
            message = reply_message(reply, locale)
            response = await client.chat_postMessage(channel=channel, **message, unfurl_links=False)
            posted.append((reply, str(response.get("ts", "")), message))
        if reply.image is not None:
            await client.files_upload_v2(
                channel=channel,
                content=reply.image.png,
                filename=reply.image.filename,
                title=file_title(reply.image),
                alt_txt=reply.image.alt,
            )
    return posted


async def open_dm(client: AsyncWebClient, user_id: str) -> str:
    """The id of the bot's direct-message channel with ``user_id`` (opened if needed)."""
    response = await client.conversations_open(users=user_id)
    channel = response.get("channel") or {}
    return str(channel.get("id", ""))


async def user_locale(client: AsyncWebClient, user_id: str) -> str | None:
    """The Slack client language of ``user_id`` ("pl-PL"), from ``users.info``."""
    response = await client.users_info(user=user_id, include_locale=True)
    user = response.get("user") or {}
    locale = user.get("locale")
    return locale if isinstance(locale, str) and locale else None
