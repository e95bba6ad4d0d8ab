"""The service and app tests reuse the store suite's databases (all back ends)."""

from __future__ import annotations

from tests.store.conftest import (
    backend,
    other_store,
    pg_url,
    sqlite_template,
    store,
    store_url,
)

__all__ = ["backend", "other_store", "pg_url", "sqlite_template", "store", "store_url"]
