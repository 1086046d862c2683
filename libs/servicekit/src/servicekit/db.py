"""Async SQLAlchemy access for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Executable, MetaData, Row, TypeDecorator, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import greenlet_spawn

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata() -> MetaData:
    """Metadata with a naming convention, so Alembic names constraints the same everywhere."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both dialects (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        # So keyset cursors (servicekit.pagination) can decode values of such columns.
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # Let SQLAlchemy's "begin" event emit BEGIN itself (the driver's implicit BEGIN cannot
    # be made IMMEDIATE).
    dbapi_connection.isolation_level = None


IMMEDIATE = "smartgov_sqlite_immediate"


def _sqlite_begin(conn: Any) -> None:
    """Write transactions take SQLite's write lock up front (BEGIN IMMEDIATE), so they queue
    on busy_timeout instead of failing with 'database is locked' when two readers try to
    upgrade at once. Reads stay deferred and run concurrently under WAL."""
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # Database.autocommit(): no transaction at all
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(IMMEDIATE, False) else "BEGIN")


def create_engine(
    url: str, *, pool_size: int = 10, echo: bool = False, isolation_level: str | None = None
) -> AsyncEngine:
    """An engine with the right settings for the dialect in `url`."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 10})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    options = {"isolation_level": isolation_level} if isolation_level else {}
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        # No overflow: QueuePool closes an overflow connection whenever it comes back to a
        # full pool, so under steady load connections (and asyncpg's per-connection prepared
        # statements) were opened and closed all the time. Waiting for a pooled one is cheap.
        max_overflow=0,
        # No pre-ping: it costs a round trip per checkout. A dropped connection fails one
        # request (503, retryable) and SQLAlchemy then invalidates the whole pool.
        pool_recycle=1800,
        **options,
    )


class Database:
    """One service's database: engine, session factory, and a readiness ping.
    On PostgreSQL at most `pool_size` connections for transactions plus as many for
    `autocommit()` reads."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads get a pool whose connections are in autocommit mode from the start: switching
        # a pooled connection to AUTOCOMMIT and back on every checkout cost about as much as
        # the query itself. SQLite keeps one engine (its file locks, not connections, limit).
        self._autocommit_engine = (
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if is_sqlite(url)
            else create_engine(url, pool_size=pool_size, isolation_level="AUTOCOMMIT")
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one write transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            await session.connection(execution_options={IMMEDIATE: True})
            yield session

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A connection outside any transaction, for single-statement reads on hot paths:
        no BEGIN and ROLLBACK round trips around the one query."""
        async with self._autocommit_engine.connect() as conn:
            yield conn

    async def first_row(
        self, statement: Executable, params: Mapping[str, Any] | None = None
    ) -> Row[Any] | None:
        """The first row of one read outside a transaction, as `autocommit()` gives it, but
        checkout, query and return run in one greenlet instead of three: the cheapest way
        through SQLAlchemy for a hot path's single query."""
        engine = self._autocommit_engine.sync_engine

        def read() -> Row[Any] | None:
            with engine.connect() as conn:
                return conn.execute(statement, params).first()

        return await greenlet_spawn(read)

    @asynccontextmanager
    async def connection_transaction(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection inside one write transaction (BEGIN IMMEDIATE on SQLite), for
        hot paths that skip the ORM."""
        async with self.engine.connect() as conn:
            await conn.execution_options(**{IMMEDIATE: True})
            async with conn.begin():
                yield conn

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if not is_sqlite(self.url):
            await self._autocommit_engine.dispose()
