"""Settings from the environment (pydantic-settings): the one place configuration enters.

Secrets are ``SecretStr`` so they never appear in reprs or logs. ``get_secret_value()`` is
called only where a library needs the value itself: the adapters that hand a token or
signing secret to PTB or bolt, the composition root (the webhook secret) and the log
redactor (:mod:`bot.observability`, which must know every secret to remove it).
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_database_url"]


def default_database_url() -> str:
    """An embedded SQLite file in the user data dir: the no-configuration default."""
    folder = Path(user_data_dir("sourcewise", appauthor=False))
    return f"sqlite+aiosqlite:///{folder / 'sourcewise.db'}"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Every environment variable the product reads (the README's configuration table)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default_factory=default_database_url,
        validation_alias=_env("SOURCEWISE_DATABASE_URL"),
    )
    locale: str | None = Field(default=None, validation_alias=_env("SOURCEWISE_LOCALE"))
    ratecard: Path | None = Field(default=None, validation_alias=_env("SOURCEWISE_RATECARD"))
    log_level: str = Field(default="INFO", validation_alias=_env("SOURCEWISE_LOG_LEVEL"))
    http_host: str = Field(default="0.0.0.0", validation_alias=_env("SOURCEWISE_HTTP_HOST"))
    http_port: int = Field(default=8080, validation_alias=_env("SOURCEWISE_HTTP_PORT", "PORT"))
    #: Worker processes for heavy turns (estimates, charts); None: one per core.
    workers: int | None = Field(
        default=None, ge=1, le=64, validation_alias=_env("SOURCEWISE_WORKERS")
    )
    #: Heavy turns that may wait for a worker before "busy, one moment"; None: 4 per worker.
    queue: int | None = Field(
        default=None, ge=0, le=10_000, validation_alias=_env("SOURCEWISE_QUEUE")
    )
    #: Open HTTP connections one server accepts; more wait in the kernel's backlog.
    max_connections: int = Field(
        default=512, ge=8, le=100_000, validation_alias=_env("SOURCEWISE_MAX_CONNECTIONS")
    )
    #: A database statement running longer than this is cancelled (and the store reports the
    #: database unavailable), so a stalled database cannot hold a request forever.
    db_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, validation_alias=_env("SOURCEWISE_DB_TIMEOUT")
    )
    #: ``/metrics`` on the main port needs ``Authorization: Bearer <token>``; without a token
    #: it is served only on ``SOURCEWISE_METRICS_PORT`` (when set).
    metrics_token: SecretStr | None = Field(
        default=None, validation_alias=_env("SOURCEWISE_METRICS_TOKEN")
    )
    metrics_host: str = Field(default="127.0.0.1", validation_alias=_env("SOURCEWISE_METRICS_HOST"))
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias=_env("SOURCEWISE_METRICS_PORT")
    )
    #: Fernet keys (comma-separated, newest first) encrypting Slack OAuth tokens at rest.
    secret_key: SecretStr | None = Field(
        default=None, validation_alias=_env("SOURCEWISE_SECRET_KEY")
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias=_env("TELEGRAM_BOT_TOKEN")
    )
    telegram_api_url: str | None = Field(
        default=None, validation_alias=_env("SOURCEWISE_TELEGRAM_API_URL")
    )
    telegram_webhook_url: str | None = Field(
        default=None, validation_alias=_env("SOURCEWISE_TELEGRAM_WEBHOOK_URL")
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SOURCEWISE_TELEGRAM_WEBHOOK_SECRET")
    )

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_APP_TOKEN")
    )
    slack_client_id: str | None = Field(default=None, validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    slack_api_url: str | None = Field(
        default=None, validation_alias=_env("SOURCEWISE_SLACK_API_URL")
    )
    # The Slack inbox (bot.adapters.slack.inbox): how long the replica that received an event
    # has it to itself before another one redoes it, and how often replicas look for such.
    slack_inbox_lease_seconds: float = Field(
        default=30.0, gt=0, le=3600, validation_alias=_env("SOURCEWISE_SLACK_INBOX_LEASE_SECONDS")
    )
    slack_inbox_interval_seconds: float = Field(
        default=5.0, gt=0, le=3600, validation_alias=_env("SOURCEWISE_SLACK_INBOX_INTERVAL_SECONDS")
    )

    handoff_lead_minutes: int = Field(
        default=15, validation_alias=_env("SOURCEWISE_HANDOFF_LEAD_MINUTES")
    )
    handoff_grace_minutes: int = Field(
        default=30, validation_alias=_env("SOURCEWISE_HANDOFF_GRACE_MINUTES")
    )
    handoff_ack_minutes: int = Field(
        default=20, validation_alias=_env("SOURCEWISE_HANDOFF_ACK_MINUTES")
    )
