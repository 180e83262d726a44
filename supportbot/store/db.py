"""The async engine and session factory, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from supportbot.store.models import Base


@dataclass(slots=True)
class Database:
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    reads: async_sessionmaker[AsyncSession]  # for sessions that only read

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def create_all(self) -> None:
        """Create tables straight from the models (tests); production uses migrations."""
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    async def drop_all(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)

    async def close(self) -> None:
        await self.engine.dispose()


def open_database(url: str, *, echo: bool = False) -> Database:
    kwargs: dict[str, Any] = {"echo": echo}
    if make_url(url).get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _serialize_sqlite_writers(engine)
    readonly = engine.execution_options(supportbot_read_only=True)
    return Database(
        url,
        engine,
        async_sessionmaker(engine, expire_on_commit=False),
        async_sessionmaker(readonly, expire_on_commit=False),
    )


def _serialize_sqlite_writers(engine: AsyncEngine) -> None:
    """Make every SQLite write transaction `BEGIN IMMEDIATE`.

    pysqlite's default deferred BEGIN lets two connections read, then both try to upgrade to a
    write lock and one fails with "database is locked" instead of waiting. IMMEDIATE takes the
    write lock up front, so concurrent writers queue on the busy timeout (the recipe from the
    SQLAlchemy SQLite dialect docs). WAL lets readers run beside the one writer.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers need no write lock: with WAL they see a snapshot while the writer works.
        read_only = conn.get_execution_options().get("supportbot_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
