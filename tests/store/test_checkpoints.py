"""SQLite's WAL is checkpointed off the event loop: the writer never checkpoints inside a
commit (which fsyncs), a worker thread does, and closing leaves no `-wal` behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from supportbot.store.db import open_database
from supportbot.store.models import Organization


def _in_the_file_itself(path: Path) -> int:
    """Rows in the database file proper, ignoring the WAL (only what was checkpointed)."""
    with sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM organizations").fetchone()[0])


async def test_commits_reach_the_file_through_checkpoints_the_writer_does_not_run(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.db"
    db = open_database(f"sqlite+aiosqlite:///{path}")
    assert db.checkpoints is not None
    db.checkpoints.interval = 0.0  # after every commit (once a second in production)
    try:
        await db.create_all()
        async with db.sessions.begin() as s:
            assert (await s.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 0
        for n in range(20):
            async with db.sessions.begin() as s:
                s.add(Organization(name=f"org {n}"))
            await db.checkpoints.idle()
        assert _in_the_file_itself(path) >= 19  # the last commit's checkpoint may still run
        assert (tmp_path / "desk.db-wal").stat().st_size > 0
    finally:
        await db.close()
    assert _in_the_file_itself(path) == 20
    wal = tmp_path / "desk.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


async def test_an_in_memory_database_has_no_checkpoints() -> None:
    db = open_database("sqlite+aiosqlite:///:memory:")
    try:
        assert db.checkpoints is None
    finally:
        await db.close()
