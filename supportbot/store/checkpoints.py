"""SQLite's WAL checkpoints, off the event loop.

In WAL mode a commit appends to the `-wal` file; a checkpoint copies those pages back into the
database file and fsyncs it. SQLite runs one itself, inside the commit that crosses
`wal_autocheckpoint` pages (1,000 by default). The desk's writer commits in the event loop's
own thread (`inline_sqlite`), so that commit held the loop for the fsync: on the development
machine 50–150 ms every few hundred events, which every waiting acknowledgement paid (in-process,
events stored at 60 a second: ack p99 went from about 320 ms to about 70 ms without it).

So the writer turns automatic checkpoints off and this runs them instead: a PASSIVE checkpoint
(it never waits for, and never blocks, the writer or a reader) on a connection of its own in
a worker thread, at most once a second and only after commits, and a TRUNCATE one at close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time

log = logging.getLogger(__name__)

INTERVAL = 1.0  # seconds between checkpoints while the desk writes
WAL_LIMIT = 64 * 1024 * 1024  # the -wal file is cut back to this after a checkpoint


class Checkpoints:
    def __init__(self, path: str, *, interval: float = INTERVAL) -> None:
        self.path = path
        self.interval = interval
        self._connection: sqlite3.Connection | None = None
        self._running: asyncio.Future[None] | None = None
        self._last = time.monotonic()
        self._dirty = False

    def committed(self) -> None:
        """The writer committed (in the event loop's thread): checkpoint if it is time."""
        self._dirty = True
        now = time.monotonic()
        if now - self._last < self.interval or (self._running and not self._running.done()):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not in a loop (never the case for the desk's writer): the next one will
        self._last, self._dirty = now, False
        self._running = loop.run_in_executor(None, self._checkpoint, "PASSIVE")

    def _checkpoint(self, mode: str) -> None:
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
        except sqlite3.Error as exc:  # a busy or vanished file: the next commit tries again
            log.warning("SQLite checkpoint (%s) of %s failed: %s", mode, self.path, exc)

    async def idle(self) -> None:
        """Until the checkpoint that is running, if any, is over."""
        if self._running is not None:
            with contextlib.suppress(Exception):
                await self._running

    async def close(self) -> None:
        """After the writer closed: wait for a running checkpoint, then a last, whole one."""
        await self.idle()
        await asyncio.to_thread(self._checkpoint, "TRUNCATE")
        if self._connection is not None:
            self._connection.close()
            self._connection = None
