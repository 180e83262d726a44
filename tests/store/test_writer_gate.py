"""The SQLite writer gate: a turn that is cancelled while it waits leaves the gate as it found
it and its cancellation reaches the caller, even when a release dropped its waiter first."""

from __future__ import annotations

import asyncio

import pytest

from supportbot.store.db import WriterGate


async def test_a_waiter_cancelled_after_a_release_dropped_it_is_still_cancelled() -> None:
    gate = WriterGate()
    entered = asyncio.Event()
    leave = asyncio.Event()
    doomed: list[asyncio.Task[None]] = []

    async def holder() -> None:
        async with gate.hold():
            entered.set()
            await leave.wait()
            for task in doomed:
                task.cancel()  # its future is cancelled now, the task resumes later …
        # … after this release has dropped the cancelled future and handed the gate on

    async def waiter() -> None:
        async with gate.hold():
            raise AssertionError("a cancelled waiter never holds the gate")

    first = asyncio.create_task(holder())
    await entered.wait()
    second = asyncio.create_task(waiter())
    third = asyncio.create_task(holder())
    await asyncio.sleep(0)
    assert gate.waiting == 2
    doomed.append(second)
    leave.set()
    await first
    with pytest.raises(asyncio.CancelledError):
        await second
    await third
    assert gate.waiting == 0
    async with gate.hold():  # free again
        pass
