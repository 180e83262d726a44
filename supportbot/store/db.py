"""The async engines and session factories, built once by the composition root.

PostgreSQL: one pooled engine; writers lock rows (`FOR UPDATE`, `SKIP LOCKED`), many at once.

SQLite allows one writer at a time. Connections that queue for it through `busy_timeout` sleep
in SQLite's busy handler in steps of up to 100 ms, so the desk keeps ONE writer connection and
queues for it in the event loop instead (`WriterGate`): short urgent writes (storing an event
before its ack, recording a delivery) go before the next turn. Reads use their own connections
and see the last committed state (WAL), never waiting for the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool

from supportbot.store import inline_sqlite
from supportbot.store.checkpoints import WAL_LIMIT, Checkpoints
from supportbot.store.models import Base

log = logging.getLogger(__name__)
STRAGGLER_WAIT = 2.0  # seconds `close` waits for reads still running to give back their connection
READ_ONLY = "supportbot.read_only"  # in `Session.info` of sessions that see committed rows only


class SessionFactory(Protocol):
    """What code that reads or writes asks for: `async_sessionmaker`, a gated one, or a turn's."""

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]: ...

    def begin(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class NestedWriteError(RuntimeError):
    """Code holding SQLite's writer asked for it again: it must use the session it has."""


class WriterGate:
    """Turns at SQLite's one writer connection, urgent ones first, then in arrival order."""

    def __init__(self) -> None:
        self._busy = False
        self._owner: asyncio.Task[Any] | None = None
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._urgent) + len(self._normal)

    @contextlib.asynccontextmanager
    async def hold(self, *, urgent: bool = False) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        task = asyncio.current_task()
        if self._owner is not None and self._owner is task:
            raise NestedWriteError("this task already holds the SQLite writer")
        if not self._busy:
            self._busy, self._owner = True, task
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._normal
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed the gate while being cancelled: pass it on
            elif waiter in queue:  # a release in between may have dropped it already
                queue.remove(waiter)
            raise
        self._owner = task

    def _release(self) -> None:
        self._owner = None
        for queue in (self._urgent, self._normal):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # the gate stays busy: it is handed over
                    return
        self._busy = False


class GatedSessions:
    """An `async_sessionmaker` whose sessions hold the writer gate while they live."""

    def __init__(
        self, maker: async_sessionmaker[AsyncSession], gate: WriterGate, *, urgent: bool = False
    ) -> None:
        self._maker = maker
        self._gate = gate
        self._urgent = urgent

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        async with self._gate.hold(urgent=self._urgent), self._maker() as session:
            yield session

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        async with self._gate.hold(urgent=self._urgent), self._maker.begin() as session:
            yield session


@dataclass(slots=True)
class Database:
    url: str
    engine: AsyncEngine  # writes (SQLite: its one writer connection)
    sessions: SessionFactory  # write transactions (SQLite: in turn at the writer)
    reads: SessionFactory  # sessions that only read committed rows
    urgent: SessionFactory  # short writes that go first (SQLite); the same as `sessions` else
    read_engine: AsyncEngine | None = None  # SQLite: the readers' own pool
    gate: WriterGate | None = None
    checkpoints: Checkpoints | None = None  # SQLite on a file: WAL checkpoints off the loop
    readers_out: int = 0  # SQLite: reader connections checked out of their pool now
    readers_idle: asyncio.Event = field(default_factory=asyncio.Event)  # when that is 0
    closed: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def sqlite_file(self) -> str | None:
        """SQLite on a file: its path; None for PostgreSQL and for SQLite in memory."""
        return self.checkpoints.path if self.checkpoints is not None else None

    async def create_all(self) -> None:
        """Create tables straight from the models (tests); production uses migrations."""
        async with self._writer() as conn:
            await conn.run_sync(Base.metadata.create_all)

    async def drop_all(self) -> None:
        async with self._writer() as conn:
            await conn.run_sync(Base.metadata.drop_all)

    @contextlib.asynccontextmanager
    async def _writer(self) -> AsyncIterator[Any]:
        async with contextlib.AsyncExitStack() as stack:
            if self.gate is not None:
                await stack.enter_async_context(self.gate.hold())
            yield await stack.enter_async_context(self.engine.begin())

    async def close(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not None:
            await self._readers_back(STRAGGLER_WAIT)
            self.closed = True  # a read that outlives this closes its connection on return
            await self.read_engine.dispose()
        if self.checkpoints is not None:
            await self.checkpoints.close()

    async def _readers_back(self, seconds: float) -> None:
        """Until every reader connection is back in the pool, for at most `seconds`.

        `dispose` closes the connections in the pool, not one a late read still holds (a task
        finishing at shutdown): given back afterwards, it would go to the pool `dispose` let
        go and be dropped unclosed with it, its aiosqlite thread still running (and warning).
        So `close` waits for it; one given back later still is closed on its return (`closed`).
        Closing it from here instead would race the pool's own close of it: aiosqlite's
        `close()` twice at once waits for ever on a thread that has ended."""
        if self.readers_out > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self.readers_idle.wait()
        if self.readers_out > 0:
            log.warning("closing the database while %d reads still run", self.readers_out)


def open_database(url: str, *, echo: bool = False) -> Database:
    if make_url(url).get_backend_name() != "sqlite":
        engine = create_async_engine(
            url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True
        )
        writes = async_sessionmaker(engine, expire_on_commit=False)
        reads = async_sessionmaker(engine, expire_on_commit=False, info={READ_ONLY: True})
        return Database(url, engine, writes, reads, writes)
    return _open_sqlite(url, echo)


def _open_sqlite(url: str, echo: bool) -> Database:
    single = {"poolclass": AsyncAdaptedQueuePool, "pool_size": 1, "max_overflow": 0}
    path = make_url(url).database or ""
    on_file = path not in ("", ":memory:") and not path.startswith("file::memory:")
    checkpoints = Checkpoints(path) if on_file else None
    committed = checkpoints.committed if checkpoints else None
    engine = create_async_engine(
        url, echo=echo, async_creator=inline_sqlite.creator(path, committed=committed), **single
    )
    # The desk's reads are point reads (a ticket, its links, a person) of a few microseconds:
    # inline as well, as the writer's are. Through aiosqlite each read session cost about
    # 1.3 ms of CPU against 0.3 ms inline (`bench/pipeline.py`). Reports, which may scan, open
    # their own threaded reader (`insights.reader.open_reader`).
    reader = create_async_engine(
        url, echo=echo, async_creator=inline_sqlite.creator(path),
        poolclass=AsyncAdaptedQueuePool, pool_size=4, max_overflow=4,
    )  # fmt: skip
    _configure_sqlite(engine, begin="BEGIN IMMEDIATE", checkpoints=checkpoints is not None)
    _configure_sqlite(reader, begin="BEGIN", query_only=True)
    gate = WriterGate()
    maker = async_sessionmaker(engine, expire_on_commit=False)
    reads = async_sessionmaker(reader, expire_on_commit=False, info={READ_ONLY: True})
    db = Database(
        url,
        engine,
        GatedSessions(maker, gate),
        reads,
        GatedSessions(maker, gate, urgent=True),
        read_engine=reader,
        gate=gate,
        checkpoints=checkpoints,
    )

    @event.listens_for(reader.sync_engine, "checkout")
    def _out(*_: Any) -> None:
        db.readers_out += 1
        db.readers_idle.clear()

    @event.listens_for(reader.sync_engine, "checkin")
    def _back(dbapi_connection: Any, _record: Any) -> None:
        db.readers_out = max(db.readers_out - 1, 0)
        if db.readers_out == 0:
            db.readers_idle.set()
        if db.closed and dbapi_connection is not None:  # given back after `close`: no pool
            with contextlib.suppress(Exception):  # keeps it; close it now, in its own task
                dbapi_connection.close()

    return db


def _configure_sqlite(
    engine: AsyncEngine, *, begin: str, query_only: bool = False, checkpoints: bool = False
) -> None:
    """WAL (readers beside the writer), `synchronous=NORMAL` (durable across a crash of the
    process, the usual WAL setting), foreign keys on, and our own BEGIN: the writer's is
    IMMEDIATE so a transaction never fails half-way to upgrade its lock. With `checkpoints`,
    the connection leaves WAL checkpoints to `Checkpoints` (never inside its commits)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if query_only:
            cursor.execute("PRAGMA query_only=ON")
        if checkpoints:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        driver = conn.connection.driver_connection
        if isinstance(driver, inline_sqlite.InlineSQLite):
            driver._conn.execute(begin)  # the writer's: no need for SQLAlchemy's machinery
        else:
            conn.exec_driver_sql(begin)
