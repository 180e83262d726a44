"""Playground messages in the desk's database (table `playground_messages`)."""

from __future__ import annotations

from sqlalchemy import select

from supportbot.playground.store import Json, NewMessage, StoredMessage, dm_channel
from supportbot.store.db import SessionFactory
from supportbot.store.models import PlaygroundMessage, utcnow


class SqlMessageStore:
    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    async def add(self, new: NewMessage) -> StoredMessage:
        async with self.sessions.begin() as s:
            row = PlaygroundMessage(
                channel_id=new.channel_id,
                thread_id=new.thread_id,
                author=new.author,
                visible_to=new.visible_to,
                kind=new.kind,
                body=new.body,
            )
            s.add(row)
            await s.flush()
            return _stored(row)

    async def get(self, message_id: int) -> StoredMessage | None:
        async with self.sessions() as s:
            row = await s.get(PlaygroundMessage, message_id)
            return _stored(row) if row else None

    async def replace_body(self, message_id: int, body: Json) -> StoredMessage | None:
        async with self.sessions.begin() as s:
            row = await s.get(PlaygroundMessage, message_id)
            if row is None:
                return None
            row.body, row.updated_at = body, utcnow()
            return _stored(row)

    async def remove(self, message_id: int) -> None:
        async with self.sessions.begin() as s:
            row = await s.get(PlaygroundMessage, message_id)
            if row is not None:
                await s.delete(row)

    async def history(self, persona: str, limit: int) -> list[StoredMessage]:
        m = PlaygroundMessage
        query = (
            select(m)
            .where(m.kind == "message")
            .where((m.visible_to.is_(None)) | (m.visible_to == persona))
            .where(~m.channel_id.startswith("dm:") | (m.channel_id == dm_channel(persona)))
            .order_by(m.id.desc())
            .limit(limit)
        )
        async with self.sessions() as s:
            rows = (await s.scalars(query)).all()
        return [_stored(r) for r in reversed(rows)]


def _stored(row: PlaygroundMessage) -> StoredMessage:
    return StoredMessage(
        id=row.id,
        channel_id=row.channel_id,
        thread_id=row.thread_id,
        author=row.author,
        visible_to=row.visible_to,
        kind=row.kind,
        body=dict(row.body),
        created_at=row.created_at,
    )
