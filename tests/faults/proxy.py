"""A TCP proxy on 127.0.0.1 whose cable a test can pull: the database "briefly unreachable".

:meth:`TcpProxy.cut` resets every open connection and stops listening (new connections are
refused, as with a database host that went away); :meth:`TcpProxy.restore` listens on the
same port again. :meth:`TcpProxy.blackhole` keeps every connection open but lets nothing
through (a database that stopped answering: no reset, no refusal, just silence) until
:meth:`TcpProxy.unblock`. Deterministic, no database administration, and exactly what the
service sees in a network partition.
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["TcpProxy"]


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._open = asyncio.Event()
        self._open.set()
        self.port = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))
        pipes = [
            asyncio.create_task(self._pipe(reader, up_writer)),
            asyncio.create_task(self._pipe(up_reader, writer)),
        ]
        self._tasks.update(pipes)
        await asyncio.gather(*pipes, return_exceptions=True)
        self._tasks.difference_update(pipes)
        for end in (writer, up_writer):
            self._writers.discard(end)
            end.close()

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                if not self._open.is_set():
                    continue  # swallowed: the other end never hears of it
                sink.write(data)
                await sink.drain()
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            sink.write_eof()

    async def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._writers.clear()
        if server is not None:
            await server.wait_closed()

    def blackhole(self) -> None:
        """From now on, swallow everything in both directions (connections stay open)."""
        self._open.clear()

    def unblock(self) -> None:
        """Let data through again (what was swallowed stays lost)."""
        self._open.set()

    async def restore(self) -> None:
        """Listen again on the same port."""
        await self.start()

    async def aclose(self) -> None:
        await self.cut()
