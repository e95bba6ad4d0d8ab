"""Wire the Slack adapter: a slack-bolt ``AsyncApp`` around the conversation service.

:func:`build_slack_app` is the one place the adapter is assembled from
:class:`~bot.config.Settings`:

- the Web API client points at ``SOURCEWISE_SLACK_API_URL`` when set (tests: the fake
  server) and carries slack_sdk's retry handlers, so a 429 waits ``Retry-After`` and is sent
  once, and a dropped connection or a 500/503 is retried;
- single-workspace mode uses the bot token; OAuth mode keeps every workspace's installation
  in our database (:class:`.installations.StoreInstallations`) and bolt authorizes each
  request with the token of the workspace it came from;
- request signatures are checked by bolt's own ``RequestVerification`` middleware (v0
  HMAC-SHA256, five-minute window) -- never by hand;
- every listener acknowledges first and does the slow work in a bolt lazy listener
  (:mod:`.handlers`); the lazy tasks are tracked so shutdown can wait for them;
- with a store, a request that leads to a conversation turn is saved in the inbox before
  it is acknowledged (``process_before_response``: bolt answers Slack only once the ack
  function returned, so the saved copy is committed first), and :attr:`SlackBot.recovery`
  finishes the ones whose replica died (:mod:`.inbox`);
- all logging goes through a logger whose filter removes secrets (:mod:`.logs`).

:func:`install_slack_routes` mounts the app on our aiohttp server (``bot.http``), and
:func:`run_socket_mode` serves it over Socket Mode instead when ``SLACK_APP_TOKEN`` is set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.lazy_listener.async_internals import to_runnable_function
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import ids
from bot.adapters.slack.errors import SlackNotConfigured
from bot.adapters.slack.handlers import SlackHandlers
from bot.adapters.slack.handoff import ACK_ACTION, FORM_CALLBACK, HANDOFF_COMMAND, SlackHandoff
from bot.adapters.slack.inbox import InboxRecovery, InboxTiming, SlackInbox
from bot.adapters.slack.installations import MemoryStateStore, StoreInstallations, TokenCipher
from bot.adapters.slack.logs import slack_logger
from bot.adapters.slack.modal import FormAdapter
from bot.adapters.slack.mode import SlackMode, SlackSecrets, resolve_mode
from bot.config import Settings
from bot.core.ports import Conversations
from bot.handoff.service import HandoffService
from bot.store.base import InboxItem, Store

__all__ = [
    "BOT_SCOPES",
    "EVENTS_PATH",
    "INSTALL_PATH",
    "REDIRECT_PATH",
    "SlackBot",
    "build_slack_app",
    "install_slack_routes",
    "run_socket_mode",
]

_log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

#: What the bot asks for at install time (the same list as ``slack-manifest.yaml``).
BOT_SCOPES: tuple[str, ...] = (
    "chat:write",
    "chat:write.public",  # handoff reminders in public channels the bot has not joined
    "commands",
    "im:history",
    "im:write",
    "files:write",
    "users:read",
)


class TrackedLazyRunner(AsyncLazyListenerRunner):
    """bolt's asyncio lazy runner, but keeping a handle on each task so that shutdown (and
    tests) can wait for the background work instead of abandoning it mid-reply."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, function: Callable[..., Awaitable[None]], request: AsyncBoltRequest) -> None:
        task = asyncio.ensure_future(
            to_runnable_function(internal_func=function, logger=self.logger, request=request)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every background task started so far (and those they start) ended."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


@dataclass(slots=True)
class SlackBot:
    """The assembled adapter. ``bolt`` is what :func:`install_slack_routes` and
    :func:`run_socket_mode` serve; :meth:`drain` waits for background replies."""

    bolt: AsyncApp
    secrets: SlackSecrets
    handlers: SlackHandlers
    lazy: TrackedLazyRunner
    logger: logging.Logger
    recovery: InboxRecovery | None = None
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def mode(self) -> SlackMode:
        return self.secrets.mode

    async def drain(self) -> None:
        await self.lazy.drain()

    async def aclose(self) -> None:
        """Finish background work, then release what the adapter opened."""
        await self.drain()
        for close in self.closers:
            await close()


def _client(settings: Settings, secrets: SlackSecrets, logger: logging.Logger) -> AsyncWebClient:
    return AsyncWebClient(
        token=secrets.bot_token or None,
        base_url=settings.slack_api_url or AsyncWebClient.BASE_URL,
        logger=logger,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_slack_app(
    settings: Settings,
    conversations: Conversations,
    *,
    store: Store | None = None,
    form: FormAdapter | None = None,
    handoff: HandoffService | None = None,
) -> SlackBot:
    """The Slack adapter for ``settings``.

    ``store`` is required in OAuth mode (installations live in the database). ``form``
    enables the one-screen modal (``/sourcewise form`` and the App Home button); by default
    it is the core's form (:class:`.modal.FormAdapter`). ``handoff`` enables ``/handoff``
    (:mod:`.handoff`; without it the command answers that it is off). Raises
    :class:`SlackNotConfigured`.
    """
    secrets = resolve_mode(settings)
    logger = slack_logger(secrets.all)
    client = _client(settings, secrets, logger)
    common: dict[str, Any] = {
        "name": "sourcewise",
        "logger": logger,
        "client": client,
        "signing_secret": secrets.signing_secret,
        # Slack's own retries come back with the same event id; the listeners drop them.
        "raise_error_for_unhandled_request": False,
        # Answer Slack only once the ack function returned (it saves the request in the
        # inbox first); the slow work still runs after, in the lazy listeners.
        "process_before_response": True,
    }
    if secrets.mode is SlackMode.OAUTH:
        if store is None:
            raise SlackNotConfigured(
                "Slack OAuth mode needs the database (SOURCEWISE_DATABASE_URL)"
            )
        cipher = None
        if settings.secret_key is not None and settings.secret_key.get_secret_value().strip():
            try:
                cipher = TokenCipher(settings.secret_key.get_secret_value())
            except ValueError:
                raise SlackNotConfigured(
                    "SOURCEWISE_SECRET_KEY is not a Fernet key (comma-separated, newest first)"
                ) from None
        else:
            logger.warning("SOURCEWISE_SECRET_KEY is not set: Slack tokens are stored unencrypted")
        installations = StoreInstallations(store, logger=logger, cipher=cipher)
        flow = AsyncOAuthFlow(
            client=client,
            logger=logger,
            settings=AsyncOAuthSettings(
                client_id=secrets.client_id,
                client_secret=secrets.client_secret,
                scopes=list(BOT_SCOPES),
                installation_store=installations,
                state_store=MemoryStateStore(logger=logger),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                install_page_rendering_enabled=False,
                logger=logger,
            ),
        )
        bolt = AsyncApp(**common, oauth_flow=flow, installation_store=installations)
    else:
        bolt = AsyncApp(**common)

    lazy = TrackedLazyRunner(logger)
    bolt.listener_runner.lazy_listener_runner = lazy
    inbox = None
    if store is not None:
        timing = InboxTiming(
            lease=timedelta(seconds=settings.slack_inbox_lease_seconds),
            interval=settings.slack_inbox_interval_seconds,
        )
        inbox = SlackInbox(store, timing=timing, logger=logger)
    handlers = SlackHandlers(
        conversations,
        form=form if form is not None else FormAdapter(),
        logger=logger,
        inbox=inbox,
    )
    handoff_listeners = SlackHandoff(
        handoff, locale=handlers.locale_of, logger=logger, claim=conversations.claim
    )
    _register(bolt, handlers, handoff_listeners)
    recovery = None
    if inbox is not None:

        async def redo(item: InboxItem) -> bool:
            body = item.payload or {}
            found = await _client_for(bolt, client, item.key.workspace, body)
            if found is None:
                logger.warning("slack inbox: no installation for a saved event's workspace")
                return False
            return await handlers.redo(item.kind, body, found)

        recovery = InboxRecovery(inbox, redo, logger=logger)
    return SlackBot(
        bolt=bolt,
        secrets=secrets,
        handlers=handlers,
        lazy=lazy,
        logger=logger,
        recovery=recovery,
    )


async def _client_for(
    bolt: AsyncApp, client: AsyncWebClient, team: str, body: dict[str, Any]
) -> AsyncWebClient | None:
    """The Web API client a saved request is answered with: the bot token's in
    single-workspace mode, the workspace's installed bot in OAuth mode (what bolt's own
    authorization would have found for the request)."""
    store = bolt.installation_store
    if store is None:
        return client
    enterprise = body.get("enterprise_id") or (body.get("enterprise") or {}).get("id")
    found = await store.async_find_bot(
        enterprise_id=enterprise if isinstance(enterprise, str) else None,
        team_id=team or None,
        is_enterprise_install=bool(body.get("is_enterprise_install")),
    )
    if found is None or not found.bot_token:
        return None
    return AsyncWebClient(
        token=found.bot_token,
        base_url=client.base_url,
        logger=client.logger,
        retry_handlers=client.retry_handlers,
    )


def _register(bolt: AsyncApp, h: SlackHandlers, handoff: SlackHandoff) -> None:
    # First: "/sourcewise handoff …" must not fall through to the one-line estimate.
    bolt.command(HANDOFF_COMMAND)(ack=handoff.on_command_ack, lazy=[handoff.on_command])
    bolt.command("/sourcewise", matchers=[handoff.is_handoff])(
        ack=handoff.on_command_ack, lazy=[handoff.on_command]
    )
    bolt.action(ACK_ACTION)(ack=h.ack, lazy=[handoff.on_ack])
    bolt.view_submission(FORM_CALLBACK)(ack=handoff.on_form_ack, lazy=[handoff.on_form])
    bolt.view_closed(FORM_CALLBACK)(h.ack)
    bolt.event("message")(ack=h.ack_message, lazy=[h.on_message])
    bolt.event("app_home_opened")(ack=h.ack, lazy=[h.on_home_opened])
    bolt.action(ids.CORE_ACTION)(ack=h.ack_action, lazy=[h.on_action])
    bolt.action(ids.SHARE)(ack=h.ack, lazy=[h.on_share])
    bolt.action(ids.HOME_START)(ack=h.ack_home_start, lazy=[h.on_home_start])
    bolt.action(ids.HOME_FORM)(h.on_open_form)
    bolt.command("/sourcewise")(ack=h.on_command_ack, lazy=[h.on_command])
    bolt.view_submission(ids.FORM_CALLBACK)(ack=h.on_form_ack, lazy=[h.on_form])
    bolt.view_closed(ids.FORM_CALLBACK)(h.ack)


def install_slack_routes(
    web_app: web.Application, bolt_app: AsyncApp, *, signing_secret: str | None = None
) -> None:
    """Serve ``bolt_app`` on ``web_app``: ``POST /slack/events`` (events, interactions,
    slash commands) and, in OAuth mode, ``GET /slack/install`` and
    ``GET /slack/oauth_redirect``. Call before the web app starts (routes freeze then).

    With ``signing_secret`` every request to ``/slack/events`` is checked by slack_sdk's
    ``SignatureVerifier`` before bolt parses the body (bolt parses first, so an unsigned
    garbage body was a 500 with a logged traceback): unsigned or stale requests get 401,
    signed bodies bolt cannot parse get 400, neither with a traceback."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    async def events(request: web.Request) -> web.Response:
        if verifier is not None:
            body = await request.read()
            if not verifier.is_valid_request(body, dict(request.headers)):
                return web.Response(status=401, text="invalid signature")
        try:
            bolt_request = await to_bolt_request(request)
        except Exception:  # bolt's parsing trips on any shape it did not expect
            _log.info("slack: a signed request whose body is not a Slack payload, refused")
            return web.Response(status=400, text="malformed payload")
        return await to_aiohttp_response(await bolt_app.async_dispatch(bolt_request))

    web_app.router.add_post(EVENTS_PATH, events)
    flow = bolt_app.oauth_flow
    if flow is None:
        return

    async def install(request: web.Request) -> web.Response:
        response = await flow.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def redirect(request: web.Request) -> web.Response:
        response = await flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    web_app.router.add_get(flow.install_path, install)
    web_app.router.add_get(flow.redirect_uri_path, redirect)


async def run_socket_mode(bot: SlackBot, *, stop: asyncio.Event | None = None) -> None:
    """Serve ``bot`` over Socket Mode until ``stop`` is set (or forever)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    if not bot.secrets.socket_mode:
        raise SlackNotConfigured("Socket Mode needs SLACK_APP_TOKEN")
    handler = AsyncSocketModeHandler(bot.bolt, bot.secrets.app_token, logger=bot.logger)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await bot.drain()
