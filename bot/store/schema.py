"""Schema migrations from code: Alembic's command API with its configuration built here.

No ``alembic.ini``: the script location is found next to the installed ``bot`` package
(pyproject's package-data ships ``bot/migrations``), so ``sourcewise migrate`` and
``bot.app.open_app`` work from a wheel as well as from a checkout.

Alembic's commands are synchronous; they run on the sync facade of one async connection
(``run_sync``), inside one transaction. On PostgreSQL that transaction first takes an
advisory lock, so replicas starting together migrate one after the other (the second finds
the schema at head and does nothing); on SQLite ``BEGIN IMMEDIATE`` serializes them.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.store.sqla import _translated, create_engine, normalize_url

__all__ = ["MIGRATIONS_DIR", "alembic_config", "current_revision", "head_revision", "migrate"]

#: ``bot/migrations``, wherever the package is installed.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

#: Arbitrary constant identifying "the Sourcewise schema migration" among advisory locks.
_ADVISORY_LOCK_KEY = 0x50_57_4D_47  # "SWMG"


def alembic_config(database_url: str | None = None) -> Config:
    """The Alembic configuration, built in code (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if database_url is not None:
        # ``%`` is ConfigParser interpolation syntax; passwords may contain it.
        rendered = normalize_url(database_url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of the code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return head


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def migrate(
    database_url: str, revision: str = "head", *, downgrade: bool = False
) -> str | None:
    """Bring the database at ``database_url`` to ``revision`` (default: head) and return the
    revision it is at afterwards. ``downgrade=True`` goes back down to ``revision`` ("base":
    empty). Raises :class:`bot.store.StoreUnavailable` if the database cannot be reached.
    """
    engine = create_engine(database_url)
    try:
        with _translated():
            async with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    await connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY}
                    )
                await connection.run_sync(_downgrade if downgrade else _upgrade, revision)
                return await connection.run_sync(_current)
    finally:
        await engine.dispose()


async def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None: never migrated)."""
    engine = create_engine(database_url)
    try:
        with _translated():
            async with engine.connect() as connection:
                return await connection.run_sync(_current)
    finally:
        await engine.dispose()
