"""The durable inbox: an event is stored before the platform hears "got it".

`accept(event)` writes the event under its de-duplication key (platform, event id) in one
short write, group-committed with whatever else is being stored at that moment, and tells
whether it was new. Workers later take pending rows and run them; a row is `done` in the same
transaction as everything its turn changed, so a crash leaves it pending and it runs again.

Taking rows: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, and only the oldest pending row
of its ordering key (`key`), so replicas share the work and one conversation still runs in
order. On SQLite the one process owns the database and keeps that order in memory, and the
ack path stores events in the spool (`spool.py`), which the pipeline moves in here in batches:
the ack then never waits for a turn that holds SQLite's one writer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from supportbot import codec
from supportbot.clock import Clock
from supportbot.events import AnyEvent, ordering_key
from supportbot.pipeline.spool import Spool, SpooledEvent, spool_path
from supportbot.store import direct
from supportbot.store.batch import Batches, WriteBatcher
from supportbot.store.db import Database
from supportbot.store.models import InboxEvent

PENDING, DONE, FAILED = "pending", "done", "failed"
_STORE = direct.Direct("""
    INSERT INTO inbox (platform, event_id, kind, received_at, "key", payload, status, attempts)
    VALUES (:platform, :event_id, :kind, :received_at, :key, :payload, 'pending', 0)
    ON CONFLICT (platform, event_id) DO NOTHING RETURNING id""")
# PostgreSQL: every event waiting to be stored, in ONE statement (and one round trip, out of
# any transaction); a batch costs what one event costs. Its RETURNING names the new rows.
_STORE_MANY_PG = """
    INSERT INTO inbox (platform, event_id, kind, received_at, "key", payload, status, attempts)
    SELECT p, e, k, r, y, d::json, 'pending', 0
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
         WITH ORDINALITY AS t(p, e, k, r, y, d, n)
    ORDER BY n
    ON CONFLICT (platform, event_id) DO NOTHING RETURNING platform, event_id, id"""
PG_BATCH = 500
_TAKE = direct.Direct("SELECT id FROM inbox WHERE id = :row_id AND status = 'pending'")
# PostgreSQL: lock the row (other replicas skip it) if no earlier event of its key still waits.
_TAKE_FIRST_OF_KEY = direct.Direct("""
    SELECT i.id FROM inbox AS i WHERE i.id = :row_id AND i.status = 'pending'
    AND NOT EXISTS (SELECT 1 FROM inbox AS e
                    WHERE e."key" = i."key" AND e.id < i.id AND e.status = 'pending')
    FOR UPDATE OF i SKIP LOCKED""")
_DONE = direct.Direct("UPDATE inbox SET status = 'done', done_at = :at WHERE id = :row_id")


@dataclass(frozen=True, slots=True)
class Receipt:
    """What storing an event gave: its inbox row, or that it was a platform's retry."""

    row_id: int | None

    @property
    def duplicate(self) -> bool:
        return self.row_id is None


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    key: str
    event: AnyEvent
    attempts: int
    received_at: datetime


@dataclass(frozen=True, slots=True)
class InboxStats:
    depth: int
    oldest: datetime | None


class Inbox:
    def __init__(self, db: Database, clock: Clock, batcher: WriteBatcher) -> None:
        self.db = db
        self.clock = clock
        self._batcher = batcher
        self._spool_for = db.sqlite_file  # SQLite on a file: events go through the spool
        self._spool: Spool | None = None
        self._queued: Batches[dict[str, object], int | None] = Batches(
            self._insert_many, limit=PG_BATCH, name="inbox-store"
        )
        self._autocommit = db.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._acks: AsyncConnection | None = None  # PostgreSQL: the connection acks go through

    def _values(self, event: AnyEvent) -> dict[str, object]:
        return {
            "platform": event.platform,
            "event_id": event.event_id,
            "kind": type(event).__name__,
            "key": ordering_key(event)[:300],
            "payload": codec.encode_event(event),
            "received_at": self.clock.now(),
        }

    async def accept(self, event: AnyEvent) -> Receipt:
        """Store `event` in the inbox itself (PostgreSQL, SQLite in memory)."""
        values = self._values(event)
        if self.db.is_postgres:
            return Receipt(await self._accept_pg(values))

        async def store(s: AsyncSession) -> int | None:
            row_id: int | None = await direct.scalar(s, _STORE, values)
            return row_id

        return Receipt(await self._batcher.run(store))

    # -- PostgreSQL: group commit in one statement ------------------------------------------------
    async def _accept_pg(self, values: dict[str, object]) -> int | None:
        # Whatever waits when the last batch is stored goes in the next; if a batch fails,
        # none of its events is acknowledged: the platform sends them again.
        return await self._queued.put(values)

    async def _insert_many(self, batch: list[dict[str, object]]) -> list[int | None]:
        columns = [
            [direct.value(values[name], "postgresql") for values in batch]
            for name in ("platform", "event_id", "kind", "received_at", "key", "payload")
        ]
        acks = await self._ack_connection()
        try:
            found = await acks.fetch(_STORE_MANY_PG, *columns)
        except Exception:
            if not acks.is_closed():
                raise
            await self._drop_ack_connection()  # it went away while idle: once more, on a new one
            found = await (await self._ack_connection()).fetch(_STORE_MANY_PG, *columns)
        new = {(r[0], r[1]): int(r[2]) for r in found}
        ids: list[int | None] = []
        for values in batch:  # the same event twice in one batch: the first one is new
            ids.append(new.pop((values["platform"], values["event_id"]), None))
        return ids

    # -- the spool (SQLite on a file) ------------------------------------------------------------
    @property
    def spooling(self) -> bool:
        return self._spool_for is not None

    def spool(self) -> Spool:
        """The spool, opened on first use (a desk that never takes an event makes no file)."""
        if self._spool is None:
            assert self._spool_for is not None, "only SQLite on a file has a spool"
            self._spool = Spool(self._spool_for)
        return self._spool

    def spool_event(self, event: AnyEvent) -> Receipt:
        """Store `event` in the spool: no wait for the writer (the ack path)."""
        return Receipt(self.spool().put(self._values(event)))

    async def move(self, rows: list[SpooledEvent]) -> list[int | None]:
        """Spooled rows into the inbox, in one transaction: each one's inbox row, or None
        when the inbox had it already (a copy left by a crash, a platform's retry)."""

        async def store(s: AsyncSession) -> list[int | None]:
            return [await direct.scalar(s, _STORE, row.inbox_values()) for row in rows]

        return await self._batcher.run(store)

    async def _ack_connection(self) -> Any:
        """The asyncpg connection of the acks, held for the process: a batch is then one
        round trip. Through the pool each was three or four (pre-ping, the statement, the
        reset on return), each waiting for the event loop's turn while the desk is busy."""
        if self._acks is None or self._acks.invalidated or self._acks.closed:
            self._acks = await self._autocommit.connect()
        raw = await self._acks.get_raw_connection()
        return raw.driver_connection  # no transaction: each statement commits

    async def _drop_ack_connection(self) -> None:
        acks, self._acks = self._acks, None
        if acks is not None:
            with contextlib.suppress(Exception):  # closing a connection that is gone
                await acks.invalidate()
            with contextlib.suppress(Exception):
                await acks.close()

    async def close(self) -> None:
        await self._queued.close()
        if self._acks is not None:
            await self._drop_ack_connection()
        if self._spool is not None:
            await self._spool.close()
            self._spool = None

    # -- taking rows ---------------------------------------------------------------------------
    async def take(self, s: AsyncSession, row_id: int) -> bool:
        """In the caller's transaction: is row `row_id` pending and first in its key? On
        PostgreSQL it is then locked for this transaction (another replica skips it). On
        SQLite the one process keeps each key's order itself: pending is enough."""
        statement = _TAKE_FIRST_OF_KEY if self.db.is_postgres else _TAKE
        return await direct.scalar(s, statement, {"row_id": row_id}) is not None

    async def row(self, s: AsyncSession, row_id: int) -> InboxRow:
        found = (
            await s.execute(
                select(
                    InboxEvent.id,
                    InboxEvent.key,
                    InboxEvent.payload,
                    InboxEvent.attempts,
                    InboxEvent.received_at,
                ).where(InboxEvent.id == row_id)
            )
        ).one()
        return InboxRow(found[0], found[1], codec.decode_event(found[2]), found[3], found[4])

    async def pending(
        self,
        limit: int = 1000,
        *,
        received_before: datetime | None = None,
        skip: Collection[int] = (),
    ) -> list[InboxRow]:
        """Rows still to run, oldest first (a restart takes them up again); only those stored
        before `received_before`, and none of `skip` (decoding them would be wasted)."""
        query = select(InboxEvent.id).where(InboxEvent.status == PENDING)
        if received_before is not None:
            query = query.where(InboxEvent.received_at < received_before)
        async with self.db.reads() as s:
            ids = (await s.scalars(query.order_by(InboxEvent.id).limit(limit))).all()
            return [await self.row(s, i) for i in ids if i not in skip]

    # -- settling -------------------------------------------------------------------------------
    async def done(self, s: AsyncSession, row_id: int) -> None:
        """In the turn's own transaction: the row ran."""
        await direct.execute(s, _DONE, {"row_id": row_id, "at": self.clock.now()})

    async def failed(self, row_id: int, error: str, *, give_up: bool) -> None:
        """The turn failed (and was rolled back): count it, and stop after too many tries."""
        async with self.db.urgent.begin() as s:
            await s.execute(
                update(InboxEvent)
                .where(InboxEvent.id == row_id)
                .values(
                    attempts=InboxEvent.attempts + 1,
                    last_error=error[:2000],
                    status=FAILED if give_up else PENDING,
                )
            )

    async def stats(self) -> InboxStats:
        """Events still to run: pending in the inbox, or still in the spool."""
        async with self.db.reads() as s:
            depth, oldest = (
                await s.execute(
                    select(func.count(InboxEvent.id), func.min(InboxEvent.received_at)).where(
                        InboxEvent.status == PENDING
                    )
                )
            ).one()
        stats = InboxStats(int(depth or 0), _aware(oldest))
        if self._spool_for is not None and (
            self._spool is not None or spool_path(self._spool_for).exists()
        ):
            spooled, first = self.spool().stats()
            since = min((t for t in (stats.oldest, first) if t is not None), default=None)
            stats = InboxStats(stats.depth + spooled, since)
        return stats

    async def prune(self, older_than: timedelta) -> int:
        """Forget run events older than any platform retries (Slack: within the hour)."""
        async with self.db.sessions.begin() as s:
            result = await s.execute(
                delete(InboxEvent).where(
                    InboxEvent.status == DONE,
                    InboxEvent.received_at < self.clock.now() - older_than,
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
