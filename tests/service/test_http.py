"""The HTTP base over real HTTP on 127.0.0.1: health check and body limit."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App, open_app
from bot.config import Settings
from bot.http import APP_KEY, MAX_BODY_BYTES, build_web_app
from bot.service import ConversationService
from bot.store.sqla import SqlStore


@pytest.fixture
async def app(store_url: str) -> AsyncIterator[App]:
    async with open_app(Settings(database_url=store_url)) as opened:
        yield opened


async def _client(web_app: web.Application) -> TestClient[web.Request, web.Application]:
    client = TestClient(TestServer(web_app, host="127.0.0.1", port=0))
    await client.start_server()
    return client


async def test_healthz_reports_ok_when_the_database_answers(app: App) -> None:
    client = await _client(build_web_app(app))
    try:
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok"}
    finally:
        await client.close()


async def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    store = SqlStore.from_url("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    app = App(
        settings=Settings(database_url="memory://"),
        store=store,
        conversations=ConversationService(store),
    )
    client = await _client(build_web_app(app))
    try:
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"status": "unavailable", "database": "unavailable"}
    finally:
        await client.close()
        await store.aclose()


async def test_adapters_add_routes_and_find_the_app(app: App) -> None:
    async def echo(request: web.Request) -> web.Response:
        assert request.app[APP_KEY] is app
        return web.Response(body=await request.read())

    web_app = build_web_app(app)
    web_app.router.add_post("/hook", echo)
    client = await _client(web_app)
    try:
        small = await client.post("/hook", data=b"x" * 1000)
        assert small.status == 200
        assert await small.read() == b"x" * 1000
        huge = await client.post("/hook", data=io.BytesIO(b"x" * (MAX_BODY_BYTES + 1)))
        assert huge.status == 413
    finally:
        await client.close()
