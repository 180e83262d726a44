"""Conversation references: what the bot must remember to post somewhere later (proactively).

Teams lets a bot post only where it has been: each inbound activity names the service URL, the
bot's own account and the tenant for its conversation. We keep the newest serialized
`ConversationReference` per conversation id (the thread-less channel id too) and, for personal
chats, per user id (both the `29:` id and the Azure AD object id), which is how a proactive DM
finds its user. Rows live in `conversation_refs` (platform `teams`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.store.db import SessionFactory
from supportbot.store.models import ConversationReference, utcnow
from supportbot_teams.ids import PLATFORM

Reference = dict[str, Any]  # ConversationReference.serialize(): camelCase wire keys


class ReferenceStore:
    """Reads and upserts `conversation_refs` rows; one short transaction per call."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions
        self._saved: dict[str, Reference] = {}  # what this process last wrote, per key

    async def save(self, reference: Reference, keys: Iterable[str]) -> None:
        """Upsert `reference` under each key; keys whose reference is unchanged cost nothing
        (every activity carries one, and it rarely changes)."""
        unique = [k for k in dict.fromkeys(keys) if k and self._saved.get(k) != reference]
        if not unique:
            return
        async with self.sessions.begin() as session:
            for key in unique:
                await session.execute(_upsert(session, key, reference))
        self._saved.update(dict.fromkeys(unique, reference))

    async def get(self, key: str) -> Reference | None:
        async with self.sessions() as session:
            row = await session.scalar(
                select(ConversationReference.reference).where(
                    ConversationReference.platform == PLATFORM, ConversationReference.key == key
                )
            )
        return dict(row) if row else None

    async def latest(self) -> Reference | None:
        """The most recently refreshed reference (its service URL, bot and tenant serve a
        conversation we have no reference for yet, such as a configured support channel)."""
        async with self.sessions() as session:
            row = await session.scalar(
                select(ConversationReference.reference)
                .where(ConversationReference.platform == PLATFORM)
                .order_by(ConversationReference.updated_at.desc(), ConversationReference.id.desc())
                .limit(1)
            )
        return dict(row) if row else None


def _upsert(session: AsyncSession, key: str, reference: Reference) -> Any:
    """INSERT … ON CONFLICT DO UPDATE: race-free across replicas on SQLite and PostgreSQL."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"platform": PLATFORM, "key": key, "reference": reference, "updated_at": utcnow()}
    statement = dialect.insert(ConversationReference).values(**values)
    return statement.on_conflict_do_update(
        index_elements=["platform", "key"],
        set_={"reference": statement.excluded.reference, "updated_at": values["updated_at"]},
    )
