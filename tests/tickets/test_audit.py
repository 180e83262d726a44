"""Every successful change writes exactly one audit row: who, what, when, from where."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from supportbot.clock import FrozenClock
from supportbot.store.db import Database
from supportbot.store.models import Person
from supportbot.tickets import TicketService

from .support import events, open_ticket

Step = Callable[[], Awaitable[Any]]


async def _handle_of(database: Database, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    async with database.sessions() as session:
        return await session.scalar(select(Person.handle).where(Person.id == person_id))


class Audit:
    """Runs one step and checks the single audit row it left."""

    def __init__(self, database: Database, clock: FrozenClock, ticket: int) -> None:
        self.database, self.clock, self.ticket = database, clock, ticket

    async def step(self, kind: str, actor: str | None, source: str, run: Step) -> Any:
        self.clock.advance(timedelta(minutes=1))
        before = {e.id for e in await events(self.database)}
        result = await run()
        new = [e for e in await events(self.database) if e.id not in before]
        assert [e.kind for e in new] == [kind]
        (row,) = new
        assert (row.ticket_id, row.source, row.at) == (self.ticket, source, self.clock.now())
        assert await _handle_of(self.database, row.actor_id) == actor
        return result


async def test_a_ticket_lifecycle_writes_one_row_per_change(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    audit = Audit(database, clock, ticket)
    t = ticket
    await audit.step(
        "claimed", "ben", "slack", lambda: tickets.claim(ticket_id=t, actor="ben", source="slack")
    )
    await audit.step(
        "priority_changed",
        "ben",
        "slack",
        lambda: tickets.set_priority(ticket_id=t, priority="P1", actor="ben", source="slack"),
    )
    await audit.step(
        "category_changed",
        None,
        "workflow:triage",
        lambda: tickets.set_category(
            ticket_id=t, category="billing", actor=None, source="workflow:triage"
        ),
    )
    await audit.step(
        "tagged",
        None,
        "workflow:triage",
        lambda: tickets.add_tags(
            ticket_id=t, tags=["outage"], actor=None, source="workflow:triage"
        ),
    )
    await audit.step(
        "routed",
        "lena",
        "teams",
        lambda: tickets.set_team(ticket_id=t, team="tier2", actor="lena", source="teams"),
    )
    await audit.step(
        "assigned",
        "omar",
        "teams",
        lambda: tickets.assign(ticket_id=t, assignee="ben", actor="omar", source="teams"),
    )
    await audit.step(
        "note",
        "ben",
        "slack",
        lambda: tickets.add_note(ticket_id=t, text="checking logs", actor="ben", source="slack"),
    )
    await audit.step(
        "reply",
        "ben",
        "slack",
        lambda: tickets.record_reply(ticket_id=t, text="On it", actor="ben", source="slack"),
    )
    await audit.step(
        "waiting",
        "ben",
        "slack",
        lambda: tickets.wait_for_customer(ticket_id=t, actor="ben", source="slack"),
    )
    await audit.step(
        "message",
        customer,
        "slack",
        lambda: tickets.record_customer_message(
            ticket_id=t, text="Still broken", actor=customer, source="slack"
        ),
    )
    await audit.step(
        "unclaimed",
        "ben",
        "slack",
        lambda: tickets.unclaim(ticket_id=t, actor="ben", source="slack"),
    )
    await audit.step(
        "claimed", "aiko", "teams", lambda: tickets.claim(ticket_id=t, actor="aiko", source="teams")
    )
    await audit.step(
        "resolved",
        "aiko",
        "teams",
        lambda: tickets.resolve(ticket_id=t, actor="aiko", source="teams"),
    )
    await audit.step(
        "reopened",
        customer,
        "slack",
        lambda: tickets.reopen(ticket_id=t, actor=customer, source="slack", reason="again"),
    )
    await audit.step(
        "resolved",
        "aiko",
        "teams",
        lambda: tickets.resolve(ticket_id=t, actor="aiko", source="teams"),
    )


async def test_escalations_and_handoffs_write_one_row_per_change(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int
) -> None:
    audit = Audit(database, clock, ticket)
    t = ticket
    await audit.step(
        "claimed", "ben", "slack", lambda: tickets.claim(ticket_id=t, actor="ben", source="slack")
    )
    asked = await audit.step(
        "escalation.requested",
        "ben",
        "slack",
        lambda: tickets.request_escalation(ticket_id=t, actor="ben", reason="down", source="slack"),
    )
    await audit.step(
        "escalation.raised",
        None,
        "timer",
        lambda: tickets.raise_escalation_level(escalation_id=asked.ref_id, source="timer"),
    )
    await audit.step(
        "escalation.denied",
        "adam",
        "teams",
        lambda: tickets.decide_escalation(
            escalation_id=asked.ref_id, actor="adam", approve=False, note="not yet", source="teams"
        ),
    )
    asked = await audit.step(
        "escalation.requested",
        "ben",
        "slack",
        lambda: tickets.request_escalation(
            ticket_id=t, actor="ben", reason="worse", source="slack", department="engineering"
        ),
    )
    await audit.step(
        "escalation.approved",
        "lena",
        "slack",
        lambda: tickets.decide_escalation(
            escalation_id=asked.ref_id, actor="lena", approve=True, source="slack"
        ),
    )
    handoff = await audit.step(
        "handoff.opened",
        None,
        "workflow:billing",
        lambda: tickets.open_handoff(
            ticket_id=t, department="sales", note="quote", actor=None, source="workflow:billing"
        ),
    )
    await audit.step(
        "handoff.accepted",
        "eri",
        "slack",
        lambda: tickets.accept_handoff(handoff_id=handoff.ref_id, actor="eri", source="slack"),
    )
    await audit.step(
        "handoff.closed",
        "eri",
        "slack",
        lambda: tickets.close_handoff(handoff_id=handoff.ref_id, actor="eri", source="slack"),
    )


async def test_csat_and_kudos_write_one_row_per_change(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    audit = Audit(database, clock, ticket)
    t = ticket
    await audit.step(
        "claimed", "ben", "slack", lambda: tickets.claim(ticket_id=t, actor="ben", source="slack")
    )
    await audit.step(
        "resolved",
        "ben",
        "slack",
        lambda: tickets.resolve(ticket_id=t, actor="ben", source="slack"),
    )
    poll = await audit.step(
        "csat.sent",
        None,
        "timer",
        lambda: tickets.open_csat_poll(
            ticket_id=t, expires_at=clock.now() + timedelta(days=3), source="timer"
        ),
    )
    await audit.step(
        "csat.received",
        customer,
        "slack",
        lambda: tickets.record_csat(poll_id=poll.ref_id, actor=customer, score=5, source="slack"),
    )
    await audit.step(
        "kudos.given",
        None,
        "workflow:five-stars",
        lambda: tickets.give_kudos(
            giver=None, receiver="ben", reason="5 stars", source="workflow:five-stars", ticket_id=t
        ),
    )
    await audit.step(
        "kudos.given",
        "lena",
        "slack",
        lambda: tickets.give_kudos(
            giver="lena", receiver="ben", reason="great save", source="slack", ticket_id=t
        ),
    )


async def test_expiring_a_poll_writes_one_row(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int
) -> None:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.resolve(ticket_id=ticket, actor="ben", source="slack")
    poll = await tickets.open_csat_poll(
        ticket_id=ticket, expires_at=clock.now() + timedelta(days=3), source="timer"
    )
    audit = Audit(database, clock, ticket)

    expired = await audit.step(
        "csat.expired",
        None,
        "timer",
        lambda: tickets.expire_csat(poll_id=poll.ref_id, source="timer"),
    )
    again = await tickets.expire_csat(poll_id=poll.ref_id or 0, source="timer")

    assert (expired, again) == (True, False)
    assert [e.kind for e in await events(database)][-1] == "csat.expired"


async def test_a_ticket_is_created_with_one_row(
    database: Database, tickets: TicketService, customer: str
) -> None:
    number = await open_ticket(tickets, customer)

    (row,) = await events(database)
    assert (row.ticket_id, row.kind, row.source) == (number, "created", "slack")
    assert await _handle_of(database, row.actor_id) == customer
