"""SQLite's ack path: an event is stored in a file of its own, never waiting for the writer.

On SQLite one connection writes the desk's database, and a turn holds it from its first
statement to its commit. An event stored in the same database waits for that turn (tens of
milliseconds under load), and so does Slack's ack. The spool is a second SQLite file beside
the database (`<database>.spool`) with one table and one connection, used only in the event
loop's thread: storing an event there is one INSERT and one commit (WAL, `synchronous=NORMAL`:
no fsync, durable across a crash of the process, as the database is), microseconds.

Events move from the spool to the inbox in batches (`take` → insert into `inbox` in one
transaction of the writer → `remove`), in the order they were stored. A crash after the inbox
commit and before `remove` leaves rows that move again; the inbox's unique key (platform,
event id) drops them then, so nothing runs twice and nothing stored is lost.

A platform's retry is recognised while the first copy waits in the spool (its unique key) and
after it moved (`seen` looks in the inbox through the same connection, read-only).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportbot import codec
from supportbot.events import AnyEvent
from supportbot.store.checkpoints import WAL_LIMIT, Checkpoints

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at TEXT NOT NULL,
    "key" TEXT NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (platform, event_id)
)"""
_PUT = """INSERT INTO spool (platform, event_id, kind, received_at, "key", payload)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, event_id) DO NOTHING RETURNING id"""
_IN_INBOX = "SELECT 1 FROM desk.inbox WHERE platform = ? AND event_id = ?"


@dataclass(frozen=True, slots=True)
class SpooledEvent:
    id: int
    platform: str
    event_id: str
    kind: str
    received_at: datetime
    key: str
    payload: str  # the event's JSON, as the inbox stores it

    def event(self) -> AnyEvent:
        return codec.decode_event(json.loads(self.payload))

    def inbox_values(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "event_id": self.event_id,
            "kind": self.kind,
            "received_at": self.received_at,
            "key": self.key,
            "payload": self.payload,
        }


def spool_path(database: str) -> Path:
    return Path(f"{database}.spool")


class Spool:
    """The spool file and its one connection (the event loop's thread only). WAL checkpoints
    run off the loop, as the database's do (`Checkpoints`)."""

    def __init__(self, database: str) -> None:
        self.path = spool_path(database)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self._conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
        self._conn.execute(_SCHEMA)
        # The desk's database, only read: a retry of an event that moved on already.
        self._conn.execute("ATTACH DATABASE ? AS desk", (str(Path(database).resolve()),))
        self.checkpoints = Checkpoints(str(self.path))

    def put(self, values: dict[str, Any]) -> int | None:
        """Store an event; None when it is stored already (here or in the inbox)."""
        platform, event_id = values["platform"], values["event_id"]
        if self._seen(platform, event_id):
            return None
        received: datetime = values["received_at"]
        row = self._conn.execute(
            _PUT,
            (
                platform,
                event_id,
                values["kind"],
                received.astimezone(UTC).isoformat(),
                values["key"],
                json.dumps(values["payload"]),
            ),
        ).fetchone()
        self.checkpoints.committed()
        return None if row is None else int(row[0])

    def _seen(self, platform: str, event_id: str) -> bool:
        try:
            return self._conn.execute(_IN_INBOX, (platform, event_id)).fetchone() is not None
        except sqlite3.OperationalError:  # no inbox table yet (the schema is being made)
            return False

    def take(self, limit: int = 500) -> list[SpooledEvent]:
        rows = self._conn.execute(
            'SELECT id, platform, event_id, kind, received_at, "key", payload FROM spool '
            "ORDER BY id LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            SpooledEvent(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]), r[5], r[6])
            for r in rows
        ]

    def remove(self, ids: list[int]) -> None:
        """Forget rows the inbox holds now (after its commit)."""
        if ids:
            self._conn.execute(f"DELETE FROM spool WHERE id IN ({','.join('?' * len(ids))})", ids)
            self.checkpoints.committed()

    def stats(self) -> tuple[int, datetime | None]:
        count, oldest = self._conn.execute(
            "SELECT count(*), min(received_at) FROM spool"
        ).fetchone()
        return int(count), None if oldest is None else datetime.fromisoformat(oldest)

    async def close(self) -> None:
        self._conn.close()
        await self.checkpoints.close()
