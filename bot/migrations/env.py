"""Alembic environment: run by ``bot.store.schema`` (normally) or the ``alembic`` CLI.

``bot.store.schema`` opens the async connection itself (taking PostgreSQL's migration
advisory lock first) and passes its sync facade in ``config.attributes["connection"]``;
this file then only configures the context on it. Called without one (CLI, with
``sqlalchemy.url`` set), it opens an async engine of its own; ``--sql`` (offline) mode
renders the SQL for the configured URL.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.models import metadata
from bot.store.sqla import create_engine

config = context.config


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure_and_run)
    finally:
        await engine.dispose()


def _run() -> None:
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _configure_and_run(connection)
        return
    database_url = config.get_main_option("sqlalchemy.url")
    if not database_url:
        raise RuntimeError("set sqlalchemy.url or use `sourcewise migrate`")
    asyncio.run(_run_with_own_engine(database_url))


_run()
