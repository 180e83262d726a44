"""A read-only way into the database for reports.

The desk's SQLite engine starts every transaction with `BEGIN IMMEDIATE` (it serialises
writers), so a report run through it would hold the write lock for as long as it reads and stall
the live desk. Reports only read, and in WAL mode a plain deferred transaction never blocks a
writer, so on SQLite they get an engine of their own without that hook. PostgreSQL needs no
such care.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from supportbot.store.db import Database, open_database


def open_reader(url: str) -> Database:
    if make_url(url).get_backend_name() != "sqlite":
        return open_database(url)
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA query_only=ON")  # a report that tried to write would fail loudly
        cursor.close()

    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return Database(url, engine, sessions, sessions, sessions)
