"""Resolved tickets as the knowledge base reads them: question, answer, locale (read-only).

The answer is the last public reply before the ticket was resolved (`ticket_events` of kind
`reply`); internal notes never count, since what we learn from a ticket may be shown again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.knowledge.article import Locale, as_locale
from supportbot.store.models import Ticket, TicketEvent

CHUNK = 500  # ids per IN (…) list


@dataclass(frozen=True, slots=True)
class ResolvedTicket:
    number: int
    subject: str
    body: str
    locale: Locale
    tags: tuple[str, ...]
    category: str | None
    resolved_at: datetime | None
    answers: tuple[str, ...]  # the public replies, oldest first
    kind: str = "customer"  # customer | internal (an employee's request)

    @property
    def answer(self) -> str:
        return self.answers[-1] if self.answers else ""

    @property
    def question(self) -> str:
        return f"{self.subject}\n{self.body}".strip()


async def read_resolved(
    session: AsyncSession, *, since: datetime | None = None, limit: int = 20_000
) -> list[ResolvedTicket]:
    """Resolved tickets, newest first, with their public replies."""
    query = select(Ticket).where(Ticket.status == "resolved")
    if since is not None:
        query = query.where(Ticket.resolved_at >= since)
    rows = list(await session.scalars(query.order_by(Ticket.resolved_at.desc()).limit(limit)))
    replies = await _replies(session, [t.id for t in rows])
    return [_resolved(t, replies.get(t.id, ())) for t in rows]


async def read_ticket(session: AsyncSession, number: int) -> ResolvedTicket | None:
    """One ticket (in any state) in the same shape, for drafting an article from it."""
    ticket = await session.get(Ticket, number)
    if ticket is None:
        return None
    replies = await _replies(session, [ticket.id])
    return _resolved(ticket, replies.get(ticket.id, ()))


async def _replies(session: AsyncSession, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = (
            select(TicketEvent.ticket_id, TicketEvent.data)
            .where(TicketEvent.kind == "reply", TicketEvent.ticket_id.in_(chunk))
            .order_by(TicketEvent.at, TicketEvent.id)
        )
        for ticket_id, data in await session.execute(query):
            text = data.get("text") if isinstance(data, dict) else None
            if ticket_id is not None and isinstance(text, str) and text.strip():
                found.setdefault(ticket_id, []).append(text.strip())
    return {k: tuple(v) for k, v in found.items()}


def _resolved(t: Ticket, answers: tuple[str, ...]) -> ResolvedTicket:
    return ResolvedTicket(
        t.id,
        t.subject,
        t.body or "",
        as_locale(t.locale),
        tuple(t.tags or ()),
        t.category,
        t.resolved_at,
        answers,
        t.kind,
    )
