"""Where playground messages live: a small port with an in-memory and a database implementation.

The playground is a chat platform of its own, so it must remember what was said in its channels
the way Slack would. The store keeps the neutral `Message` (or open `Form`) as JSON; rendering
happens when a browser asks, so history follows the current directory and templates.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

Json = dict[str, Any]
BOT = "bot"  # the author id of everything the desk posts


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    channel_id: str
    thread_id: str | None
    author: str  # a person id, or BOT
    visible_to: str | None  # an ephemeral message or open form is shown to this person only
    kind: str  # "message" or "form"
    body: Json
    created_at: datetime

    @property
    def message_id(self) -> str:
        return str(self.id)

    def shown_to(self, persona: str) -> bool:
        if self.visible_to is not None and self.visible_to != persona:
            return False
        return not self.channel_id.startswith("dm:") or self.channel_id == dm_channel(persona)


@dataclass(frozen=True, slots=True)
class NewMessage:
    channel_id: str
    author: str
    body: Json
    thread_id: str | None = None
    visible_to: str | None = None
    kind: str = "message"


def dm_channel(person: str) -> str:
    return f"dm:{person}"


class MessageStore(Protocol):
    async def add(self, new: NewMessage) -> StoredMessage: ...

    async def get(self, message_id: int) -> StoredMessage | None: ...

    async def replace_body(self, message_id: int, body: Json) -> StoredMessage | None: ...

    async def remove(self, message_id: int) -> None: ...

    async def history(self, persona: str, limit: int) -> list[StoredMessage]:
        """The newest `limit` messages (not forms) `persona` may see, oldest first."""
        ...


class MemoryMessageStore:
    """For tests and for running without the playground table."""

    def __init__(self) -> None:
        self._rows: dict[int, StoredMessage] = {}
        self._ids = itertools.count(1)

    async def add(self, new: NewMessage) -> StoredMessage:
        row = StoredMessage(
            id=next(self._ids),
            channel_id=new.channel_id,
            thread_id=new.thread_id,
            author=new.author,
            visible_to=new.visible_to,
            kind=new.kind,
            body=new.body,
            created_at=datetime.now(UTC),
        )
        self._rows[row.id] = row
        return row

    async def get(self, message_id: int) -> StoredMessage | None:
        return self._rows.get(message_id)

    async def replace_body(self, message_id: int, body: Json) -> StoredMessage | None:
        row = self._rows.get(message_id)
        if row is None:
            return None
        self._rows[message_id] = row = replace(row, body=body)
        return row

    async def remove(self, message_id: int) -> None:
        self._rows.pop(message_id, None)

    async def history(self, persona: str, limit: int) -> list[StoredMessage]:
        rows = [r for r in self._rows.values() if r.kind == "message" and r.shown_to(persona)]
        return rows[-limit:]
