"""A fake Slack Web API on 127.0.0.1 (port 0) that answers like Slack and records every call.

Point ``slack_sdk``'s ``AsyncWebClient(base_url=server.api_url)`` (or our
``SOURCEWISE_SLACK_API_URL``) at it: the real client library then talks real HTTP to this
server, so tests exercise the same request encoding, retry handling and file upload steps as
production. Shaped after bolt-python's ``tests/mock_web_api_server`` and opsdroid's
``ExternalAPIMockServer``, but async (same event loop as the test) and bound to port 0.

What it offers a test::

    server = FakeSlackServer()
    server.add_workspace("T1", bot_token="xoxb-t1")    # auth.test answers for that token
    await server.start()
    ...                                              # client(base_url=server.api_url)
    calls = await server.wait_for("chat.postMessage", count=2)
    calls[0].params["channel"], calls[0].token, calls[0].json_param("blocks")
    server.rate_limit("chat.postMessage", times=1, retry_after=1)   # next call gets a 429
    server.fail("views.open", "expired_trigger_id")                  # next call: ok=false
    server.hold("chat.postMessage"); ...; server.release("chat.postMessage")  # gate calls
    url = server.response_url("cmd-1")     # a slash command's response_url, recorded as
                                           # method "response_url" with params["_id"]
    server.add_oauth_code("code-1", team_id="T2", bot_token="xoxb-t2")   # oauth.v2.access
    server.add_app_token("xapp-1")        # Socket Mode: apps.connections.open -> ws://.../socket
    await server.wait_for_socket(); await server.push("events_api", body)  # acks: "socket_ack"
    await server.stop()

Every request is recorded as a :class:`RecordedCall` (method, params from the query string,
form or JSON body, the token from ``Authorization: Bearer`` or a ``token`` field, the HTTP
status answered, the monotonic time) -- including the ones answered with a 429, so a test can
check that a rate-limited message was retried and delivered exactly once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._base import RecordingServer, next_canned

__all__ = ["FakeSlackServer", "RecordedCall", "Workspace"]

Handler = Callable[["RecordedCall"], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Workspace:
    """One installed workspace as the fake knows it."""

    team_id: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    team_name: str
    enterprise_id: str | None = None


@dataclass(slots=True)
class RecordedCall:
    """One HTTP request the fake received."""

    method: str
    params: dict[str, Any]
    token: str | None
    status: int = 200
    at: float = 0.0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Answered HTTP 200 with ``"ok": true`` (uploads and response URLs: HTTP 200)."""
        return self.status == 200 and bool(self.answer.get("ok", True))

    def json_param(self, name: str) -> Any:
        """A parameter that the client may send as a JSON string (form) or as JSON (body)."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value


@dataclass(slots=True)
class _Canned:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


class FakeSlackServer(RecordingServer[RecordedCall]):
    """The fake Slack Web API; see the module docstring for the tour."""

    def __init__(self) -> None:
        super().__init__()
        self._workspaces: dict[str, Workspace] = {}
        self._oauth_codes: dict[str, Workspace] = {}
        self._locales: dict[str, str] = {}
        self._admins: dict[str, str] = {}
        self._canned: dict[str, list[_Canned]] = {}
        self._handlers: dict[str, Handler] = {}
        self._ids = itertools.count(1)
        self._app_tokens: set[str] = set()
        self._gates: dict[str, asyncio.Event] = {}
        self._waiting: dict[str, int] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_open = asyncio.Event()
        self.base_url = ""

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on 127.0.0.1, port 0; returns :attr:`api_url`."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{response_id}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self.base_url = f"{await self._listen(app)}/"
        return self.api_url

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        await self._stop_listening()

    @property
    def api_url(self) -> str:
        """What ``AsyncWebClient(base_url=...)`` takes: ends with ``/api/``."""
        return f"{self.base_url}api/"

    # --- set-up ------------------------------------------------------------------------------

    def add_workspace(
        self,
        team_id: str,
        *,
        bot_token: str,
        bot_user_id: str | None = None,
        team_name: str | None = None,
        enterprise_id: str | None = None,
    ) -> Workspace:
        """Make ``bot_token`` valid: auth.test answers with this team and bot user."""
        workspace = Workspace(
            team_id=team_id,
            bot_token=bot_token,
            bot_user_id=bot_user_id or f"U{team_id}BOT",
            bot_id=f"B{team_id}",
            team_name=team_name or f"Team {team_id}",
            enterprise_id=enterprise_id,
        )
        self._workspaces[bot_token] = workspace
        return workspace

    def add_oauth_code(self, code: str, *, team_id: str, bot_token: str) -> None:
        """oauth.v2.access with ``code`` installs ``team_id`` and returns ``bot_token``."""
        self._oauth_codes[code] = Workspace(
            team_id=team_id,
            bot_token=bot_token,
            bot_user_id=f"U{team_id}BOT",
            bot_id=f"B{team_id}",
            team_name=f"Team {team_id}",
        )

    def add_app_token(self, app_token: str) -> None:
        """Make ``app_token`` (``xapp-…``) valid for ``apps.connections.open`` (Socket Mode)."""
        self._app_tokens.add(app_token)

    async def wait_for_socket(self, *, within: float = 5.0) -> None:
        """Wait until a Socket Mode client connected (and got its ``hello``)."""
        async with asyncio.timeout(within):
            await self._socket_open.wait()

    async def push(self, kind: str, payload: dict[str, Any]) -> str:
        """Send a Socket Mode envelope (``events_api``, ``interactive``,
        ``slash_commands``) to the connected client; its ack is recorded as method
        ``socket_ack`` with ``params["envelope_id"]``. Returns the envelope id."""
        envelope_id = f"env-{next(self._ids)}"
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(message)
        return envelope_id

    def set_locale(self, user_id: str, locale: str) -> None:
        """users.info answers ``locale`` for this user (Slack's ``include_locale``)."""
        self._locales[user_id] = locale

    def set_admin(self, user_id: str, role: str = "is_admin") -> None:
        """users.info answers ``role`` (``is_admin``, ``is_owner`` or ``is_primary_owner``)
        true for this user; everyone else is a plain member."""
        self._admins[user_id] = role

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP 429 with ``Retry-After``."""
        self._canned.setdefault(method, []).append(
            _Canned(
                status=429,
                body={"ok": False, "error": "ratelimited"},
                headers={"Retry-After": str(retry_after)},
                times=times,
            )
        )

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}``."""
        self._canned.setdefault(method, []).append(
            _Canned(status=200, body={"ok": False, "error": error}, headers={}, times=times)
        )

    def server_error(self, method: str, *, status: int = 500, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP ``status`` (a 5xx: Slack's side
        failed), which slack_sdk's server-error retry handler retries."""
        self._canned.setdefault(method, []).append(
            _Canned(
                status=status, body={"ok": False, "error": "fatal_error"}, headers={}, times=times
            )
        )

    def on(self, method: str, handler: Handler) -> None:
        """Answer ``method`` with ``handler(call)`` instead of the built-in answer."""
        self._handlers[method] = handler

    def hold(self, method: str) -> None:
        """Calls of ``method`` wait (unanswered) until :meth:`release`: lets a test observe
        what happened before the app's Web API call completed."""
        self._gates[method] = asyncio.Event()

    def release(self, method: str) -> None:
        gate = self._gates.pop(method, None)
        if gate is not None:
            gate.set()

    def waiting(self, method: str) -> int:
        """How many calls of ``method`` are being held right now."""
        return self._waiting.get(method, 0)

    async def wait_until_held(self, method: str, count: int = 1, *, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while self.waiting(method) < count:
                self._changed.clear()
                await self._changed.wait()

    def response_url(self, response_id: str) -> str:
        """A URL to put in a payload's ``response_url``; posts to it are recorded."""
        return f"{self.base_url}response/{response_id}"

    # --- HTTP handlers -----------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                params[name] = value if isinstance(value, str) else value.file.read()
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._read_params(request)
        gate = self._gates.get(method)
        if gate is not None:
            self._waiting[method] = self._waiting.get(method, 0) + 1
            self._changed.set()
            try:
                await gate.wait()
            finally:
                self._waiting[method] -= 1
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        token = token or params.get("token")
        call = RecordedCall(
            method=method,
            params=params,
            token=token,
            at=time.monotonic(),
            headers=dict(request.headers),
        )
        canned = next_canned(self._canned, method)
        if canned is not None:
            call.status, call.answer = canned.status, canned.body
            self._record(call)
            return web.json_response(canned.body, status=canned.status, headers=canned.headers)
        handler = self._handlers.get(method)
        call.answer = handler(call) if handler is not None else self._answer(method, call)
        self._record(call)
        return web.json_response(call.answer)

    async def _upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        self._record(
            RecordedCall(
                method="upload",
                params={"_id": request.match_info["file_id"]},
                token=None,
                at=time.monotonic(),
                body=body,
                headers=dict(request.headers),
            )
        )
        return web.Response(text=f"OK - {len(body)}")

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await self._read_params(request)
        params["_id"] = request.match_info["response_id"]
        self._record(
            RecordedCall(
                method="response_url",
                params=params,
                token=None,
                at=time.monotonic(),
                headers=dict(request.headers),
            )
        )
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        self._socket_open.set()
        async for message in socket:
            if message.type.name != "TEXT":
                continue
            data = json.loads(message.data)
            self._record(
                RecordedCall(
                    method="socket_ack",
                    params=data if isinstance(data, dict) else {"data": data},
                    token=None,
                    at=time.monotonic(),
                )
            )
        self._sockets.remove(socket)
        return socket

    # --- Slack's answers ---------------------------------------------------------------------

    def _answer(self, method: str, call: RecordedCall) -> dict[str, Any]:
        if method == "oauth.v2.access":
            return self._oauth_access(call.params)
        if method == "apps.connections.open":
            if call.token not in self._app_tokens:
                return {"ok": False, "error": "invalid_auth"}
            ws_url = self.base_url.replace("http://", "ws://") + "socket"
            return {"ok": True, "url": ws_url}
        workspace = self._workspaces.get(call.token or "")
        if call.token is None:
            return {"ok": False, "error": "not_authed"}
        if workspace is None:
            return {"ok": False, "error": "invalid_auth"}
        n = next(self._ids)
        channel = str(call.params.get("channel", call.params.get("channel_id", "")))
        ts = f"{1700000000 + n}.{n:06d}"
        match method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": f"https://{workspace.team_id.lower()}.slack.com/",
                    "team": workspace.team_name,
                    "user": "sourcewise",
                    "team_id": workspace.team_id,
                    "user_id": workspace.bot_user_id,
                    "bot_id": workspace.bot_id,
                    "enterprise_id": workspace.enterprise_id,
                    "is_enterprise_install": False,
                }
            case "chat.postMessage" | "chat.update":
                message = {
                    "type": "message",
                    "text": call.params.get("text", ""),
                    "user": workspace.bot_user_id,
                    "ts": str(call.params.get("ts", ts)),
                }
                return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            case "conversations.open":
                users = str(call.params.get("users", "")).split(",")[0]
                return {"ok": True, "channel": {"id": f"D{users}"}}
            case "views.open" | "views.publish" | "views.update" | "views.push":
                view = call.json_param("view") or {}
                view = {**view, "id": f"V{n:08d}", "team_id": workspace.team_id}
                return {"ok": True, "view": view}
            case "users.info":
                user = str(call.params.get("user", ""))
                return {
                    "ok": True,
                    "user": {
                        "id": user,
                        "team_id": workspace.team_id,
                        "name": user.lower(),
                        "locale": self._locales.get(user, "en-US"),
                        "tz": "Europe/Warsaw",
                        **{
                            role: self._admins.get(user) == role
                            for role in ("is_admin", "is_owner", "is_primary_owner")
                        },
                    },
                }
            case "files.getUploadURLExternal":
                file_id = f"F{n:08d}"
                return {
                    "ok": True,
                    "upload_url": f"{self.base_url}upload/{file_id}",
                    "file_id": file_id,
                }
            case "files.completeUploadExternal":
                files = call.json_param("files") or []
                return {
                    "ok": True,
                    "files": [
                        {"id": f.get("id"), "title": f.get("title"), "name": f.get("title")}
                        for f in files
                        if isinstance(f, Mapping)
                    ],
                }
            case _:
                return {"ok": True}

    def _oauth_access(self, params: dict[str, Any]) -> dict[str, Any]:
        installed = self._oauth_codes.get(str(params.get("code", "")))
        if installed is None:
            return {"ok": False, "error": "invalid_code"}
        self._workspaces[installed.bot_token] = installed
        return {
            "ok": True,
            "access_token": installed.bot_token,
            "token_type": "bot",
            "scope": "chat:write,commands,im:history,im:write,files:write,users:read",
            "bot_user_id": installed.bot_user_id,
            "app_id": "A0SOURCEWISE",
            "team": {"id": installed.team_id, "name": installed.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": f"U{installed.team_id}ADMIN"},
        }
