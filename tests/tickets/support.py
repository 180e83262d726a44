"""Helpers for the ticket-service tests: customers, tickets in a given state, and a snapshot
of every row in the database to prove a refused step wrote nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from supportbot.errors import TicketError
from supportbot.events import Actor
from supportbot.store.db import Database
from supportbot.store.models import Base, TicketEvent
from supportbot.tickets import TicketService
from supportbot.tickets.service import NewTicket

CUSTOMER = Actor("slack", "U0CUSTOMER1", "Carol Customer", organization="T0CUSTOMERORG")
Snapshot = dict[str, list[tuple[Any, ...]]]


async def add_customer(database: Database, tickets: TicketService, actor: Actor = CUSTOMER) -> str:
    """A customer as the desk meets them: created from a platform actor; returns the handle."""
    async with database.sessions.begin() as session:
        person = await tickets.people.resolve(session, actor)
        return person.handle


async def open_ticket(
    tickets: TicketService, requester: str, *, text: str = "Our invoices page returns a 500"
) -> int:
    change = await tickets.create(
        NewTicket(
            requester=requester,
            subject="",
            body=text,
            origin_platform="slack",
            origin_channel="C0ACMESHARED",
            origin_message="1763800000.000100",
        ),
        source="slack",
    )
    return change.ticket.number


async def snapshot(database: Database) -> Snapshot:
    """Every row of every table, in key order."""
    rows: Snapshot = {}
    async with database.sessions() as session:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(r) for r in (await session.execute(query)).all()]
    return rows


async def events(database: Database, kind: str | None = None) -> list[TicketEvent]:
    async with database.sessions() as session:
        query = select(TicketEvent).order_by(TicketEvent.id)
        if kind is not None:
            query = query.where(TicketEvent.kind == kind)
        return list((await session.scalars(query)).all())


async def event_count(database: Database) -> int:
    async with database.sessions() as session:
        return await session.scalar(select(func.count(TicketEvent.id))) or 0


@dataclass(frozen=True, slots=True)
class Refusal:
    error: TicketError
    new_events: list[TicketEvent]


async def refused(
    database: Database,
    step: Callable[[], Awaitable[Any]],
    error: type[TicketError],
    message: str,
    *,
    audited: str | None = None,
) -> Refusal:
    """Run `step`, expect `error` whose English text is exactly `message`, and prove that
    nothing in the database changed — except one audit row of kind `audited`, when given."""
    before = await snapshot(database)
    with pytest.raises(error) as caught:
        await step()
    assert type(caught.value) is error
    assert str(caught.value) == message
    after = await snapshot(database)
    new_events = await _new_events(database, before)
    if audited is None:
        assert after == before, _changed_tables(before, after)
    else:
        assert [e.kind for e in new_events] == [audited]
        after["ticket_events"] = after["ticket_events"][:-1]
        assert after == before, _changed_tables(before, after)
    return Refusal(caught.value, new_events)


async def _new_events(database: Database, before: Snapshot) -> list[TicketEvent]:
    known = {row[0] for row in before["ticket_events"]}
    return [e for e in await events(database) if e.id not in known]


def _changed_tables(before: Snapshot, after: Snapshot) -> str:
    changed = [name for name in before if before[name] != after.get(name)]
    return f"the refused step changed {', '.join(changed)}"
