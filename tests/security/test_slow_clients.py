"""Slow and numerous clients cannot hold the server (issue 14, finding 2).

Half-sent request heads are closed after the head timeout, a body that trickles in gets 408,
connections over the cap are closed on arrival, and through all of it ``/healthz`` answers.
The timeouts are shortened for the test; nothing here asserts how long anything took.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.app import App
from bot.config import Settings
from bot.http import ConnectionGuard, build_web_app, connection_cap, listen
from bot.service import ConversationService
from bot.store import MemoryStore

CAP = 8


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, ConnectionGuard]]:
    store = MemoryStore()
    app = App(
        settings=Settings(database_url="memory://"),
        store=store,
        conversations=ConversationService(store),
    )
    web_app = build_web_app(app)
    web_app.router.add_post("/echo", _echo)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    listening, guard, url = await listen(
        runner, web_app, "127.0.0.1", 0, max_connections=CAP, header_timeout=0.3, body_timeout=0.3
    )
    try:
        yield url, guard
    finally:
        listening.close()
        await runner.cleanup()


async def _echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read())


async def _half_sent(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # the head never ends
    await writer.drain()
    return reader, writer


async def _healthz(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/healthz") as response:
        return response.status


async def test_half_sent_heads_are_closed_and_the_server_keeps_serving(
    server: tuple[str, ConnectionGuard],
) -> None:
    url, guard = server
    held = [await _half_sent(url) for _ in range(CAP)]
    # Every one of them is closed by the server (EOF), without ever being answered.
    for reader, writer in held:
        assert await reader.read() == b""
        writer.close()
    assert guard.expired >= CAP
    assert await _healthz(url) == 200


async def test_connections_over_the_cap_are_closed_on_arrival(
    server: tuple[str, ConnectionGuard],
) -> None:
    url, guard = server
    held = [await _half_sent(url) for _ in range(CAP)]
    for _ in range(50):
        if guard.open == CAP:
            break
        await asyncio.sleep(0.01)
    extra, extra_writer = await _half_sent(url)
    assert await extra.read() == b""  # closed at once, never parsed
    assert guard.refused >= 1
    extra_writer.close()
    for reader, writer in held:
        await reader.read()
        writer.close()
    assert await _healthz(url) == 200


async def test_a_trickling_body_gets_408(server: tuple[str, ConnectionGuard]) -> None:
    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
    await writer.drain()
    status_line = await reader.readline()
    assert b" 408 " in status_line
    writer.close()
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/echo", data=b"x" * 100) as response,
    ):
        assert response.status == 200
        assert await response.read() == b"x" * 100


def test_the_cap_stays_below_the_open_file_limit() -> None:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = connection_cap(10**9)
    if soft != resource.RLIM_INFINITY:
        assert cap < soft
    assert connection_cap(16) <= 16
