"""The clocks a ticket keeps for its SLA: first response, and the pause while waiting on the
customer."""

from __future__ import annotations

from datetime import timedelta

from supportbot.clock import FrozenClock
from supportbot.collab import clocks
from supportbot.tickets import TicketService


async def test_first_response_is_the_first_public_staff_reply(
    tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    start = clock.now()
    clock.advance(timedelta(minutes=5))
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.add_note(ticket_id=ticket, text="internal only", actor="ben", source="slack")
    await tickets.record_customer_message(
        ticket_id=ticket, text="hello?", actor=customer, source="slack"
    )
    assert (await tickets.get(ticket)).first_response_at is None

    clock.advance(timedelta(minutes=7))
    first = await tickets.record_reply(ticket_id=ticket, text="Hi", actor="ben", source="slack")
    clock.advance(timedelta(minutes=30))
    second = await tickets.record_reply(ticket_id=ticket, text="Fixed?", actor="aiko", source="x")

    assert first.ticket.first_response_at == start + timedelta(minutes=12)
    assert second.ticket.first_response_at == start + timedelta(minutes=12)
    assert first.happenings[0].data["first_response"] is True
    assert second.happenings[0].data["first_response"] is False


async def test_waiting_on_the_customer_pauses_the_sla_clock(
    tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    start = clock.now()
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    asked = await tickets.record_reply(
        ticket_id=ticket, text="Which URL?", actor="ben", source="slack", wait_for_customer=True
    )
    assert (asked.ticket.status, asked.ticket.waiting_since) == ("waiting", start)

    clock.advance(timedelta(minutes=10))
    answered = await tickets.record_customer_message(
        ticket_id=ticket, text="/invoices", actor=customer, source="slack"
    )
    assert (answered.ticket.status, answered.ticket.waiting_since) == ("assigned", None)
    assert answered.ticket.paused_seconds == 600

    clock.advance(timedelta(minutes=1))
    await tickets.wait_for_customer(ticket_id=ticket, actor="ben", source="slack")
    clock.advance(timedelta(minutes=5))
    resolved = await tickets.resolve(ticket_id=ticket, actor="ben", source="slack")

    assert resolved.ticket.paused_seconds == 600 + 300
    assert (resolved.ticket.status, resolved.ticket.waiting_since) == ("resolved", None)
    assert resolved.ticket.resolved_at == start + timedelta(minutes=16)


async def test_a_reply_while_waiting_keeps_the_pause_running(
    tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    start = clock.now()
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.wait_for_customer(ticket_id=ticket, actor="ben", source="slack")
    clock.advance(timedelta(minutes=3))
    nudge = await tickets.record_reply(
        ticket_id=ticket, text="Any news?", actor="ben", source="slack", wait_for_customer=True
    )
    assert (nudge.ticket.status, nudge.ticket.waiting_since) == ("waiting", start)

    clock.advance(timedelta(minutes=2))
    back = await tickets.record_customer_message(
        ticket_id=ticket, text="yes", actor=customer, source="slack"
    )
    assert back.ticket.paused_seconds == 300


async def test_unclaiming_a_waiting_ticket_keeps_the_pause(
    tickets: TicketService, clock: FrozenClock, ticket: int
) -> None:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.wait_for_customer(ticket_id=ticket, actor="ben", source="slack")
    clock.advance(timedelta(hours=2))

    released = await tickets.unclaim(ticket_id=ticket, actor="ben", source="slack")

    assert released.ticket.paused_seconds == 7200


async def test_a_reply_that_waits_on_the_customer_pauses_the_sla_deadlines_too(
    tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    """The SLA clocks read pauses from the audit: the reply that asks the customer writes a
    `waiting` row of its own, as `/support wait` does."""
    start = clock.now()
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.record_reply(
        ticket_id=ticket, text="Which URL?", actor="ben", source="slack", wait_for_customer=True
    )
    clock.advance(timedelta(minutes=10))
    await tickets.record_customer_message(
        ticket_id=ticket, text="/invoices", actor=customer, source="slack"
    )
    rows = await tickets.history(ticket, clocks.PAUSE_KINDS)
    assert clocks.pauses((r.kind, r.at) for r in rows) == [(start, start + timedelta(minutes=10))]
    created = await tickets.history(ticket, ["created"])
    assert {"priority", "team", "tags"} <= set(created[0].data)
