"""Which Slack mode the settings describe, and the one-line errors when they describe none."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.adapters.slack.errors import SlackAdapterError, SlackNotConfigured
from bot.adapters.slack.mode import SlackMode, resolve_mode
from bot.config import Settings


def _settings(**values: str) -> Settings:
    fields = {
        name: SecretStr(value) if name != "slack_client_id" else value
        for name, value in values.items()
    }
    return Settings(database_url="memory://", **fields)  # type: ignore[arg-type]


def test_bot_token_and_signing_secret_is_single_workspace_http() -> None:
    secrets = resolve_mode(_settings(slack_bot_token="xoxb-1", slack_signing_secret="s"))
    assert secrets.mode is SlackMode.TOKEN and not secrets.socket_mode
    assert "xoxb-1" not in repr(secrets)


def test_client_id_and_secret_is_oauth() -> None:
    secrets = resolve_mode(
        _settings(slack_client_id="1.2", slack_client_secret="c", slack_signing_secret="s")
    )
    assert secrets.mode is SlackMode.OAUTH
    assert set(secrets.all) == {"c", "s"}


def test_app_token_is_socket_mode_without_a_signing_secret() -> None:
    secrets = resolve_mode(_settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1"))
    assert secrets.mode is SlackMode.TOKEN and secrets.socket_mode


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({}, "Slack is not configured"),
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"slack_client_id": "1.2", "slack_signing_secret": "s"}, "SLACK_CLIENT_SECRET"),
        ({"slack_bot_token": "nope", "slack_signing_secret": "s"}, "xoxb"),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xoxb-2"}, "xapp"),
        (
            {"slack_client_id": "1", "slack_client_secret": "c", "slack_app_token": "xapp-1"},
            "Socket Mode",
        ),
    ],
)
def test_incomplete_settings_say_what_is_missing_in_one_line(
    values: dict[str, str], words: str
) -> None:
    with pytest.raises(SlackNotConfigured) as raised:
        resolve_mode(_settings(**values))
    message = str(raised.value)
    assert words in message and "\n" not in message
    assert isinstance(raised.value, SlackAdapterError)
