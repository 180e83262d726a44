"""Reading the history in bulk, read-only: two streamed Core queries merged by ticket.

The tickets created in the window (with their requester and current assignee), and their audit
rows ordered by ticket and time, each streamed in partitions; no ORM objects, no per-ticket
queries. Plus the record of which workflow files were loaded when (`workflow_versions`).

Times and JSON are read as the driver gives them and converted here (`moment`, `document`):
the column types' own result processing (a regular expression per SQLite timestamp) was half
of the reading time. The values are the same as through the models.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from supportbot.store.db import Database
from supportbot.store.models import Organization, Person, Ticket, TicketEvent, WorkflowVersion
from supportbot.tickets.view import PersonView, TicketView
from supportbot.workflows.replay.history import Recorded, TicketHistory

PARTITION = 5000
Requester = aliased(Person)
Assignee = aliased(Person)
Actor = aliased(Person)


async def count_tickets(db: Database, since: datetime) -> int:
    async with db.reads() as session:
        found = await session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.created_at >= since)
        )
    return int(found or 0)


async def versions(db: Database) -> list[tuple[datetime, dict[str, Any]]]:
    """(loaded_at, files) of every recorded version, oldest first."""
    async with db.reads() as session:
        rows = await session.execute(
            select(WorkflowVersion.loaded_at, WorkflowVersion.files).order_by(
                WorkflowVersion.loaded_at, WorkflowVersion.id
            )
        )
        return [(at, dict(files or {})) for at, files in rows]


def _share(query: Any, part: tuple[int, int]) -> Any:
    index, parts = part
    return query.where(Ticket.id % parts == index) if parts > 1 else query


def moment(value: Any) -> datetime:
    """An aware UTC datetime from SQLite's text (stored in UTC) or PostgreSQL's timestamptz."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)  # type: ignore[no-any-return]


def maybe_moment(value: Any) -> datetime | None:
    return None if value is None else moment(value)


def document(value: Any) -> Any:
    """JSON from SQLite's text, or as asyncpg already decoded it."""
    if value == "{}":
        return {}  # most audit rows
    return json.loads(value) if isinstance(value, str) else value


def _raw(column: Any) -> Any:
    return type_coerce(column, String)


def _tickets_query(since: datetime) -> Any:
    t = Ticket
    return (
        select(
            t.id, t.subject, t.body, t.status, t.priority, t.category, t.team, _raw(t.tags),
            t.kind, t.locale, t.origin_platform, t.origin_channel, t.origin_thread,
            t.origin_message, _raw(t.created_at), _raw(t.updated_at), _raw(t.first_response_at),
            _raw(t.resolved_at), _raw(t.waiting_since), t.paused_seconds, t.reopen_count,
            t.callback_url,
            Requester.handle, Requester.name, Requester.locale, Organization.name,
            Organization.tier, Assignee.handle, Assignee.name, Assignee.locale,
        )
        .join(Requester, Requester.id == t.requester_id)
        .outerjoin(Organization, Organization.id == Requester.organization_id)
        .outerjoin(Assignee, Assignee.id == t.assignee_id)
        .where(t.created_at >= since)
        .order_by(t.id)
    )  # fmt: skip


def _events_query(since: datetime) -> Any:
    e = TicketEvent
    return (
        select(e.ticket_id, _raw(e.at), e.kind, e.source, Actor.handle, _raw(e.data))
        .join(Ticket, Ticket.id == e.ticket_id)
        .outerjoin(Actor, Actor.id == e.actor_id)
        .where(Ticket.created_at >= since)
        .order_by(e.ticket_id, e.at, e.id)
    )


def ticket_view(row: Sequence[Any]) -> TicketView:
    requester = PersonView(row[22], row[23], row[24], row[25], row[26])
    assignee = PersonView(row[27], row[28], row[29]) if row[27] is not None else None
    return TicketView(
        number=row[0], subject=row[1], body=row[2], status=row[3], priority=row[4],
        category=row[5], team=row[6], tags=tuple(document(row[7]) or ()), kind=row[8],
        locale=row[9], requester=requester, assignee=assignee, origin_platform=row[10],
        origin_channel=row[11], origin_thread=row[12], origin_message=row[13],
        created_at=moment(row[14]), updated_at=moment(row[15]),
        first_response_at=maybe_moment(row[16]), resolved_at=maybe_moment(row[17]),
        waiting_since=maybe_moment(row[18]), paused_seconds=row[19], reopen_count=row[20],
        callback_url=row[21],
    )  # fmt: skip


async def _rows(session: AsyncSession, query: Any) -> AsyncIterator[Sequence[Any]]:
    # Core on the session's connection: `session.stream` would run the ORM's row loading.
    connection = await session.connection()
    result = await connection.stream(query.execution_options(yield_per=PARTITION))
    async for partition in result.partitions():
        for row in partition:
            yield row


async def histories(
    db: Database, since: datetime, part: tuple[int, int] = (0, 1)
) -> AsyncIterator[TicketHistory]:
    """Every ticket created since `since` with its audit rows, in ticket order; with `part`
    (index, parts), only the tickets whose number is `index` modulo `parts`."""
    async with db.reads() as tickets_session, db.reads() as events_session:
        events = aiter(_rows(events_session, _share(_events_query(since), part)))
        ahead: Sequence[Any] | None = await anext(events, None)
        async for row in _rows(tickets_session, _share(_tickets_query(since), part)):
            ticket = ticket_view(row)
            mine: list[Recorded] = []
            while ahead is not None and ahead[0] <= ticket.number:
                if ahead[0] == ticket.number:
                    data = document(ahead[5]) or {}
                    mine.append(
                        Recorded(moment(ahead[1]), ahead[2], ahead[3] or "", ahead[4], data)
                    )
                ahead = await anext(events, None)
            yield TicketHistory(ticket, tuple(mine))
