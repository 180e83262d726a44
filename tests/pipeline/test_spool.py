"""On SQLite the ack path stores an event in the spool, never waiting for the writer: a turn
that holds the writer does not hold up the ack. Spooled events move to the inbox in order and
run once, also after a crash left them in the spool, or left a copy in both."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from supportbot.events import ConversationRef, MessageReceived
from supportbot.pipeline.runner import Pipeline
from supportbot.pipeline.spool import spool_path
from supportbot.testing import DeskHarness
from tests.shipped import shipped_desk


def _message(h: DeskHarness, n: int) -> MessageReceived:
    return MessageReceived(
        event_id=f"spooled-{n}",
        actor=h.actor(f"customer{n}", f"Customer {n}"),
        conversation=ConversationRef("chat", "customers", None),
        text=f"Our export number {n} fails with an error",
        message_id=f"msg-spooled-{n}",
    )


@pytest.fixture
async def held(tmp_path: Path) -> AsyncIterator[tuple[DeskHarness, asyncio.Event]]:
    """A desk whose SQLite writer is held (as by a long turn) until the event is set."""
    async with shipped_desk(tmp_path) as h:
        release = asyncio.Event()
        holding = asyncio.Event()
        gate = h.desk.db.gate
        assert gate is not None

        async def long_turn() -> None:
            async with gate.hold():
                holding.set()
                await release.wait()

        task = asyncio.create_task(long_turn())
        await holding.wait()
        yield h, release
        release.set()
        await task


def _pipeline(h: DeskHarness) -> Pipeline:
    assert isinstance(h.desk.pipeline, Pipeline)
    return h.desk.pipeline


async def test_the_ack_path_does_not_wait_for_a_turn_holding_the_writer(
    held: tuple[DeskHarness, asyncio.Event],
) -> None:
    h, release = held
    pipeline = _pipeline(h)
    receipts = [await asyncio.wait_for(h.desk.accept(_message(h, n)), 2.0) for n in (1, 2)]
    assert not any(r.duplicate for r in receipts)
    # A platform's retry while the first copy waits in the spool: recognised.
    assert (await h.desk.accept(_message(h, 1))).duplicate
    stats = await pipeline.inbox.stats()
    assert stats.depth == 2 and stats.oldest is not None  # /metrics and /healthz see them
    assert await h.desk.tickets.list(open_only=False) == []  # the writer is still held

    release.set()
    await pipeline.drain()
    tickets = await h.desk.tickets.list(open_only=False)
    assert sorted(t.subject for t in tickets) == [
        "Our export number 1 fails with an error",
        "Our export number 2 fails with an error",
    ]
    assert (await pipeline.inbox.stats()).depth == 0
    # A retry after the event moved on to the inbox (and ran): still recognised.
    assert (await h.desk.accept(_message(h, 2))).duplicate


async def test_what_a_crash_left_in_the_spool_runs_after_the_restart_once(
    tmp_path: Path,
) -> None:
    async with shipped_desk(tmp_path) as h:
        gate = h.desk.db.gate
        assert gate is not None
        async with gate.hold():  # the writer busy: the events stay in the spool
            for n in (1, 2, 3):
                assert not (await h.desk.accept(_message(h, n))).duplicate
            await _pipeline(h).stop()  # the process dies: nothing moved
    spool = spool_path(str(tmp_path / "desk.db"))
    with sqlite3.connect(spool) as conn:
        assert conn.execute("SELECT count(*) FROM spool").fetchone()[0] == 3

    async with shipped_desk(tmp_path) as h:
        pipeline = _pipeline(h)
        await pipeline.recover()
        await pipeline.drain()
        tickets = await h.desk.tickets.list(open_only=False)
        assert len(tickets) == 3
        # A crash between the inbox's commit and the spool's clean-up leaves a copy in both:
        # the copy moves again and is dropped by the inbox's key, it never runs twice.
        await _copy_inbox_row_into_spool(tmp_path / "desk.db", spool, "spooled-1")
        assert await pipeline.poll() == 0
        await pipeline.drain()
        assert len(await h.desk.tickets.list(open_only=False)) == 3
        assert (await pipeline.inbox.stats()).depth == 0


async def _copy_inbox_row_into_spool(database: Path, spool: Path, event_id: str) -> None:
    with sqlite3.connect(database) as desk:
        row = desk.execute(
            'SELECT platform, event_id, kind, received_at, "key", payload FROM inbox '
            "WHERE event_id = ?",
            (event_id,),
        ).fetchone()
    assert row is not None
    with sqlite3.connect(spool) as conn:
        conn.execute(
            'INSERT INTO spool (platform, event_id, kind, received_at, "key", payload) '
            "VALUES (?, ?, ?, ?, ?, ?)",
            (row[0], row[1], row[2], row[3].replace(" ", "T") + "+00:00", row[4], row[5]),
        )
