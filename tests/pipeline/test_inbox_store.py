"""Storing events before their ack, many at once: each new event gets exactly one inbox row,
in the order the events came, and a platform's retry (in the same burst or later) gets none.
On PostgreSQL a burst is stored by one statement; on SQLite by one transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from supportbot.clock import FrozenClock
from supportbot.events import Actor, ConversationRef, MessageReceived
from supportbot.pipeline.inbox import Inbox
from supportbot.store.batch import WriteBatcher
from supportbot.store.db import Database
from supportbot.store.models import InboxEvent


def _event(n: int) -> MessageReceived:
    return MessageReceived(
        event_id=f"Ev{n:04d}",
        actor=Actor("slack", f"U{n % 7}", f"Customer {n % 7}"),
        conversation=ConversationRef("slack", "C0CUSTOMERS", None),
        text=f"message {n}",
        message_id=f"{n}.0001",
    )


async def test_a_burst_is_stored_once_each_in_order_and_retries_are_known(
    database: Database,
) -> None:
    inbox = Inbox(
        database, FrozenClock(datetime(2026, 12, 1, tzinfo=UTC)), WriteBatcher(database.urgent)
    )
    try:
        first = await inbox.accept(_event(0))
        assert not first.duplicate

        burst = [_event(n) for n in range(1, 41)] + [_event(5), _event(0)]  # two retries in it
        receipts = await asyncio.gather(*(inbox.accept(e) for e in burst))
        new = [r.row_id for r in receipts[:40]]
        assert all(row_id is not None for row_id in new)
        assert new == sorted(new) and len(set(new)) == 40  # one row each, in arrival order
        assert [r.duplicate for r in receipts[40:]] == [True, True]
        assert (await inbox.accept(_event(17))).duplicate  # a retry after the burst

        async with database.reads() as s:
            stored = await s.scalar(select(func.count(InboxEvent.id)))
            texts = (await s.scalars(select(InboxEvent.payload).order_by(InboxEvent.id))).all()
        assert stored == 41
        pending = await inbox.pending()
        assert [row.event.event_id for row in pending] == [f"Ev{n:04d}" for n in range(41)]
        assert all(isinstance(t, dict) for t in texts)  # the payload is JSON, as the ORM reads it
    finally:
        await inbox.close()  # its held connection (PostgreSQL) goes back


async def test_acks_outlive_the_loss_of_their_connection(database: Database) -> None:
    """PostgreSQL: the acks' held connection is cut (a server restart, an idle timeout): the
    next event is stored on a new one, not refused."""
    if not database.is_postgres:
        return  # SQLite acks write the spool, a file: no connection to lose
    inbox = Inbox(
        database, FrozenClock(datetime(2026, 12, 1, tzinfo=UTC)), WriteBatcher(database.urgent)
    )
    try:
        assert (await inbox.accept(_event(1))).row_id is not None
        async with database.engine.connect() as conn:
            cut = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND query LIKE '%INSERT INTO inbox%'"
                )
            )
        assert cut == 1
        assert (await inbox.accept(_event(2))).row_id is not None
        async with database.reads() as s:
            assert await s.scalar(select(func.count(InboxEvent.id))) == 2
    finally:
        await inbox.close()


async def test_an_ack_cancelled_while_storing_loses_nobody_elses(database: Database) -> None:
    """PostgreSQL: an ack is cancelled while its event is being stored (its request went
    away): it gets no 200, so the platform sends it again; the events queued behind it are
    still stored and acknowledged, and the event ends up stored once."""
    if not database.is_postgres:
        return  # SQLite acks write the spool in one synchronous call: nothing to cancel
    inbox = Inbox(
        database, FrozenClock(datetime(2026, 12, 1, tzinfo=UTC)), WriteBatcher(database.urgent)
    )
    try:
        assert (await inbox.accept(_event(0))).row_id is not None  # the connection is open
        async with database.engine.connect() as blocker:
            await blocker.execute(text("LOCK TABLE inbox IN EXCLUSIVE MODE"))  # INSERTs wait
            first = asyncio.create_task(inbox.accept(_event(1)))
            await asyncio.sleep(0.3)  # its INSERT waits for the lock
            second = asyncio.create_task(inbox.accept(_event(2)))
            await asyncio.sleep(0.1)  # queued behind it
            first.cancel()
            await asyncio.sleep(0.1)
            await blocker.rollback()  # the lock goes
        with pytest.raises(asyncio.CancelledError):
            await first
        assert (await asyncio.wait_for(second, 10)).row_id is not None
        retry = await inbox.accept(_event(1))  # the platform sends the unacknowledged one again
        async with database.reads() as s:
            ids = (await s.scalars(select(InboxEvent.event_id).order_by(InboxEvent.id))).all()
        assert sorted(ids) == ["Ev0000", "Ev0001", "Ev0002"], ids
        assert retry.row_id is not None or retry.duplicate
    finally:
        await inbox.close()
