"""Which way the Slack app runs, decided once from :class:`~bot.config.Settings`.

- ``TOKEN``: one workspace, ``SLACK_BOT_TOKEN`` + ``SLACK_SIGNING_SECRET``, HTTP.
- ``OAUTH``: any number of workspaces, ``SLACK_CLIENT_ID`` + ``SLACK_CLIENT_SECRET`` +
  ``SLACK_SIGNING_SECRET``, HTTP with /slack/install and /slack/oauth_redirect; the bot token
  of each workspace comes from the installations table.
- Socket Mode on top of either when ``SLACK_APP_TOKEN`` is set: Slack pushes events over a
  WebSocket, no public URL and no signing secret needed.

Missing pieces raise :class:`SlackNotConfigured` whose message is the one line the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.adapters.slack.errors import SlackNotConfigured
from bot.config import Settings

__all__ = ["SlackMode", "SlackSecrets", "resolve_mode"]


class SlackMode(StrEnum):
    TOKEN = "token"
    OAUTH = "oauth"


@dataclass(frozen=True, slots=True)
class SlackSecrets:
    """The plain secret values, unwrapped in this one place (``repr`` hides them)."""

    mode: SlackMode
    socket_mode: bool
    signing_secret: str = ""
    bot_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    app_token: str = ""

    def __repr__(self) -> str:
        return f"SlackSecrets(mode={self.mode!s}, socket_mode={self.socket_mode})"

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(
            s
            for s in (self.signing_secret, self.bot_token, self.client_secret, self.app_token)
            if s
        )


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if callable(getter) else ""


def resolve_mode(settings: Settings) -> SlackSecrets:
    """The mode and secrets ``settings`` describe, or :class:`SlackNotConfigured`."""
    bot_token = _secret(settings.slack_bot_token)
    signing_secret = _secret(settings.slack_signing_secret)
    client_id = settings.slack_client_id or ""
    client_secret = _secret(settings.slack_client_secret)
    app_token = _secret(settings.slack_app_token)
    socket_mode = bool(app_token)

    if client_id or client_secret:
        if not (client_id and client_secret):
            raise SlackNotConfigured(
                "Slack OAuth needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
            )
        mode = SlackMode.OAUTH
    elif bot_token:
        mode = SlackMode.TOKEN
    else:
        raise SlackNotConfigured(
            "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (one "
            "workspace), or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET "
            "(OAuth, many workspaces); add SLACK_APP_TOKEN for Socket Mode"
        )
    if socket_mode and not app_token.startswith("xapp-"):
        raise SlackNotConfigured("SLACK_APP_TOKEN must be an app-level token (xapp-...)")
    if mode is SlackMode.TOKEN and not bot_token.startswith("xox"):
        raise SlackNotConfigured("SLACK_BOT_TOKEN must be a bot token (xoxb-...)")
    if not socket_mode and not signing_secret:
        raise SlackNotConfigured(
            "SLACK_SIGNING_SECRET is required to verify Slack's requests over HTTP "
            "(or set SLACK_APP_TOKEN for Socket Mode)"
        )
    if socket_mode and mode is SlackMode.OAUTH:
        raise SlackNotConfigured(
            "Socket Mode serves one workspace: use SLACK_BOT_TOKEN with SLACK_APP_TOKEN, "
            "or OAuth over HTTP without SLACK_APP_TOKEN"
        )
    return SlackSecrets(
        mode=mode,
        socket_mode=socket_mode,
        signing_secret=signing_secret,
        bot_token=bot_token,
        client_id=client_id,
        client_secret=client_secret,
        app_token=app_token,
    )
