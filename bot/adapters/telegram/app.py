"""Wire the Telegram adapter: a python-telegram-bot ``Application`` around the service.

:func:`build_application` is the one place the adapter is assembled from
:class:`~bot.config.Settings`:

- the Bot API root is ``SOURCEWISE_TELEGRAM_API_URL`` when set (a self-hosted Bot API
  server, or the fake in tests), else ``https://api.telegram.org``;
- requests go through PTB's ``AIORateLimiter``: Telegram's flood limits are respected, and a
  429 ``retry_after`` is waited out and the request sent again (``max_retries`` times), so a
  message arrives once; a 5xx or refused connection is retried with backoff too
  (:mod:`.retry`);
- updates of one chat are handled in order, different chats concurrently
  (:class:`ChatOrderedProcessor`);
- the command menu is registered per language on start (:func:`register_commands`);
- given a :class:`~bot.handoff.service.HandoffService`, ``/handoff``, the reminders'
  acknowledge button and the step-by-step form work in groups and private chats
  (:mod:`.handoff`), open forms kept in the store;
- the token is redacted from every log record (:mod:`.logs`).

Two ways to receive updates: long polling (:func:`run_polling`, the default) or a webhook
mounted on our own aiohttp server (:func:`install_telegram_webhook`, so ``/healthz``, Slack
and Telegram share one port); a webhook request without the right secret gets 403.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseUpdateProcessor, TypeHandler

from bot.adapters.telegram.buttons import LongButtons
from bot.adapters.telegram.errors import TelegramNotConfigured
from bot.adapters.telegram.handlers import DELIVERY, Delivery, TelegramHandlers
from bot.adapters.telegram.handoff import FormDrafts, TelegramHandoff
from bot.adapters.telegram.logs import install_token_filter
from bot.adapters.telegram.retry import RetryingRateLimiter
from bot.adapters.telegram.strings import COMMANDS, strings
from bot.config import Settings
from bot.core.ports import Conversations
from bot.handoff.service import HandoffService
from bot.render.env import LOCALES
from bot.store.base import Store
from bot.store.memory import MemoryStore

__all__ = [
    "ALLOWED_UPDATES",
    "DEFAULT_API_URL",
    "GROUP_COMMANDS",
    "SECRET_HEADER",
    "WEBHOOK_PATH",
    "ChatOrderedProcessor",
    "TelegramApplication",
    "api_urls",
    "build_application",
    "install_telegram_routes",
    "install_telegram_webhook",
    "register_commands",
    "run_polling",
    "set_webhook",
    "webhook_path",
]

_log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

#: The update kinds the bot handles; Telegram sends no others.
ALLOWED_UPDATES: tuple[str, ...] = ("message", "callback_query", "inline_query")
#: The menu in group chats: the one-liner works there, the conversation does not (and
#: ``handoff`` when it is enabled).
GROUP_COMMANDS: tuple[str, ...] = ("estimate", "help", "handoff")

#: PTB's Application with every generic left open (our handlers use no custom context).
TelegramApplication = Application[Any, Any, Any, Any, Any, Any]


def api_urls(api_url: str | None) -> tuple[str, str]:
    """Bot API root (``http://localhost:8081``) -> PTB's ``base_url`` and ``base_file_url``
    (PTB appends the token to both)."""
    root = (api_url or DEFAULT_API_URL).rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of one chat one after another, in arrival order; other chats in parallel.

    A conversation's turns must not overtake each other (two quick toggles), but one user's
    slow estimate must not hold up everyone else, as PTB's default serial processing would.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = _chat_of(update)
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._users[chat] = self._users.get(chat, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat] -= 1
            if not self._users[chat]:
                del self._users[chat], self._locks[chat]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _chat_of(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


def build_application(
    settings: Settings,
    conversations: Conversations,
    *,
    webhook: bool = False,
    max_retries: int = 3,
    handoff: HandoffService | None = None,
    drafts: Store | None = None,
) -> TelegramApplication:
    """The PTB Application for ``settings``: polling by default, ``webhook=True`` builds it
    without an updater (updates then arrive through :func:`install_telegram_routes`).

    ``handoff`` enables ``/handoff`` (without it the command answers that it is off);
    ``drafts`` is where open ``/handoff form`` answers and long button data are kept (the
    app's store, so a restart or another replica loses nothing; default: memory). Raises
    :class:`TelegramNotConfigured` without ``TELEGRAM_BOT_TOKEN``.
    """
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        raise TelegramNotConfigured("TELEGRAM_BOT_TOKEN is not set")
    token = settings.telegram_bot_token.get_secret_value()
    install_token_filter(token)
    base_url, base_file_url = api_urls(settings.telegram_api_url)
    builder = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(RetryingRateLimiter(max_retries=max_retries))
        .concurrent_updates(ChatOrderedProcessor())
        .post_init(functools.partial(register_commands, handoff=handoff is not None))
        .job_queue(None)
    )
    if webhook:
        builder = builder.updater(None)
    application: TelegramApplication = builder.build()
    shared = drafts if drafts is not None else MemoryStore()
    form_drafts = FormDrafts(shared)
    handlers = TelegramHandlers(
        conversations,
        handoff=TelegramHandoff(
            handoff, form_drafts if handoff is not None else None, claim=conversations.claim
        ),
        buttons=LongButtons(shared),
    )
    application.add_handler(TypeHandler(Update, handlers.on_update))
    application.add_error_handler(handlers.on_error)
    return application


async def register_commands(application: TelegramApplication, *, handoff: bool = False) -> None:
    """The command menu in every language we speak (Telegram picks by the user's app
    language; the default list is English), and a shorter one for group chats;
    ``/handoff`` is listed only when ``handoff`` is on."""
    bot = application.bot
    shown = [name for name in COMMANDS if handoff or name != "handoff"]
    shown_in_groups = [name for name in GROUP_COMMANDS if handoff or name != "handoff"]
    for language in (None, *LOCALES):
        words = strings(language)
        private = [BotCommand(name, words.commands[name]) for name in shown]
        group = [BotCommand(name, words.commands[name]) for name in shown_in_groups]
        await bot.set_my_commands(private, scope=BotCommandScopeDefault(), language_code=language)
        await bot.set_my_commands(
            group, scope=BotCommandScopeAllGroupChats(), language_code=language
        )


async def run_polling(
    application: TelegramApplication, stop: asyncio.Event, *, poll_timeout: float = 10.0
) -> None:
    """Long-poll until ``stop`` is set, then stop cleanly (PTB confirms what it fetched, so a
    restart does not see those updates again)."""
    updater = application.updater
    if updater is None:
        raise TelegramNotConfigured("this application was built for webhooks")
    async with application:  # initialize (getMe) ... shutdown
        if application.post_init is not None:
            await application.post_init(application)
        await updater.start_polling(
            timeout=timedelta(seconds=poll_timeout), allowed_updates=list(ALLOWED_UPDATES)
        )
        await application.start()
        try:
            await stop.wait()
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()


# --- webhook -------------------------------------------------------------------------------


def install_telegram_routes(
    web_app: web.Application,
    application: TelegramApplication,
    secret: str,
    *,
    path: str = WEBHOOK_PATH,
) -> None:
    """``POST path``: check ``X-Telegram-Bot-Api-Secret-Token`` (403 if wrong or missing),
    parse the update (400 if it is not one) and handle it with the running ``application``
    (503 if it is not running, so Telegram retries later); 200 once it is handled, so an
    update in flight when a replica dies is redelivered; 503 when its turn could not be
    saved (the database is unavailable), so Telegram delivers it again. Replies go out as
    their own Bot API calls."""
    if not secret:
        raise TelegramNotConfigured("a webhook needs SOURCEWISE_TELEGRAM_WEBHOOK_SECRET")
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            _log.warning("telegram webhook: request without the right secret, refused")
            return web.Response(status=403)
        if not application.running:
            return web.Response(status=503)
        try:
            payload = await request.json()
            update = Update.de_json(payload, application.bot) if _is_update(payload) else None
        except (json.JSONDecodeError, TypeError, KeyError, ValueError, TelegramError):
            update = None
        if update is None:
            return web.Response(status=400)
        # Handle the update before answering 200 (through the update processor, so one
        # chat's updates stay in order): a replica killed mid-turn then never acknowledged
        # it, Telegram redelivers it (to this or another replica) and the service's dedupe
        # makes sure it is applied and answered once.
        delivery = Delivery()
        token = DELIVERY.set(delivery)
        try:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        finally:
            DELIVERY.reset(token)
        if delivery.unsaved:
            # Not saved (the database is down or stalled): not acknowledged either, so
            # Telegram delivers it again, and the update-id claim answers it once.
            return web.Response(status=503)
        return web.Response(status=200)

    web_app.router.add_post(path, receive)


def _is_update(payload: object) -> bool:
    return isinstance(payload, dict) and isinstance(payload.get("update_id"), int)


def install_telegram_webhook(
    web_app: web.Application,
    application: TelegramApplication,
    *,
    secret: str | None,
    path: str = WEBHOOK_PATH,
) -> None:
    """Mount the webhook route (:func:`install_telegram_routes`) and tie the Application to
    ``web_app``'s life: on startup initialize it, register the commands and start it; on
    cleanup stop it. Call :func:`set_webhook` once the server listens."""
    if not secret:
        raise TelegramNotConfigured("a webhook needs SOURCEWISE_TELEGRAM_WEBHOOK_SECRET")
    install_telegram_routes(web_app, application, secret, path=path)

    async def start(_: web.Application) -> None:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()

    async def stop(_: web.Application) -> None:
        if application.running:
            await application.stop()
        await application.shutdown()  # a no-op if initialize never finished

    web_app.on_startup.append(start)
    web_app.on_cleanup.append(stop)


def webhook_path(url: str | None) -> str:
    """The route to serve for a public webhook URL (its path; ``WEBHOOK_PATH`` if none)."""
    if not url or urlsplit(url).scheme not in ("https", "http"):
        raise TelegramNotConfigured("a webhook needs SOURCEWISE_TELEGRAM_WEBHOOK_URL (https://…)")
    return urlsplit(url).path or WEBHOOK_PATH


async def set_webhook(application: TelegramApplication, *, url: str, secret: str) -> None:
    """Tell Telegram where to POST updates, and with which secret. Call it once the server
    listens: Telegram may deliver at once. The webhook stays set across restarts, so
    Telegram keeps updates for us while we are away."""
    await application.bot.set_webhook(
        url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
    )
