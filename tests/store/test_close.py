"""Closing the database leaves no connection open, also one a late read still held while the
desk shut down (a task finishing its read at shutdown): `close` waits, briefly, for it to be
given back, then closes the pool with it. aiosqlite keeps a thread per connection: one given
back to a pool `dispose` had let go would be dropped unclosed (and warn, `ResourceWarning`)."""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from supportbot.store.db import STRAGGLER_WAIT, Database, open_database


def _drivers(db: Database) -> list[Any]:
    """The reader connections the pool makes from now on (aiosqlite's, inside SQLAlchemy's)."""
    made: list[Any] = []
    assert db.read_engine is not None
    event.listen(
        db.read_engine.sync_engine, "connect", lambda c, _r: made.append(c.driver_connection)
    )
    return made


async def _late_reader(db: Database, holding: asyncio.Event, release: asyncio.Event) -> None:
    async with db.reads() as s:
        await s.execute(text("SELECT 1"))
        holding.set()
        await release.wait()  # still reading while the desk closes


async def test_a_read_finishing_during_close_leaves_no_connection_open(tmp_path: Path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    await db.create_all()
    made = _drivers(db)
    holding, release = asyncio.Event(), asyncio.Event()
    reader = asyncio.create_task(_late_reader(db, holding, release))
    await holding.wait()
    assert made and db.readers_out == 1
    asyncio.get_running_loop().call_later(0.2, release.set)  # done while `close` waits
    started = time.monotonic()
    await db.close()
    assert time.monotonic() - started < STRAGGLER_WAIT  # it waited for the read, not longer
    await reader
    assert all(getattr(d, "_connection", None) is None for d in made)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del reader
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


async def test_a_read_that_never_ends_does_not_hold_up_close_for_long(tmp_path: Path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    await db.create_all()
    holding, release = asyncio.Event(), asyncio.Event()
    reader = asyncio.create_task(_late_reader(db, holding, release))
    await holding.wait()
    started = time.monotonic()
    await asyncio.wait_for(db.close(), STRAGGLER_WAIT + 5)
    assert time.monotonic() - started >= STRAGGLER_WAIT * 0.9  # it waited, then gave up
    release.set()
    await asyncio.wait_for(reader, 5)  # the read ends normally afterwards
