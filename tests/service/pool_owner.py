"""Starts a process pool of compute workers, prints their process ids, then waits to be
killed (``test_compute_orphans.py`` kills it with SIGKILL)."""

from __future__ import annotations

import asyncio

from bot.compute import PoolKind, TurnRunner


async def _main() -> None:
    runner = TurnRunner(kind=PoolKind.PROCESS, workers=2)
    await runner.start()
    print(" ".join(str(pid) for pid in runner.stats().worker_pids), flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(_main())
