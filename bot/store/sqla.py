"""The SQL store: SQLAlchemy 2 async Core over SQLite (aiosqlite) or PostgreSQL (asyncpg).

Why each choice:

* SQLite: WAL journal (readers never block the writer), a busy timeout (a second process
  waits instead of failing), and every transaction opened with ``BEGIN IMMEDIATE`` so write
  transactions of several processes serialize up front instead of failing with "database is
  locked" when a reader tries to upgrade its lock half-way.
* PostgreSQL: ``SELECT ... FOR UPDATE`` on the conversation row, so two replicas handling
  consecutive turns of one conversation queue up; the version column still guards every save
  (a brand-new conversation has no row to lock, so two first turns race on the primary key,
  and the loser gets :class:`StaleConversation`, as does a deadlock or serialization failure).
* Update ids are claimed with ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: exactly one
  unit of work wins, even across processes.

Nothing is created at import time: :func:`create_engine` and :class:`SqlStore` are called by
``bot.app`` and the tests, and :meth:`SqlStore.aclose` disposes the engine.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import ColumnElement, Table, and_, event, insert, null, select, text, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from bot.core.ports import ConversationKey
from bot.handoff.ports import HandoffRepository
from bot.store.base import (
    Draft,
    EstimateRecord,
    Inbox,
    InstallationKind,
    JSONObject,
    Snapshot,
    StaleConversation,
    StoreError,
    StoreUnavailable,
    UpdateStatus,
    UserScope,
)
from bot.store.models import (
    conversations,
    estimates,
    handoff_drafts,
    processed_updates,
    slack_installations,
)

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "SqlStore",
    "SqlUnitOfWork",
    "create_engine",
    "normalize_url",
]

#: How long a SQLite writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_SECONDS = 30.0
#: How long connecting to PostgreSQL may take before the store is reported unavailable.
CONNECT_TIMEOUT_SECONDS = 10.0
#: Longest a PostgreSQL statement may run (``SOURCEWISE_DB_TIMEOUT`` overrides it).
DEFAULT_STATEMENT_TIMEOUT_SECONDS = 10.0

#: SQLSTATEs that mean "the transaction lost a race; run it again".
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock
#: The server refuses work for now: shutting down or starting up (57P0x), too many
#: connections (53300), a database not accepting connections (55000 at connect), a
#: statement cancelled by ``statement_timeout`` (57014).
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300", "55000", "57014"})

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
}


def normalize_url(database_url: str) -> URL:
    """Parse the URL, giving a bare ``sqlite://`` or ``postgresql://`` its async driver.

    Raises :class:`StoreError` for anything but SQLite and PostgreSQL.
    """
    url = make_url(database_url)
    if url.drivername in _ASYNC_DRIVERS:
        url = url.set(drivername=_ASYNC_DRIVERS[url.drivername])
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql"
        )
    return url


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from the driver (it would skip it for SELECTs); _sqlite_on_begin issues it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _enable_wal(cursor: Any) -> None:
    """Switch a file to WAL once. The switch needs an exclusive lock and SQLite answers
    "database is locked" at once (no busy handler) when several processes open a new file
    together, so retry with a short backoff until another connection has done it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    delay = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()
            if mode and str(mode[0]).lower() in ("wal", "memory"):
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


#: Execution option for connections that only read (the health check): plain BEGIN, which
#: in WAL mode never waits for a writer.
_READ_ONLY = "sourcewise_read_only"


def _sqlite_on_begin(connection: Any) -> None:
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _private_sqlite_file(database: str) -> None:
    """Create the database file 0600 (and a missing folder 0700) before SQLite does, and
    tighten an existing one: conversations, estimates and Slack installations are in it.
    SQLite gives its ``-wal`` and ``-shm`` files the main file's permissions."""
    path = Path(database).expanduser()
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists() and part.stat().st_mode & 0o077:
            part.chmod(0o600)


def create_engine(
    database_url: str, *, timeout: float | None = None, pool_size: int | None = None
) -> AsyncEngine:
    """An async engine configured for the store (see the module docstring for why).

    For a SQLite file the parent folder is created (0700) and the file made private (0600),
    so the default path in the user data dir works on first run. On PostgreSQL ``timeout``
    (seconds, default :data:`DEFAULT_STATEMENT_TIMEOUT_SECONDS`) bounds every statement on
    the server (``statement_timeout``) and on the client (asyncpg's command timeout, which
    also covers a database that stopped answering at all), and the wait for a pooled
    connection: a stalled database fails the request instead of holding it. ``pool_size``
    caps the engine at that many connections (none beyond it): the health check's own.
    """
    sized: dict[str, Any] = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": 0}
    url = normalize_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _private_sqlite_file(database)
        engine = _create_async_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, **sized)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    seconds = timeout if timeout is not None else DEFAULT_STATEMENT_TIMEOUT_SECONDS
    return _create_async_engine(
        url,
        pool_pre_ping=True,
        pool_timeout=seconds,
        **sized,
        connect_args={
            "timeout": min(CONNECT_TIMEOUT_SECONDS, seconds),
            "command_timeout": seconds,
            "server_settings": {"statement_timeout": str(int(seconds * 1000))},
        },
    )


@contextmanager
def _translated(key: ConversationKey | None = None) -> Iterator[None]:
    """Driver errors -> the store's own: a lost race is stale, a lost connection unavailable."""
    try:
        yield
    except DBAPIError as exc:
        sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if sqlstate in _RETRYABLE_SQLSTATES:
            raise StaleConversation(key, f"concurrent transaction won ({sqlstate})") from exc
        if (
            exc.connection_invalidated
            or isinstance(exc, OperationalError | InterfaceError)
            or sqlstate in _UNAVAILABLE_SQLSTATES
            or (isinstance(sqlstate, str) and sqlstate.startswith("08"))
        ):
            raise StoreUnavailable(f"database unavailable: {type(exc.orig).__name__}") from exc
        raise
    except (OSError, TimeoutError) as exc:
        raise StoreUnavailable(f"database unavailable: {type(exc).__name__}") from exc


def _utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _is_key(table: Any, key: ConversationKey) -> ColumnElement[bool]:
    return and_(
        table.c.platform == key.platform,
        table.c.workspace == key.workspace,
        table.c.user_id == key.user,
    )


def _in_scope(table: Any, scope: UserScope) -> ColumnElement[bool]:
    conditions = [table.c.platform == scope.platform, table.c.user_id == scope.user]
    if scope.workspace is not None:
        conditions.append(table.c.workspace == scope.workspace)
    return and_(*conditions)


class _Part:
    """A repository: runs its statements on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection


async def _save_versioned(
    connection: AsyncConnection,
    table: Table,
    key: ConversationKey,
    values: dict[str, Any],
    expected_version: int,
    what: str,
) -> int:
    """Save a row keyed by conversation with optimistic concurrency: created at version 1
    when ``expected_version`` is 0, else updated only while it is still that version; a
    lost race is :class:`StaleConversation`. Returns the new version."""
    now = datetime.now(UTC)
    with _translated(key):
        if expected_version == 0:
            try:
                await connection.execute(
                    insert(table).values(
                        platform=key.platform,
                        workspace=key.workspace,
                        user_id=key.user,
                        version=1,
                        updated_at=now,
                        **values,
                    )
                )
            except IntegrityError as exc:
                raise StaleConversation(key, f"{what} created concurrently") from exc
            return 1
        result = await connection.execute(
            update(table)
            .where(_is_key(table, key), table.c.version == expected_version)
            .values(version=expected_version + 1, updated_at=now, **values)
        )
    if result.rowcount != 1:
        raise StaleConversation(key, f"{what} version {expected_version} is no longer current")
    return expected_version + 1


class _Conversations(_Part):
    def __init__(self, connection: AsyncConnection, *, lock: bool) -> None:
        super().__init__(connection)
        self._lock = lock

    async def load(self, key: ConversationKey) -> Snapshot:
        query = select(conversations.c.state, conversations.c.version).where(
            _is_key(conversations, key)
        )
        if self._lock:  # rendered on PostgreSQL only; SQLite already holds the lock
            query = query.with_for_update()
        with _translated(key):
            row = (await self._connection.execute(query)).one_or_none()
        return Snapshot(None, 0) if row is None else Snapshot(row.state, row.version)

    async def save(self, key: ConversationKey, state: JSONObject, *, expected_version: int) -> int:
        return await _save_versioned(
            self._connection, conversations, key, {"state": state}, expected_version, "conversation"
        )

    async def estimate(self, key: ConversationKey) -> bytes | None:
        query = select(conversations.c.estimate).where(_is_key(conversations, key))
        with _translated(key):
            data = (await self._connection.execute(query)).scalar_one_or_none()
        return None if data is None else bytes(data)

    async def keep_estimate(self, key: ConversationKey, data: bytes | None) -> None:
        with _translated(key):
            await self._connection.execute(
                update(conversations).where(_is_key(conversations, key)).values(estimate=data)
            )

    async def forget(self, scope: UserScope) -> int:
        with _translated():
            result = await self._connection.execute(
                sql_delete(conversations).where(_in_scope(conversations, scope))
            )
        return int(result.rowcount)


class _Drafts(_Part):
    async def load(self, key: ConversationKey) -> Draft:
        query = (
            select(handoff_drafts.c.answers, handoff_drafts.c.version)
            .where(_is_key(handoff_drafts, key))
            .with_for_update()  # rendered on PostgreSQL only; SQLite already holds the lock
        )
        with _translated(key):
            row = (await self._connection.execute(query)).one_or_none()
        return Draft(None, 0) if row is None else Draft(row.answers, row.version)

    async def save(
        self, key: ConversationKey, answers: dict[str, str] | None, *, expected_version: int
    ) -> int:
        return await _save_versioned(
            self._connection, handoff_drafts, key, {"answers": answers}, expected_version, "draft"
        )

    async def forget(self, scope: UserScope) -> int:
        with _translated():
            result = await self._connection.execute(
                sql_delete(handoff_drafts).where(_in_scope(handoff_drafts, scope))
            )
        return int(result.rowcount)


class _Updates(_Part):
    def _is_claim(self, key: ConversationKey, update_id: str) -> ColumnElement[bool]:
        return and_(_is_key(processed_updates, key), processed_updates.c.update_id == update_id)

    async def claim(self, key: ConversationKey, update_id: str) -> bool:
        dialect = self._connection.dialect.name
        upsert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            upsert(processed_updates)
            .values(
                platform=key.platform,
                update_id=update_id,
                workspace=key.workspace,
                user_id=key.user,
                delivered=False,
                handouts=0,
                created_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=["platform", "update_id"])
            .returning(processed_updates.c.id)
        )
        with _translated(key):
            claimed = (await self._connection.execute(statement)).scalar_one_or_none()
        return claimed is not None

    async def record_replies(
        self, key: ConversationKey, update_id: str, replies: list[JSONObject]
    ) -> None:
        with _translated(key):
            await self._connection.execute(
                update(processed_updates)
                .where(self._is_claim(key, update_id))
                .values(replies=replies, handouts=1)
            )

    async def status(self, key: ConversationKey, update_id: str) -> UpdateStatus | None:
        c = processed_updates.c
        query = select(c.created_at, c.delivered, c.handouts).where(self._is_claim(key, update_id))
        with _translated(key):
            row = (await self._connection.execute(query)).one_or_none()
        if row is None:
            return None
        resendable = not row.delivered and row.handouts == 1
        return UpdateStatus(_utc(row.created_at), bool(row.delivered), resendable)

    async def take_undelivered(
        self, key: ConversationKey, update_id: str
    ) -> list[JSONObject] | None:
        statement = (
            update(processed_updates)
            .where(
                self._is_claim(key, update_id),
                processed_updates.c.delivered.is_(False),
                processed_updates.c.handouts == 1,
            )
            .values(handouts=processed_updates.c.handouts + 1)
            .returning(processed_updates.c.replies)
        )
        with _translated(key):
            replies: list[JSONObject] | None = (
                await self._connection.execute(statement)
            ).scalar_one_or_none()
        return replies

    async def mark_delivered(self, key: ConversationKey, update_id: str) -> bool:
        with _translated(key):
            result = await self._connection.execute(
                update(processed_updates)
                .where(self._is_claim(key, update_id))
                .values(delivered=True, replies=null())
            )
        return bool(result.rowcount == 1)

    async def prune(self, before: datetime) -> int:
        with _translated():
            result = await self._connection.execute(
                sql_delete(processed_updates).where(processed_updates.c.created_at < before)
            )
        return int(result.rowcount)

    async def forget(self, scope: UserScope, *, keep: str | None = None) -> int:
        condition = _in_scope(processed_updates, scope)
        if keep is not None:
            condition = and_(condition, processed_updates.c.update_id != keep)
        with _translated():
            result = await self._connection.execute(sql_delete(processed_updates).where(condition))
        return int(result.rowcount)


class _Estimates(_Part):
    async def add(self, key: ConversationKey, summary: JSONObject) -> int:
        with _translated(key):
            added = await self._connection.execute(
                insert(estimates)
                .values(
                    platform=key.platform,
                    workspace=key.workspace,
                    user_id=key.user,
                    created_at=datetime.now(UTC),
                    summary=summary,
                )
                .returning(estimates.c.id)
            )
        return int(added.scalar_one())

    async def recent(self, key: ConversationKey, limit: int) -> tuple[EstimateRecord, ...]:
        query = (
            select(estimates.c.id, estimates.c.created_at, estimates.c.summary)
            .where(_is_key(estimates, key))
            .order_by(estimates.c.id.desc())
            .limit(max(limit, 0))
        )
        with _translated(key):
            rows = (await self._connection.execute(query)).all()
        return tuple(EstimateRecord(int(row.id), _utc(row.created_at), row.summary) for row in rows)

    async def delete(self, key: ConversationKey, estimate_id: int) -> bool:
        with _translated(key):
            result = await self._connection.execute(
                sql_delete(estimates).where(_is_key(estimates, key), estimates.c.id == estimate_id)
            )
        return bool(result.rowcount == 1)

    async def forget(self, scope: UserScope) -> int:
        with _translated():
            result = await self._connection.execute(
                sql_delete(estimates).where(_in_scope(estimates, scope))
            )
        return int(result.rowcount)


class _Installations(_Part):
    async def save(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        is_enterprise_install: bool,
        data: JSONObject,
    ) -> None:
        with _translated():
            await self._connection.execute(
                insert(slack_installations).values(
                    kind=kind,
                    enterprise_id=enterprise_id or "",
                    team_id="" if is_enterprise_install else (team_id or ""),
                    user_id=user_id or "",
                    is_enterprise_install=is_enterprise_install,
                    data=data,
                    installed_at=datetime.now(UTC),
                )
            )

    async def find(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool = False,
    ) -> JSONObject | None:
        c = slack_installations.c
        conditions = [
            c.kind == kind,
            c.enterprise_id == (enterprise_id or ""),
            c.team_id == ("" if is_enterprise_install else (team_id or "")),
        ]
        if user_id is not None:
            conditions.append(c.user_id == user_id)
        query = select(c.data).where(*conditions).order_by(c.id.desc()).limit(1)
        with _translated():
            data: JSONObject | None = (await self._connection.execute(query)).scalar_one_or_none()
        return data

    async def delete(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> int:
        c = slack_installations.c
        conditions = [
            c.kind == kind,
            c.enterprise_id == (enterprise_id or ""),
            c.team_id == (team_id or ""),
        ]
        if user_id is not None:
            conditions.append(c.user_id == user_id)
        with _translated():
            result = await self._connection.execute(
                sql_delete(slack_installations).where(*conditions)
            )
        return int(result.rowcount)


class SqlUnitOfWork:
    """One connection and one transaction, from ``async with`` to commit or rollback."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        read_only: bool = False,
        writer: asyncio.Lock | None = None,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._writer = None if read_only else writer
        self._held = False
        self._connection: AsyncConnection | None = None
        self._transaction: AsyncTransaction | None = None

    def _live(self) -> AsyncConnection:
        if self._connection is None or self._transaction is None:
            raise RuntimeError("unit of work used outside 'async with' or after commit")
        return self._connection

    @property
    def conversations(self) -> _Conversations:
        return _Conversations(self._live(), lock=not self._read_only)

    @property
    def updates(self) -> _Updates:
        return _Updates(self._live())

    @property
    def estimates(self) -> _Estimates:
        return _Estimates(self._live())

    @property
    def installations(self) -> _Installations:
        return _Installations(self._live())

    @property
    def drafts(self) -> _Drafts:
        return _Drafts(self._live())

    @property
    def inbox(self) -> Inbox:
        from bot.store.sqla_inbox import SqlInbox  # it imports this module's translator

        return SqlInbox(self._live())

    @property
    def handoff(self) -> HandoffRepository:
        from bot.store.sqla_handoff import SqlHandoff  # it imports this module's translator

        return SqlHandoff(self._live())

    async def __aenter__(self) -> Self:
        if self._writer is not None:
            try:
                async with asyncio.timeout(BUSY_TIMEOUT_SECONDS):
                    await self._writer.acquire()
            except TimeoutError:
                raise StoreUnavailable("database busy: another write did not finish") from None
            self._held = True
        connection = None
        try:
            with _translated():
                connection = await self._engine.connect()
                if self._read_only:
                    await connection.execution_options(**{_READ_ONLY: True})
                self._transaction = await connection.begin()
        except BaseException:
            if connection is not None:
                await connection.close()
            self._release()
            raise
        self._connection = connection
        return self

    def _release(self) -> None:
        if self._held and self._writer is not None:
            self._held = False
            self._writer.release()

    async def commit(self) -> None:
        transaction = self._transaction
        if transaction is None:
            raise RuntimeError("unit of work used outside 'async with' or after commit")
        with _translated():
            await transaction.commit()
        self._transaction = None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, transaction = self._connection, self._transaction
        self._connection = self._transaction = None
        if connection is None:
            self._release()
            return
        try:
            if transaction is not None and transaction.is_active:
                with _translated():
                    await transaction.rollback()
        except StoreUnavailable:
            if exc is None:  # report a lost connection, but never hide the original error
                raise
        finally:
            try:
                await connection.close()
            finally:
                self._release()


#: Connections the health check keeps for itself.
HEALTH_POOL_SIZE = 1


class SqlStore:
    """The store over one engine; owns it and disposes it on :meth:`aclose`.

    ``health`` is a second, one-connection engine on the same database for :meth:`ping`.
    Under load every pooled connection of the main engine can be busy with turns, and a
    health check queued behind them reported a healthy database as slow or down (a load
    balancer then takes a busy replica out, which makes the others busier). Its own
    connection answers "does the database answer" without waiting for the turns' pool.
    """

    def __init__(self, engine: AsyncEngine, *, health: AsyncEngine | None = None) -> None:
        self._engine = engine
        self._health = health
        # SQLite has one writer at a time; its busy handler makes the others sleep and poll
        # (1, 2, 5 … 100 ms), so a question turn behind an estimate's save waited up to a
        # tenth of a second longer than the lock was held. Writers of this process queue on
        # a lock instead and start the moment the previous one ends; another process (a
        # migration, `sourcewise chat` beside `serve`) still meets the busy handler.
        self._writer = asyncio.Lock() if engine.url.get_backend_name() == "sqlite" else None

    @classmethod
    def from_url(cls, database_url: str, *, timeout: float | None = None) -> SqlStore:
        engine = create_engine(database_url, timeout=timeout)
        database = engine.url.database or ""
        if engine.url.get_backend_name() == "sqlite" and (
            database in ("", ":memory:") or database.startswith("file:")
        ):  # possibly a private in-memory database: a second engine would see another one
            return cls(engine)
        return cls(
            engine, health=create_engine(database_url, timeout=timeout, pool_size=HEALTH_POOL_SIZE)
        )

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    def unit_of_work(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._engine, read_only=read_only, writer=self._writer)

    async def ping(self) -> None:
        with _translated():
            async with (self._health or self._engine).connect() as connection:
                reader = await connection.execution_options(**{_READ_ONLY: True})
                await reader.execute(text("SELECT 1"))

    async def aclose(self) -> None:
        if self._health is not None:
            await self._health.dispose()
        await self._engine.dispose()
