"""Fixtures: fake platforms, a database per test (see tests/replicas/harness.py)."""

from tests.replicas.harness import (  # noqa: F401 - fixtures
    _ptb_timedelta,
    database_url,
    postgres_url,
    replica_sqlite_template,
    slack_api,
    sqlite_url,
    telegram_api,
)
