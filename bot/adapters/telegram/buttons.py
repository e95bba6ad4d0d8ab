"""Button data over Telegram's 64 bytes, kept in the database so any replica can read it.

Most callback data fits (:mod:`.translate`); what does not (a long question id or value) is
sent as a short ``h|<marker>|<digest>`` token, and the full data is stored under the token
here, before the message goes out. The token is a digest of the data, so the same button
always gets the same row: the rows are bounded by the buttons the product can show, and
writing one twice is a no-op. Stored as a JSON state in the conversations table under the
platform :data:`BUTTON_PLATFORM`, which no conversation uses (as the handoff form drafts
are), so it rides on the same unit of work on every back end.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.adapters.telegram.translate import ButtonData, ButtonKind
from bot.core.ports import ConversationKey
from bot.store.base import StaleConversation, Store

__all__ = ["BUTTON_PLATFORM", "LongButtons"]

BUTTON_PLATFORM = "telegram.button"


def _key(token: str) -> ConversationKey:
    return ConversationKey(BUTTON_PLATFORM, token, "")


class LongButtons:
    """Long button data by token, shared by every replica through ``store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def keep(self, long_data: Mapping[str, ButtonData]) -> None:
        """Store every token's data (those already stored are left as they are)."""
        for token, data in long_data.items():
            state = {
                "kind": data.kind.value,
                "marker": data.marker,
                "question": data.question,
                "value": data.value,
            }
            try:
                async with self._store.unit_of_work() as uow:
                    if (await uow.conversations.load(_key(token))).version:
                        continue
                    await uow.conversations.save(_key(token), state, expected_version=0)
                    await uow.commit()
            except StaleConversation:
                continue  # another replica stored the same button first

    async def find(self, token: str) -> ButtonData | None:
        """The data a token stands for, or None (never issued, or not ours)."""
        async with self._store.unit_of_work(read_only=True) as uow:
            state = (await uow.conversations.load(_key(token))).state
        if not state:
            return None
        try:
            return ButtonData(
                ButtonKind(state["kind"]),
                str(state["marker"]),
                str(state["question"]),
                str(state["value"]),
            )
        except (KeyError, ValueError):
            return None
