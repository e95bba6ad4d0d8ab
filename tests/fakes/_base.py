"""What the fake platform servers share: listening on 127.0.0.1 port 0, recording calls,
waiting on them, and canned failures handed out a given number of times.

The fakes differ in what they answer (Slack's Web API, Telegram's Bot API); how a test drives
and observes them is the same, so it lives here once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, Protocol, Self, TypeVar

from aiohttp import web

__all__ = ["Countdown", "RecordingServer", "next_canned"]


class _Call(Protocol):
    @property
    def method(self) -> str: ...

    @property
    def ok(self) -> bool: ...


class Countdown(Protocol):
    """A canned answer: given for the next ``times`` calls."""

    times: int


CallT = TypeVar("CallT", bound=_Call)
CannedT = TypeVar("CannedT", bound=Countdown)


def next_canned(canned: dict[str, list[CannedT]], method: str) -> CannedT | None:
    """The canned answer due for this call of ``method`` (first queued first), if any."""
    queue = canned.get(method)
    if not queue:
        return None
    first = queue[0]
    first.times -= 1
    if first.times <= 0:
        queue.pop(0)
    return first


class RecordingServer(Generic[CallT]):
    """An aiohttp server on 127.0.0.1 (port 0) that records the calls it answers."""

    def __init__(self) -> None:
        self.calls: list[CallT] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        raise NotImplementedError

    async def stop(self) -> None:
        await self._stop_listening()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _listen(self, app: web.Application) -> str:
        """Serve ``app`` on 127.0.0.1, port 0; returns ``http://host:port`` (no slash).
        No access log: it would show tokens that travel in the path."""
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def _stop_listening(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _record(self, call: CallT) -> None:
        self.calls.append(call)
        self._changed.set()

    def calls_of(self, method: str, *, ok_only: bool = True) -> list[CallT]:
        """Calls of ``method`` in arrival order; by default only the successful ones."""
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        within: float = 5.0,
        where: Callable[[CallT], bool] | None = None,
    ) -> list[CallT]:
        """Wait until ``count`` successful calls of ``method`` (matching ``where``) arrived;
        returns them all. Raises ``TimeoutError`` after ``within`` seconds.

        Background work runs after the HTTP answer, so tests wait for its effects here
        rather than sleeping."""
        async with asyncio.timeout(within):
            while True:
                found = [c for c in self.calls_of(method) if where is None or where(c)]
                if len(found) >= count:
                    return found
                self._changed.clear()
                await self._changed.wait()

    def _activity(self) -> int:
        """What :meth:`settle` watches: how many calls have arrived."""
        return len(self.calls)

    async def settle(self, quiet: float = 0.3, *, within: float = 5.0) -> None:
        """Wait until no request arrived for ``quiet`` seconds (background work finished)."""
        async with asyncio.timeout(within):
            while True:
                seen = self._activity()
                await asyncio.sleep(quiet)
                if self._activity() == seen:
                    return
