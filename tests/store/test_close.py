"""Closing the database closes every connection it opened, also a reader's that a task still
held while the desk shut down (a read finishing late, a session closing in the background
after its task was cancelled). aiosqlite keeps a thread per connection: one left open when
its pool is garbage-collected would outlive the desk (and warns, `ResourceWarning`)."""

from __future__ import annotations

import asyncio
import gc
import warnings
from pathlib import Path

from sqlalchemy import text

from supportbot.store.db import open_database


async def test_a_read_still_running_at_close_leaves_no_connection_open(tmp_path: Path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    await db.create_all()
    holding, release = asyncio.Event(), asyncio.Event()

    async def late_reader() -> None:
        async with db.reads() as s:
            await s.execute(text("SELECT 1"))
            holding.set()
            await release.wait()  # still reading while the desk closes
        # the session gives its connection back to the pool `close` has already disposed

    reader = asyncio.create_task(late_reader())
    await holding.wait()
    drivers = set(db.opened)
    assert drivers, "the reader's connection is tracked"
    await db.close()
    release.set()
    await reader
    assert all(getattr(d, "_connection", None) is None for d in drivers)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del reader, drivers
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
