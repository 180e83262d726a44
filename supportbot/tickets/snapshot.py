"""Building `TicketView` snapshots from rows (read side of the ticket service)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.people import People
from supportbot.store.models import Ticket
from supportbot.tickets.states import Status
from supportbot.tickets.view import TicketView


async def ticket_view(session: AsyncSession, t: Ticket, people: People) -> TicketView:
    """The ticket as it stands in `session` (people come from memory once known)."""
    return TicketView(
        number=t.id,
        subject=t.subject,
        body=t.body,
        status=Status(t.status),
        priority=t.priority,
        category=t.category,
        team=t.team,
        tags=tuple(t.tags or ()),
        kind=t.kind,
        locale=t.locale,
        requester=await people.view(session, t.requester_id),
        assignee=await people.view(session, t.assignee_id) if t.assignee_id else None,
        origin_platform=t.origin_platform,
        origin_channel=t.origin_channel,
        origin_thread=t.origin_thread,
        origin_message=t.origin_message,
        created_at=t.created_at,
        updated_at=t.updated_at,
        first_response_at=t.first_response_at,
        resolved_at=t.resolved_at,
        waiting_since=t.waiting_since,
        paused_seconds=t.paused_seconds,
        reopen_count=t.reopen_count,
        callback_url=t.callback_url,
    )
