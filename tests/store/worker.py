"""A store client run as a separate process by the multi-process tests.

``python -m tests.store.worker URL increment N DIR``: N turns on one conversation, started
when ``DIR/go`` exists (after writing ``DIR/ready-<pid>``), so the writers really overlap.
``python -m tests.store.worker URL forever``: turns until killed, printing each committed
count; every turn writes the state, an update claim with replies and an estimate together.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.core.ports import ConversationKey
from bot.store import StaleConversation, Store, open_store

KEY = ConversationKey("telegram", "chat-1", "alice")


async def increment(
    store: Store, key: ConversationKey = KEY, *, with_side_rows: bool = False
) -> int:
    """One turn: read the counter, write it plus one; redo the turn if it lost a race."""
    for _ in range(200):
        try:
            async with store.unit_of_work() as uow:
                snapshot = await uow.conversations.load(key)
                count = int((snapshot.state or {}).get("count", 0)) + 1
                await asyncio.sleep(0)  # let another writer run between read and write
                await uow.conversations.save(
                    key, {"count": count}, expected_version=snapshot.version
                )
                if with_side_rows:
                    assert await uow.updates.claim(key, f"u{count}")
                    await uow.updates.record_replies(key, f"u{count}", [{"text": str(count)}])
                    await uow.estimates.add(key, {"count": count})
                await uow.commit()
                return count
        except StaleConversation:
            await asyncio.sleep(0.002)
    raise AssertionError("no progress after 200 attempts")


async def _main(url: str, mode: str, times: int, barrier: Path | None) -> None:
    store = open_store(url)
    try:
        if mode == "increment":
            if barrier is not None:
                (barrier / f"ready-{os.getpid()}").touch()
                while not (barrier / "go").exists():  # noqa: ASYNC110 - set by another process
                    await asyncio.sleep(0.005)
            for _ in range(times):
                await increment(store)
        else:
            while True:
                print(await increment(store, with_side_rows=True), flush=True)
    finally:
        await store.aclose()


if __name__ == "__main__":
    args = [*sys.argv[1:], "0", ""]
    asyncio.run(_main(args[0], args[1], int(args[2]), Path(args[3]) if args[3] else None))
