"""Building `TicketView` snapshots from rows (read side of the ticket service)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.store.models import Organization, Person, Ticket
from supportbot.tickets.view import PersonView, TicketView


async def person_view(session: AsyncSession, person_id: int | None) -> PersonView | None:
    if person_id is None:
        return None
    row = (
        await session.execute(
            select(Person, Organization)
            .outerjoin(Organization, Organization.id == Person.organization_id)
            .where(Person.id == person_id)
        )
    ).one()
    person, org = row
    return PersonView(
        handle=person.handle,
        name=person.name,
        locale=person.locale,
        organization=org.name if org else None,
        tier=org.tier if org else None,
    )


async def ticket_view(session: AsyncSession, t: Ticket) -> TicketView:
    requester = await person_view(session, t.requester_id)
    assert requester is not None  # requester_id is NOT NULL
    return TicketView(
        number=t.id,
        subject=t.subject,
        body=t.body,
        status=t.status,
        priority=t.priority,
        category=t.category,
        team=t.team,
        tags=tuple(t.tags or ()),
        kind=t.kind,
        locale=t.locale,
        requester=requester,
        assignee=await person_view(session, t.assignee_id),
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
