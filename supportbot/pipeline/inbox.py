"""The durable inbox: an event is stored before the platform hears "got it".

`accept(event)` writes the event under its de-duplication key (platform, event id) in one
short write, group-committed with whatever else is being stored at that moment, and tells
whether it was new. Workers later take pending rows and run them; a row is `done` in the same
transaction as everything its turn changed, so a crash leaves it pending and it runs again.

Taking rows: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, and only the oldest pending row
of its ordering key (`key`), so replicas share the work and one conversation still runs in
order. On SQLite the one process owns the database and keeps that order in memory.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot import codec
from supportbot.clock import Clock
from supportbot.events import AnyEvent, ordering_key
from supportbot.store import direct
from supportbot.store.batch import WriteBatcher
from supportbot.store.db import Database
from supportbot.store.models import InboxEvent

PENDING, DONE, FAILED = "pending", "done", "failed"
_STORE = direct.Direct("""
    INSERT INTO inbox (platform, event_id, kind, received_at, "key", payload, status, attempts)
    VALUES (:platform, :event_id, :kind, :received_at, :key, :payload, 'pending', 0)
    ON CONFLICT (platform, event_id) DO NOTHING RETURNING id""")
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

    async def accept(self, event: AnyEvent) -> Receipt:
        values = {
            "platform": event.platform,
            "event_id": event.event_id,
            "kind": type(event).__name__,
            "key": ordering_key(event)[:300],
            "payload": codec.encode_event(event),
            "received_at": self.clock.now(),
        }

        async def store(s: AsyncSession) -> int | None:
            row_id: int | None = await direct.scalar(s, _STORE, values)
            return row_id

        return Receipt(await self._batcher.run(store))

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
        async with self.db.reads() as s:
            depth, oldest = (
                await s.execute(
                    select(func.count(InboxEvent.id), func.min(InboxEvent.received_at)).where(
                        InboxEvent.status == PENDING
                    )
                )
            ).one()
        return InboxStats(int(depth or 0), _aware(oldest))

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
