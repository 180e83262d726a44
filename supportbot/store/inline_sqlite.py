"""The SQLite writer, called in the event loop's own thread: no thread hop per statement.

aiosqlite runs every call in a worker thread. SQLAlchemy's adapter makes four or five such
calls per statement (a cursor, execute, fetch, close), and each hop costs far more than the
statement itself: about 0.9 ms of CPU against a few microseconds for SQLite to insert a row
into a local file (measured in `bench/pipeline.py`'s runs; see the README). SQLite under WAL
with `synchronous=NORMAL` does no fsync on commit, and the desk's one writer never waits for
a lock (the writer gate queues writers in the event loop), so the direct call returns in
microseconds. This module is an aiosqlite-shaped connection whose coroutines do the work
inline, handed to SQLAlchemy's aiosqlite dialect through `async_creator`.

The desk's readers are inline too: its reads are point reads by key. Reports, which may scan,
keep aiosqlite (`insights.reader.open_reader`), so a long one never holds the loop.
Checkpoints, which fsync, run in a worker thread (`checkpoints.Checkpoints`), told of every
commit here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        self._cursor.execute(sql, parameters or ())
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _Immediately:
    """aiosqlite's queue of calls for its thread, as SQLAlchemy uses it: run them now."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)


class InlineSQLite:
    """The parts of `aiosqlite.Connection` that SQLAlchemy's aiosqlite dialect calls."""

    def __init__(
        self, connection: sqlite3.Connection, committed: Callable[[], None] | None = None
    ) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._tx = _Immediately(connection)
        self._committed = committed

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    def cursor(self) -> _CursorOpening:
        return _CursorOpening(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await InlineCursor(self._conn.cursor()).execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()
        if self._committed is not None:
            self._committed()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value  # type: ignore[assignment]  # sqlite3 checks it

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction


class _CursorOpening:
    """`connection.cursor()`: awaitable, and an async context manager, as aiosqlite's is."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = InlineCursor(cursor)

    def __await__(self) -> Any:
        return self._ready().__await__()

    async def _ready(self) -> InlineCursor:
        return self._cursor

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *_: object) -> None:
        await self._cursor.close()


def creator(
    path: str, *, timeout: float = 30.0, committed: Callable[[], None] | None = None
) -> Callable[[], Awaitable[InlineSQLite]]:
    """An `async_creator` for `create_async_engine("sqlite+aiosqlite:///…")`; `committed` is
    called after each commit."""

    async def connect() -> InlineSQLite:
        # Only the event loop's thread ever uses it; SQLAlchemy's pool may close it elsewhere.
        raw = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
        return InlineSQLite(raw, committed)

    return connect
