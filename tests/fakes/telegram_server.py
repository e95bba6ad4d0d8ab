"""A fake Telegram Bot API on 127.0.0.1 (port 0) that answers like Telegram and records calls.

The real python-telegram-bot ``Application`` talks real HTTP to it
(``ApplicationBuilder().base_url(server.base_url).base_file_url(server.base_file_url)``, or our
``SOURCEWISE_TELEGRAM_API_URL=server.url``), so tests exercise PTB's request encoding, its
rate limiter and its polling loop, not a stand-in. Shaped after opsdroid's
``ExternalAPIMockServer`` and bolt's ``mock_web_api_server``, but async and bound to port 0.

It keeps just enough of Telegram's state to say no where Telegram says no: messages the bot
sent (so ``editMessageText`` of an unknown message, or an edit that changes nothing, is a
400 like the real thing), answered callback/inline query ids (a second answer is a 400),
text/caption/callback-data limits, and the webhook (``getUpdates`` while a webhook is set is
a 409).

A tour::

    server = FakeBotApi(token="123:abc")
    await server.start()              # or: async with FakeBotApi() as server
    # ApplicationBuilder().token(server.token).base_url(server.base_url)
    #                     .base_file_url(server.base_file_url)
    update = server.user_message("/start", user_id=42)      # builds an Update dict
    server.feed_update(update)        # the next getUpdates hands it out (until confirmed)
    server.feed_update(update)        # same update_id again: a redelivery after a restart
    sent = await server.wait_for("sendMessage", count=1)
    sent[0].params["text"], sent[0].params["reply_markup"]  # JSON fields come decoded
    message = server.last_message(chat_id=42)               # the bot's latest message there
    server.add_chat(77)                                     # a chat the bot may write to first
    server.feed_update(server.button_press(message, text="Phone", user_id=42))
    server.rate_limit("sendMessage", times=1, retry_after=1)  # next call: 429 retry_after
    server.fail("editMessageText", 400, "Bad Request: message can't be edited")
    status = await server.deliver_webhook(update)          # POST to the URL setWebhook set
    await server.stop()

Every request is recorded as a :class:`RecordedCall` (method, decoded params, uploaded files,
HTTP status answered), including failed ones, so a test can count what actually arrived.

PTB raises ``RetryAfter`` for a 429; building that exception warns unless the environment
has ``PTB_TIMEDELTA=true`` (tests run with warnings as errors, so set it in the fixture).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes._base import RecordingServer, next_canned

__all__ = ["DEFAULT_TOKEN", "FakeBotApi", "RecordedCall"]

#: A token of Telegram's shape; tests assert it never shows up in logs.
DEFAULT_TOKEN = "7777777:AAF-fake-token-DO-NOT-LOG-0123456789abcdef"

#: Parameters Telegram takes as plain strings; PTB sends every other value JSON-encoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "query",
        "callback_query_id",
        "inline_query_id",
        "url",
        "secret_token",
        "language_code",
        "parse_mode",
        "next_offset",
        "ip_address",
        "description",
        "short_description",
        "name",
        "title",
    }
)

_TEXT_LIMIT = 4096
_CAPTION_LIMIT = 1024
_CALLBACK_DATA_LIMIT = 64


def _utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(slots=True)
class RecordedCall:
    """One Bot API request the fake received."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200
    at: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(slots=True)
class _Canned:
    status: int
    description: str
    retry_after: int | None
    times: int


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class FakeBotApi(RecordingServer[RecordedCall]):
    """The fake Bot API; see the module docstring for the tour."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "sourcewise_test_bot",
        first_name: str = "Sourcewise",
    ) -> None:
        super().__init__()
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.url = ""
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._pending: list[dict[str, Any]] = []  # until a getUpdates offset confirms them
        self._redeliver: list[dict[str, Any]] = []  # handed out once more, whatever the offset
        self._handed_out: set[int] = set()
        self._poll_generation = 0
        self._update_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        #: (chat id, user id) -> status getChatMember answers ("creator", "administrator");
        #: anyone not listed is a "member".
        self.chat_members: dict[tuple[int, int], str] = {}
        self._canned: dict[str, list[_Canned]] = {}
        self._handlers: dict[str, Callable[[RecordedCall], Any]] = {}
        self._updates_fed = asyncio.Event()
        self._closing = False
        self._session: aiohttp.ClientSession | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on 127.0.0.1, port 0; returns :attr:`url` (the API root)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self.url = await self._listen(app)
        return self.url

    async def stop(self) -> None:
        self._closing = True
        self._updates_fed.set()  # release long polls at once
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self._stop_listening()

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder.base_url`` takes (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # --- feeding updates ---------------------------------------------------------------------

    def feed_update(self, update: dict[str, Any]) -> int:
        """Queue an update for ``getUpdates``; gives it an ``update_id`` if it has none.

        Like Telegram, an update stays pending until a ``getUpdates`` offset confirms it.
        Feeding an update whose id was already handed out delivers it again: that is what a
        bot sees after it crashed before confirming (or a webhook retry).
        """
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self._remember_chat_of(update)
        if int(update["update_id"]) in self._handed_out:
            self._redeliver.append(update)  # past any offset the poller has confirmed
        else:
            self._pending.append(update)
        self._updates_fed.set()
        return int(update["update_id"])

    async def deliver_webhook(
        self, update: dict[str, Any], *, secret: str | None = None, url: str | None = None
    ) -> int:
        """POST ``update`` to the webhook URL as Telegram does; returns the HTTP status.

        ``secret`` overrides the ``X-Telegram-Bot-Api-Secret-Token`` header that
        ``setWebhook`` registered (pass ``""`` to send none).
        """
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self._remember_chat_of(update)
        target = url or self.webhook_url
        if not target:
            raise RuntimeError("no webhook set")
        header = self.webhook_secret if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": header} if header else {}
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(target, json=update, headers=headers) as response:
            await response.read()
            return response.status

    def add_chat(
        self, chat_id: int, *, chat_type: str = "private", title: str = "Support team"
    ) -> dict[str, Any]:
        """Make a chat known without feeding an update from it (a bot that writes first,
        e.g. a reminder to a user who talked to an earlier process)."""
        if chat_type == "private":
            chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": "User"}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": title}
        self._chats[chat_id] = chat
        return chat

    # --- building updates --------------------------------------------------------------------

    def user(self, user_id: int, *, language_code: str | None = "en") -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def user_message(
        self,
        text: str,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "en",
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An update carrying a user's text message, with the entities Telegram would add
        (``bot_command`` for a leading ``/cmd``, ``mention`` for ``@username``)."""
        chat_id = user_id if chat_id is None else chat_id
        if chat_type == "private":
            chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": "User"}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": "Support team"}
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": self.user(user_id, language_code=language_code),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        entities = _entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"message": message}

    def button_press(
        self,
        message: dict[str, Any],
        *,
        text: str | None = None,
        data: str | None = None,
        user_id: int = 1001,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """An update pressing a button of ``message`` (a message the bot sent, as returned
        by :meth:`last_message`), chosen by its label (``text``, matched after stripping
        check marks) or its callback ``data``."""
        if data is None:
            data = self.button_data(message, text or "")
        query_id = f"cbq-{next(self._query_ids)}"
        self._open_queries.add(query_id)
        return {
            "callback_query": {
                "id": query_id,
                "from": self.user(user_id, language_code=language_code),
                "chat_instance": f"ci-{message['chat']['id']}",
                "data": data,
                "message": message,
            }
        }

    def inline_button_press(
        self, data: str, *, user_id: int = 1001, language_code: str | None = "en"
    ) -> dict[str, Any]:
        """A press of a button on a message sent in inline mode: Telegram gives an
        ``inline_message_id`` and no ``message``, so the chat is not known."""
        query_id = f"cbq-{next(self._query_ids)}"
        self._open_queries.add(query_id)
        return {
            "callback_query": {
                "id": query_id,
                "from": self.user(user_id, language_code=language_code),
                "chat_instance": "ci-inline",
                "data": data,
                "inline_message_id": f"inline-{query_id}",
            }
        }

    def inline_query(
        self, query: str, *, user_id: int = 1001, language_code: str | None = "en"
    ) -> dict[str, Any]:
        query_id = f"iq-{next(self._query_ids)}"
        self._open_queries.add(query_id)
        return {
            "inline_query": {
                "id": query_id,
                "from": self.user(user_id, language_code=language_code),
                "query": query,
                "offset": "",
                "chat_type": "sender",
            }
        }

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
        """All inline buttons of a message, row by row flattened."""
        markup = message.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def button_data(self, message: dict[str, Any], text: str) -> str:
        wanted = _plain_label(text)
        for button in self.buttons(message):
            if _plain_label(button["text"]) == wanted and "callback_data" in button:
                return str(button["callback_data"])
        labels = [b["text"] for b in self.buttons(message)]
        raise LookupError(f"no button {text!r} in {labels}")

    # --- canned answers ----------------------------------------------------------------------

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` get 429 with ``parameters.retry_after``."""
        self._canned.setdefault(method, []).append(
            _Canned(429, f"Too Many Requests: retry after {retry_after}", retry_after, times)
        )

    def fail(self, method: str, status: int, description: str, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer ``ok: false`` with this error."""
        self._canned.setdefault(method, []).append(_Canned(status, description, None, times))

    def on(self, method: str, handler: Callable[[RecordedCall], Any]) -> None:
        """Answer ``method`` with ``handler(call)`` as the ``result`` instead of the built-in."""
        self._handlers[method] = handler

    # --- inspection --------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[RecordedCall]:
        """Successful sendMessage/sendPhoto calls (to ``chat_id`` if given), in order."""
        return [
            c
            for c in self.calls
            if c.ok
            and c.method in ("sendMessage", "sendPhoto")
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat as they look now (after edits), oldest first."""
        found = [m for (chat, _), m in self._messages.items() if chat == chat_id]
        return sorted(found, key=lambda m: int(m["message_id"]))

    def last_message(self, chat_id: int) -> dict[str, Any]:
        found = self.messages(chat_id)
        if not found:
            raise LookupError(f"the bot sent nothing to chat {chat_id}")
        return found[-1]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        within: float = 10.0,
        where: Callable[[RecordedCall], bool] | None = None,
    ) -> list[RecordedCall]:
        """As :meth:`RecordingServer.wait_for`, with more time (PTB's polling)."""
        return await super().wait_for(method, count, within=within, where=where)

    async def settle(self, quiet: float = 0.3, *, within: float = 10.0) -> None:
        """Wait until no request other than ``getUpdates`` arrived for ``quiet`` seconds."""
        await super().settle(quiet, within=within)

    def _activity(self) -> int:
        return len([c for c in self.calls if c.method != "getUpdates"])

    # --- HTTP --------------------------------------------------------------------------------

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        raw: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, str):
                        raw[name] = value
                    else:
                        files[name] = value.file.read()
        for name, value in raw.items():
            params[name] = value if name in _STRING_PARAMS else _maybe_json(value)
        return params, files

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._read(request)
        call = RecordedCall(method=method, params=params, files=files, at=time.monotonic())
        if request.match_info["token"] != self.token:
            return self._error(call, 401, "Unauthorized")
        canned = next_canned(self._canned, method)
        if canned is not None:
            return self._error(call, canned.status, canned.description, canned.retry_after)
        if method == "getUpdates":
            return await self._get_updates(call)
        try:
            handler = self._handlers.get(method)
            result = handler(call) if handler else self._answer(method, call)
        except _ApiError as exc:
            return self._error(call, exc.status, exc.description)
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        return web.Response(body=b"\x89PNG\r\n\x1a\n")

    def _error(
        self,
        call: RecordedCall,
        status: int,
        description: str,
        retry_after: int | None = None,
        *,
        recorded: bool = False,
    ) -> web.Response:
        call.status = status
        if not recorded:
            self._record(call)
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    async def _get_updates(self, call: RecordedCall) -> web.Response:
        self._record(call)  # on arrival: a test can see the bot is polling
        if self.webhook_url:
            return self._error(
                call,
                409,
                "Conflict: can't use getUpdates method while webhook is active",
                recorded=True,
            )
        offset = int(call.params.get("offset") or 0)
        limit = int(call.params.get("limit") or 100)
        timeout = float(call.params.get("timeout") or 0)
        if offset:  # confirms every update below it, as Telegram does
            self._pending = [u for u in self._pending if int(u["update_id"]) >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_fed.set()  # wake an older poll: a new getUpdates terminates it
        await asyncio.sleep(0)
        deadline = time.monotonic() + timeout
        while not (self._pending or self._redeliver) and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._updates_fed.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._updates_fed.wait()
            except TimeoutError:
                break
            if generation != self._poll_generation:
                break
        if generation != self._poll_generation:
            return self._error(
                call,
                409,
                "Conflict: terminated by other getUpdates request; make sure that only "
                "one bot instance is running",
                recorded=True,
            )
        batch: list[dict[str, Any]] = []
        if not self._closing:
            batch = [*self._redeliver, *self._pending][:limit]
            self._redeliver = self._redeliver[len(batch) :]
        self._handed_out.update(int(u["update_id"]) for u in batch)
        return web.json_response({"ok": True, "result": batch})

    # --- Telegram's answers ------------------------------------------------------------------

    def _answer(self, method: str, call: RecordedCall) -> Any:
        p = call.params
        match method:
            case "getMe":
                return {
                    "id": self.bot_id,
                    "is_bot": True,
                    "first_name": self.first_name,
                    "username": self.username,
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": True,
                }
            case "sendMessage":
                text = str(p.get("text", ""))
                if not text.strip():
                    raise _ApiError(400, "Bad Request: message text is empty")
                if _utf16_len(text) > _TEXT_LIMIT:
                    raise _ApiError(400, "Bad Request: message is too long")
                return self._store_new(p, {"text": text})
            case "sendPhoto":
                caption = str(p.get("caption", ""))
                if _utf16_len(caption) > _CAPTION_LIMIT:
                    raise _ApiError(400, "Bad Request: message caption is too long")
                if "photo" not in call.files and not isinstance(p.get("photo"), str):
                    raise _ApiError(400, "Bad Request: there is no photo in the request")
                content: dict[str, Any] = {
                    "photo": [
                        {
                            "file_id": f"photo-{len(self.calls)}",
                            "file_unique_id": f"u{len(self.calls)}",
                            "width": 800,
                            "height": 500,
                        }
                    ]
                }
                if caption:
                    content["caption"] = caption
                return self._store_new(p, content)
            case "editMessageText":
                message = self._find(p)
                if "text" not in message:
                    raise _ApiError(400, "Bad Request: there is no text in the message to edit")
                text = str(p.get("text", ""))
                if _utf16_len(text) > _TEXT_LIMIT:
                    raise _ApiError(400, "Bad Request: message is too long")
                return self._edit(message, {"text": text}, p)
            case "editMessageCaption":
                message = self._find(p)
                return self._edit(message, {"caption": str(p.get("caption", ""))}, p)
            case "editMessageReplyMarkup":
                message = self._find(p)
                return self._edit(message, {}, p)
            case "deleteMessage":
                message = self._find(p)
                del self._messages[(message["chat"]["id"], message["message_id"])]
                return True
            case "answerCallbackQuery":
                self._close_query(str(p.get("callback_query_id", "")))
                return True
            case "answerInlineQuery":
                self._close_query(str(p.get("inline_query_id", "")))
                results = p.get("results") or []
                if len(results) > 50:
                    raise _ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
                return True
            case "setMyCommands":
                self.commands[_commands_key(p)] = list(p.get("commands") or [])
                return True
            case "getMyCommands":
                return self.commands.get(_commands_key(p), [])
            case "deleteMyCommands":
                self.commands.pop(_commands_key(p), None)
                return True
            case "setWebhook":
                self.webhook_url = str(p.get("url", ""))
                self.webhook_secret = p.get("secret_token") or None
                return True
            case "deleteWebhook":
                self.webhook_url = ""
                self.webhook_secret = None
                if p.get("drop_pending_updates"):
                    self._pending.clear()
                return True
            case "getWebhookInfo":
                return {
                    "url": self.webhook_url,
                    "has_custom_certificate": False,
                    "pending_update_count": len(self._pending),
                }
            case "getChatMember":
                return self._chat_member(int(p.get("chat_id", 0)), int(p.get("user_id", 0)))
            case "sendChatAction" | "close" | "logOut" | "setChatMenuButton":
                return True
            case _:
                raise _ApiError(404, "Not Found: method not found")

    def _chat_member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        status = self.chat_members.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": self.user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member |= {"can_be_edited": False, "is_anonymous": False}
            member |= {
                f"can_{right}": True
                for right in (
                    "manage_chat",
                    "delete_messages",
                    "manage_video_chats",
                    "restrict_members",
                    "promote_members",
                    "change_info",
                    "invite_users",
                    "post_stories",
                    "edit_stories",
                    "delete_stories",
                )
            }
        return member

    def _close_query(self, query_id: str) -> None:
        if query_id not in self._open_queries:
            raise _ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_queries.discard(query_id)

    def _store_new(self, p: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(p["chat_id"])
        chat = self._chats.get(chat_id)
        if chat is None:
            raise _ApiError(400, "Bad Request: chat not found")
        _check_markup(p.get("reply_markup"))
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": self.first_name,
                "username": self.username,
            },
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        markup = p.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _find(self, p: dict[str, Any]) -> dict[str, Any]:
        key = (int(p.get("chat_id", 0)), int(p.get("message_id", 0)))
        message = self._messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return message

    def _edit(
        self, message: dict[str, Any], content: dict[str, Any], p: dict[str, Any]
    ) -> dict[str, Any]:
        _check_markup(p.get("reply_markup"))
        markup = p.get("reply_markup")
        new_markup = markup if isinstance(markup, dict) and markup.get("inline_keyboard") else None
        unchanged = all(message.get(k) == v for k, v in content.items()) and (
            message.get("reply_markup") == new_markup
        )
        if unchanged:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup of "
                "the message",
            )
        message.update(content)
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        return message

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _remember_chat_of(self, update: dict[str, Any]) -> None:
        for kind in ("message", "edited_message"):
            if kind in update:
                chat = update[kind]["chat"]
                self._chats[int(chat["id"])] = chat
        query = update.get("callback_query")
        if query and "message" in query:
            chat = query["message"]["chat"]
            self._chats[int(chat["id"])] = chat
        if query or "inline_query" in update:
            sender = (query or update["inline_query"])["from"]
            self._chats.setdefault(
                int(sender["id"]),
                {"id": sender["id"], "type": "private", "first_name": sender["first_name"]},
            )


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return (str(scope.get("type", "default")), str(p.get("language_code") or ""))


def _check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= _CALLBACK_DATA_LIMIT:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not str(button.get("text", "")).strip():
                raise _ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )


def _plain_label(text: str) -> str:
    return text.replace("✓", "").replace("✅", "").strip().casefold()


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram adds to a user's text: a leading command and @mentions.

    Offsets and lengths are in UTF-16 code units, as in the Bot API.
    """
    found: list[dict[str, Any]] = []
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        found.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command)})
    position = 0
    for word in text.split(" "):
        if word.startswith("@") and len(word) > 1:
            offset = _utf16_len(text[:position])
            found.append({"type": "mention", "offset": offset, "length": _utf16_len(word)})
        position += len(word) + 1
    return found
