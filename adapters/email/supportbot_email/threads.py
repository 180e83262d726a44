"""What the adapter remembers about mail threads, in the core's `conversation_refs` table.

    thread:<root Message-ID>  → the customer, the subject, the References chain, the charset
    sent:<our Message-ID>     → the root of the thread we sent it in

so a reply that names any mail of the thread (`In-Reply-To`, `References`) finds it, and the
next mail we send carries the right headers. No table of our own, so no migration: the same
rows the Teams adapter keeps its conversation references in (platform `email`). Which ticket a
thread belongs to is the core's knowledge (`ticket_threads`, kind `requester`): read, never
written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.store.db import SessionFactory
from supportbot.store.models import (
    ConversationReference,
    Ticket,
    TicketEvent,
    TicketThread,
    utcnow,
)
from supportbot_email import ids
from supportbot_email.settings import PLATFORM

MAX_REFERENCES = 20  # RFC 5322 §3.6.4 allows trimming; keep the root and the newest


@dataclass(frozen=True, slots=True)
class MailThread:
    root: str  # the Message-ID of the mail that opened it: the core's thread id
    address: str  # the support address it was written to
    customer: str  # who we answer
    name: str = ""
    subject: str = ""
    references: tuple[str, ...] = ()
    last_inbound: str = ""  # the customer's newest mail: what our next mail replies to
    charset: str | None = None  # the customer's (we answer in ISO-2022-JP when they wrote it)
    locale: str | None = None

    def heard(self, message_id: str, *, inbound: bool) -> MailThread:
        """The thread after one more mail (theirs or ours)."""
        chain = (
            (*self.references, message_id) if message_id not in self.references else self.references
        )
        if len(chain) > MAX_REFERENCES:
            chain = (chain[0], *chain[-(MAX_REFERENCES - 1) :])
        return replace(
            self, references=chain, last_inbound=message_id if inbound else self.last_inbound
        )

    def encode(self) -> dict[str, Any]:
        data = asdict(self)
        data["references"] = list(self.references)
        return data

    @classmethod
    def decode(cls, data: dict[str, Any]) -> MailThread:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["references"] = tuple(fields.get("references") or ())
        return cls(**fields)


class ThreadStore:
    """Reads and upserts `conversation_refs` rows; one short transaction per call."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    async def save(self, thread: MailThread) -> None:
        await self._put({f"thread:{thread.root}": thread.encode()})

    async def sent(self, thread: MailThread, message_id: str) -> MailThread:
        """Remember a mail we sent in `thread`; return the thread that now includes it."""
        after = thread.heard(message_id, inbound=False)
        await self._put(
            {f"sent:{message_id}": {"thread": thread.root}, f"thread:{thread.root}": after.encode()}
        )
        return after

    async def get(self, root: str) -> MailThread | None:
        found = await self._get([f"thread:{root}"])
        data = found.get(f"thread:{root}")
        return MailThread.decode(data) if data else None

    async def find(self, message_ids: Sequence[str]) -> MailThread | None:
        """The thread any of `message_ids` belongs to (the first that is known)."""
        keys = [f"{kind}:{m}" for m in message_ids for kind in ("thread", "sent")]
        found = await self._get(keys)
        for key in keys:
            data = found.get(key)
            if data and key.startswith("thread:"):
                return MailThread.decode(data)
            if data and isinstance(data.get("thread"), str):
                return await self.get(data["thread"])
        return None

    async def find_sent(self, message_ids: Sequence[str]) -> MailThread | None:
        """The thread of the first of `message_ids` that is a mail we sent."""
        keys = [f"sent:{m}" for m in message_ids]
        found = await self._get(keys)
        for key in keys:
            root = found.get(key, {}).get("thread")
            if isinstance(root, str):
                return await self.get(root)
        return None

    async def ticket_of(self, thread: MailThread) -> int | None:
        async with self.sessions() as session:
            return await session.scalar(
                select(TicketThread.ticket_id)
                .where(
                    TicketThread.platform == PLATFORM,
                    TicketThread.channel_id == thread.address,
                    TicketThread.thread_id == thread.root,
                    TicketThread.kind == "requester",
                )
                .limit(1)
            )

    async def root_of_ticket(self, number: int) -> str | None:
        async with self.sessions() as session:
            return await session.scalar(
                select(TicketThread.thread_id)
                .where(
                    TicketThread.ticket_id == number,
                    TicketThread.platform == PLATFORM,
                    TicketThread.kind == "requester",
                )
                .order_by(TicketThread.id)
                .limit(1)
            )

    async def handed_over(self, address: str, root: str) -> MailThread | None:
        """The thread `/support email` opened (audited `channel.moved` on its ticket), before
        its first mail: the customer's address is in the audit row, nowhere else yet."""
        async with self.sessions() as session:
            number = await session.scalar(
                select(TicketThread.ticket_id)
                .where(
                    TicketThread.platform == PLATFORM,
                    TicketThread.channel_id == address,
                    TicketThread.thread_id == root,
                    TicketThread.kind == "requester",
                )
                .limit(1)
            )
            ticket = await session.get(Ticket, number) if number is not None else None
            if ticket is None:
                return None
            rows = await session.scalars(
                select(TicketEvent.data)
                .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "channel.moved")
                .order_by(TicketEvent.id)
            )
            moved = next((d for d in rows if d.get("thread") == root), None)
        if moved is None or not isinstance(moved.get("address"), str):
            return None
        return MailThread(
            root=root,
            address=address,
            customer=moved["address"],
            name=str(moved.get("name") or ""),
            subject=ids.bare_subject(ticket.subject),
            locale=moved.get("locale") or ticket.locale,
        )

    async def _get(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        async with self.sessions() as session:
            rows = await session.execute(
                select(ConversationReference.key, ConversationReference.reference).where(
                    ConversationReference.platform == PLATFORM,
                    ConversationReference.key.in_(wanted),
                )
            )
            return {str(key): dict(value) for key, value in rows}

    async def _put(self, rows: dict[str, dict[str, Any]]) -> None:
        async with self.sessions.begin() as session:
            for key, value in rows.items():
                await session.execute(_upsert(session, key, value))


def _upsert(session: AsyncSession, key: str, reference: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT DO UPDATE: race-free across replicas on SQLite and PostgreSQL."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"platform": PLATFORM, "key": key, "reference": reference, "updated_at": utcnow()}
    statement = dialect.insert(ConversationReference).values(**values)
    return statement.on_conflict_do_update(
        index_elements=["platform", "key"],
        set_={"reference": statement.excluded.reference, "updated_at": values["updated_at"]},
    )
