"""Group commit: writes queued together share one transaction, and a write that fails fails
only its own caller (the others are stored one by one); without a fallback every caller of a
failed batch gets its error (no ack for any of them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.store.batch import Batches, Write, WriteBatcher
from supportbot.store.db import open_database


async def test_one_failing_write_fails_only_its_caller(tmp_path: Path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    await db.create_all()
    batcher = WriteBatcher(db.urgent)
    try:
        async with db.sessions.begin() as s:
            await s.execute(text("CREATE TABLE notes (n INTEGER NOT NULL)"))

        def note(n: int | None) -> Write:
            async def write(s: AsyncSession) -> int | None:
                await s.execute(text("INSERT INTO notes (n) VALUES (:n)"), {"n": n})
                return n

            return write

        results: list[object] = await asyncio.gather(
            *(batcher.run(note(n)) for n in (1, None, 3)),
            return_exceptions=True,
        )
        assert results[0] == 1 and results[2] == 3
        assert isinstance(results[1], Exception)  # NOT NULL: its own error, nobody else's
        async with db.reads() as s:
            assert (await s.scalars(text("SELECT n FROM notes ORDER BY n"))).all() == [1, 3]
    finally:
        await batcher.close()
        await db.close()


async def test_without_a_fallback_a_failed_batch_fails_every_caller() -> None:
    sizes: list[int] = []

    async def store(items: list[int]) -> list[int]:
        sizes.append(len(items))
        if 0 in items:
            raise ValueError("refused")
        return [i * 10 for i in items]

    batches: Batches[int, int] = Batches(store, limit=10, name="test")
    first = await asyncio.gather(*(batches.put(i) for i in (1, 2, 3)))
    assert first == [10, 20, 30] and sizes == [3]  # queued together: one batch
    failed = await asyncio.gather(*(batches.put(i) for i in (4, 0)), return_exceptions=True)
    assert all(isinstance(r, ValueError) for r in failed)
    await batches.close()
    with pytest.raises(ValueError, match="refused"):
        await batches.put(0)
