"""The ports adapters call: one conversation service, whatever the platform.

Adapters receive an object satisfying :class:`Conversations` (wired in ``bot.app``) and
never touch the store or the state machine directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from bot.core.events import Event, Reply

__all__ = ["ConversationKey", "Conversations", "Turn"]


class ConversationKey(NamedTuple):
    """Who a conversation belongs to: nobody else can read or change it.

    ``platform`` is "console", "telegram" or "slack"; ``workspace`` the Slack team id or the
    Telegram chat id; ``user`` the platform's user id.
    """

    platform: str
    workspace: str
    user: str


@dataclass(frozen=True, slots=True)
class Turn:
    """What one event produced. ``duplicate``: the update was seen before. Its ``replies`` are
    then empty, unless the first answer was never marked delivered (the process died between
    saving and sending): then they are that answer, handed out this once, to send as usual.
    ``locale``: the conversation's language after the turn (None: unknown), so an adapter
    labels its own chrome (a "Done" button) in the language the replies are in.
    ``busy``: there was no capacity for this heavy turn; the one reply says "busy, one
    moment", nothing was saved and the update id was not claimed. ``estimates_changed``:
    the user's saved estimates changed (one added, deleted, or all forgotten), so a view
    listing them (Slack's App Home) is out of date. ``guided``: a one-line request
    (:meth:`Conversations.one_liner`) that went on as a turn of the conversation: send its
    replies like any turn's (questions, buttons) and mark them delivered."""

    replies: tuple[Reply, ...]
    duplicate: bool = False
    locale: str | None = None
    busy: bool = False
    estimates_changed: bool = False
    guided: bool = False


class Conversations(Protocol):
    """The conversation service (``bot.service.ConversationService`` implements it).

    ``handle`` loads the state, steps the pure core and saves the new state in one
    transaction together with ``dedupe_id`` (the platform's update/event id), so an update
    delivered twice is answered once and a crash loses nothing.
    """

    async def handle(
        self,
        key: ConversationKey,
        event: Event,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn: ...

    async def mark_delivered(self, key: ConversationKey, dedupe_id: str) -> None:
        """Call after sending the replies of the update ``dedupe_id``, so a redelivery of it
        never sends them again."""
        ...

    async def quick_estimate(
        self,
        text: str,
        *,
        locale: str | None = None,
        key: ConversationKey | None = None,
        dedupe_id: str | None = None,
    ) -> tuple[Reply, ...]:
        """A one-line estimate. With ``key`` and ``dedupe_id`` the update id is claimed in the
        database: a redelivery to any replica gets no replies."""
        ...

    async def one_liner(
        self,
        key: ConversationKey,
        text: str,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        """A one-line request where the conversation can go on (a private chat, the DM):
        priced at once when it says enough, like :meth:`quick_estimate` (its replies are
        one-off, ``guided`` False, already marked delivered); otherwise a turn of ``key``'s
        conversation (``guided``): the guided conversation opens with what the line said
        filled in, or a command in it ("list", "delete my data") runs."""
        ...

    async def claim(self, key: ConversationKey, dedupe_id: str) -> bool:
        """Claim an update id no conversation turn handles (an inline query, a command):
        True the first time on any replica, False for a redelivery."""
        ...

    async def recent_estimates(
        self, key: ConversationKey, *, limit: int = 5
    ) -> tuple[dict[str, Any], ...]: ...
