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

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from supportbot import codec
from supportbot.clock import Clock
from supportbot.events import AnyEvent, ordering_key
from supportbot.store.batch import WriteBatcher
from supportbot.store.db import Database
from supportbot.store.models import InboxEvent
from supportbot.store.sql import insert_ignoring

PENDING, DONE, FAILED = "pending", "done", "failed"


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
            "status": PENDING,
            "attempts": 0,
            "received_at": self.clock.now(),
        }

        async def store(s: AsyncSession) -> int | None:
            statement = insert_ignoring(s, InboxEvent, ["platform", "event_id"]).values(values)
            row_id: int | None = await s.scalar(statement.returning(InboxEvent.id))
            return row_id

        return Receipt(await self._batcher.run(store))

    # -- taking rows ---------------------------------------------------------------------------
    async def take(self, s: AsyncSession, row_id: int) -> bool:
        """In the caller's transaction: is row `row_id` pending and first in its key? On
        PostgreSQL it is then locked for this transaction (another replica skips it)."""
        head = self._heads().where(InboxEvent.id == row_id)
        return await s.scalar(head) is not None

    async def take_any(self, s: AsyncSession, *, received_before: datetime) -> InboxRow | None:
        """The oldest pending row of any key (not one a live replica is running), locked."""
        query = (
            self._heads()
            .where(InboxEvent.received_at < received_before)
            .order_by(InboxEvent.id)
            .limit(1)
        )
        row_id = await s.scalar(query)
        return await self.row(s, row_id) if row_id is not None else None

    def _heads(self) -> Any:
        earlier = aliased(InboxEvent)
        first_of_key = ~exists().where(
            and_(
                earlier.key == InboxEvent.key,
                earlier.id < InboxEvent.id,
                earlier.status == PENDING,
            )
        )
        query = select(InboxEvent.id).where(InboxEvent.status == PENDING, first_of_key)
        if self.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        return query

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

    async def pending(self, limit: int = 1000) -> list[InboxRow]:
        """Rows still to run, oldest first (a restart takes them up again)."""
        async with self.db.reads() as s:
            ids = (
                await s.scalars(
                    select(InboxEvent.id)
                    .where(InboxEvent.status == PENDING)
                    .order_by(InboxEvent.id)
                    .limit(limit)
                )
            ).all()
            return [await self.row(s, i) for i in ids]

    # -- settling -------------------------------------------------------------------------------
    async def done(self, s: AsyncSession, row_id: int) -> None:
        """In the turn's own transaction: the row ran."""
        await s.execute(
            update(InboxEvent)
            .where(InboxEvent.id == row_id)
            .values(status=DONE, done_at=self.clock.now())
        )

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
