"""The HTTP base every web-facing mode shares: one aiohttp application with a health check.

Adapters add their webhook routes to the application this returns, each with its own
function (``web_app.router.add_post(...)``), so ``sourcewise serve`` runs Telegram's and
Slack's webhooks and ``/healthz`` on one port. Request bodies are capped because platform
updates are small and anything large is either a mistake or an attack.

:func:`listen` puts the server on a socket with the limits aiohttp lacks (it has only an
idle keep-alive timeout): a connection must deliver a whole request head within
:data:`HEADER_TIMEOUT_SECONDS` and its body within :data:`BODY_TIMEOUT_SECONDS` (408
otherwise), and at most ``max_connections`` are open at once (more are closed on arrival,
and the cap stays below the process's file limit, so the server never runs out of file
descriptors and never stops accepting).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.store import StoreError

if TYPE_CHECKING:
    from bot.app import App

__all__ = [
    "APP_KEY",
    "BODY_TIMEOUT_SECONDS",
    "HEADER_TIMEOUT_SECONDS",
    "HEALTH_TIMEOUT_SECONDS",
    "KEEPALIVE_TIMEOUT_SECONDS",
    "MAX_BODY_BYTES",
    "ConnectionGuard",
    "build_web_app",
    "listen",
]

_log = logging.getLogger(__name__)

#: Largest request body accepted (Telegram updates and Slack payloads are a few KiB).
MAX_BODY_BYTES = 1024 * 1024
#: A health check that cannot reach the database within this time reports it unavailable.
HEALTH_TIMEOUT_SECONDS = 5.0

#: A connection must send a whole request head within this time (slow-header attacks).
HEADER_TIMEOUT_SECONDS = 10.0
#: And a request's body within this time (slow bodies); 408 otherwise.
BODY_TIMEOUT_SECONDS = 10.0
#: An idle keep-alive connection is closed after this time.
KEEPALIVE_TIMEOUT_SECONDS = 15.0
#: File descriptors kept free for the database, the Bot API and Slack clients, the workers.
_SPARE_FILES = 128

#: Where the middleware finds the connection guard (:func:`listen` sets its limits).
GUARD_KEY: web.AppKey[ConnectionGuard] = web.AppKey("sourcewise_guard")

#: Where handlers find the wired :class:`bot.app.App`: ``request.app[APP_KEY]``.
APP_KEY: web.AppKey[App] = web.AppKey("sourcewise_app")


async def _healthz(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await app.store.ping()
    except (StoreError, TimeoutError) as exc:
        _log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return web.json_response({"status": "unavailable", "database": "unavailable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


@web.middleware
async def _bounded_body(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Read the whole body (at most ``client_max_size``) within :data:`BODY_TIMEOUT_SECONDS`
    before any handler sees the request; the connection's head timer stops here."""
    guard = request.app[GUARD_KEY]
    guard.started(request.transport)
    try:
        if request.body_exists:
            async with asyncio.timeout(guard.body_timeout):
                await request.read()
        return await handler(request)
    except TimeoutError:
        return web.Response(status=408, text="request body too slow")
    finally:
        guard.finished(request.transport)


def build_web_app(app: App) -> web.Application:
    """A new aiohttp application serving ``GET /healthz``: 200 ``{"status": "ok",
    "database": "ok"}``, or 503 when the database does not answer."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_bounded_body])
    web_app[GUARD_KEY] = ConnectionGuard(512)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", _healthz)
    return web_app


# --- the listening socket -------------------------------------------------------------------


class ConnectionGuard:
    """Counts open connections, closes those over the cap on arrival, and closes a connection
    that has not sent a whole request head within ``header_timeout`` of opening (or of its
    previous response plus the keep-alive timeout)."""

    def __init__(
        self,
        max_connections: int,
        *,
        header_timeout: float = HEADER_TIMEOUT_SECONDS,
        body_timeout: float = BODY_TIMEOUT_SECONDS,
    ) -> None:
        self.max_connections = max_connections
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.open = 0
        self.refused = 0
        self.expired = 0
        self._timers: dict[Any, asyncio.TimerHandle] = {}

    def admit(self, transport: Any) -> bool:
        if self.open >= self.max_connections:
            self.refused += 1
            transport.abort()
            return False
        self.open += 1
        self._arm(transport, self.header_timeout)
        return True

    def _arm(self, transport: Any, delay: float) -> None:
        self._disarm(transport)
        loop = asyncio.get_running_loop()
        self._timers[transport] = loop.call_later(delay, self._expire, transport)

    def _disarm(self, transport: Any) -> None:
        timer = self._timers.pop(transport, None)
        if timer is not None:
            timer.cancel()

    def _expire(self, transport: Any) -> None:
        self._timers.pop(transport, None)
        self.expired += 1
        transport.abort()

    def started(self, transport: Any) -> None:
        if transport is not None:
            self._disarm(transport)

    def finished(self, transport: Any) -> None:
        if transport is not None and not transport.is_closing():
            self._arm(transport, KEEPALIVE_TIMEOUT_SECONDS + self.header_timeout)

    def closed(self, transport: Any) -> None:
        self.open -= 1
        self._disarm(transport)


class _Guarded(asyncio.Protocol):
    """aiohttp's request handler behind the guard (every protocol call is passed on)."""

    def __init__(self, inner: Any, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._guard.admit(transport):
            self._transport = transport
            self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._guard.closed(self._transport)
            self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        result: bool | None = self._inner.eof_received()
        return result

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()


def connection_cap(wanted: int) -> int:
    """``wanted``, but below the process's open-file limit (leaving room for everything else
    the server opens), and at least 8."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(8, min(wanted, soft - _SPARE_FILES))


async def listen(
    runner: web.AppRunner,
    web_app: web.Application,
    host: str,
    port: int,
    *,
    max_connections: int,
    header_timeout: float = HEADER_TIMEOUT_SECONDS,
    body_timeout: float = BODY_TIMEOUT_SECONDS,
) -> tuple[asyncio.Server, ConnectionGuard, str]:
    """Serve ``runner`` (set up) on ``host``:``port`` behind the app's
    :class:`ConnectionGuard`; returns the server (close it before ``runner.cleanup()``), the
    guard and the URL."""
    guard = web_app[GUARD_KEY]
    guard.max_connections = connection_cap(max_connections)
    guard.header_timeout = header_timeout
    guard.body_timeout = body_timeout
    handler_factory = runner.server
    assert handler_factory is not None, "runner.setup() first"
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _Guarded(handler_factory(), guard),
        host,
        port,
        reuse_address=True,
        backlog=128,
    )
    sock = server.sockets[0]
    address = sock.getsockname()
    shown = f"[{address[0]}]" if sock.family == socket.AF_INET6 else address[0]
    return server, guard, f"http://{shown}:{address[1]}"
