"""The HTTP base every web-facing mode shares: one aiohttp application with a health check.

Adapters add their webhook routes to the application this returns, each with its own
function (``web_app.router.add_post(...)``), so ``sourcewise serve`` runs Telegram's and
Slack's webhooks and ``/healthz`` on one port. Request bodies are capped because platform
updates are small and anything large is either a mistake or an attack.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.store import StoreError

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["APP_KEY", "HEALTH_TIMEOUT_SECONDS", "MAX_BODY_BYTES", "build_web_app"]

_log = logging.getLogger(__name__)

#: Largest request body accepted (Telegram updates and Slack payloads are a few KiB).
MAX_BODY_BYTES = 1024 * 1024
#: A health check that cannot reach the database within this time reports it unavailable.
HEALTH_TIMEOUT_SECONDS = 5.0

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


def build_web_app(app: App) -> web.Application:
    """A new aiohttp application serving ``GET /healthz``: 200 ``{"status": "ok",
    "database": "ok"}``, or 503 when the database does not answer."""
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", _healthz)
    return web_app
