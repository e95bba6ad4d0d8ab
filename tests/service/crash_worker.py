"""Answers questions through the real service until killed (``test_crash.py`` kills it).

``python -m tests.service.crash_worker URL``: user after user, answers every question with
its first button (a few typed), printing ``<user> <question>`` after each committed answer.
It stops at each summary and moves to the next user, so turns stay fast (no estimate).
"""

from __future__ import annotations

import asyncio
import sys

from bot.core.events import Command, Event, Pick, ReplyKind, Start, Submit, Text
from bot.core.ports import ConversationKey, Turn
from bot.service import ConversationService
from bot.store import open_store

TYPED: dict[str, Event] = {"region": Pick("region", "PL"), "team_size": Text("9")}


def next_answer(turn: Turn) -> tuple[str, Event] | None:
    for reply in reversed(turn.replies):
        if reply.kind is ReplyKind.QUESTION and reply.question is not None:
            q = reply.question
            if q in TYPED:
                return q, TYPED[q]
            if reply.multi:
                return q, Submit(q, (reply.choices[0].value,))
            if reply.choices:
                return q, Pick(q, reply.choices[0].value)
            return q, Command("skip")
    return None


async def _main(url: str) -> None:
    store = open_store(url)
    service = ConversationService(store)
    update = 0
    try:
        for n in range(1_000_000):
            key = ConversationKey("telegram", "crash", f"user-{n}")
            turn = await service.handle(key, Start())
            while (step := next_answer(turn)) is not None:
                question, event = step
                update += 1
                turn = await service.handle(key, event, dedupe_id=str(update))
                print(key.user, question, flush=True)
    finally:
        await store.aclose()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1]))
