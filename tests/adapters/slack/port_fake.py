"""A tiny fake of the Conversations port (used until the real core lands)."""

from __future__ import annotations

from typing import Any

from bot.core.events import Choice, Event, Reply, ReplyKind
from bot.core.ports import ConversationKey, Turn


class EchoConversations:
    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.events: list[tuple[ConversationKey, Event]] = []

    async def handle(
        self,
        key: ConversationKey,
        event: Event,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        if dedupe_id is not None:
            if dedupe_id in self.seen:
                return Turn(replies=(), duplicate=True)
            self.seen.add(dedupe_id)
        self.events.append((key, event))
        reply = Reply(
            text=f"got {event!r} in {locale}",
            kind=ReplyKind.QUESTION,
            question="q",
            choices=(Choice("a", "A"), Choice("b", "B")),
        )
        return Turn(replies=(reply,))

    async def mark_delivered(self, key: ConversationKey, dedupe_id: str) -> None:
        return None

    async def quick_estimate(
        self, text: str, *, locale: str | None = None, key: ConversationKey | None = None
    ) -> tuple[Reply, ...]:
        return (Reply(text=f"quick {text}", kind=ReplyKind.RESULT),)

    async def recent_estimates(
        self, key: ConversationKey, *, limit: int = 5
    ) -> tuple[dict[str, Any], ...]:
        return ()
