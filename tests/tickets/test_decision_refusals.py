"""Escalations, hand-offs, CSAT and kudos: the wrong person or the wrong moment is refused
with a clear message, and nothing is written (a refused decision is audited, on purpose)."""

from __future__ import annotations

from datetime import timedelta

from supportbot.clock import FrozenClock
from supportbot.errors import (
    IllegalTransitionError,
    InvalidValueError,
    NotAllowedError,
)
from supportbot.store.db import Database
from supportbot.tickets import TicketService

from .support import refused


async def _escalated(tickets: TicketService, ticket: int, by: str = "ben") -> int:
    await tickets.claim(ticket_id=ticket, actor=by, source="slack")
    change = await tickets.request_escalation(
        ticket_id=ticket, actor=by, reason="customer is down", source="slack"
    )
    assert change.ref_id is not None
    return change.ref_id


# -- escalations -------------------------------------------------------------------------------
async def test_a_lead_cannot_approve_their_own_escalation(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    escalation = await _escalated(tickets, ticket, by="lena")

    refusal = await refused(
        database,
        lambda: tickets.decide_escalation(
            escalation_id=escalation, actor="lena", approve=True, source="slack"
        ),
        NotAllowedError,
        "you cannot decide your own escalation; another lead must",
        audited="escalation.refused",
    )
    assert refusal.new_events[0].data["escalation_id"] == escalation


async def test_a_non_lead_approving_is_refused_and_audited(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    escalation = await _escalated(tickets, ticket)
    message = "only leads of tier1 can approve or deny this escalation"

    refusal = await refused(
        database,
        lambda: tickets.decide_escalation(
            escalation_id=escalation, actor="aiko", approve=True, source="teams"
        ),
        NotAllowedError,
        message,
        audited="escalation.refused",
    )

    (audit,) = refusal.new_events
    assert (audit.ticket_id, audit.source) == (ticket, "teams")
    assert audit.data == {"escalation_id": escalation, "why": message}
    assert audit.actor_id is not None


async def test_the_lead_of_another_team_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    escalation = await _escalated(tickets, ticket)

    await refused(
        database,
        lambda: tickets.decide_escalation(
            escalation_id=escalation, actor="omar", approve=True, source="slack"
        ),
        NotAllowedError,
        "only leads of tier1 can approve or deny this escalation",
        audited="escalation.refused",
    )


async def test_once_raised_only_admins_decide(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    escalation = await _escalated(tickets, ticket)
    await tickets.raise_escalation_level(escalation_id=escalation, source="timer")

    await refused(
        database,
        lambda: tickets.decide_escalation(
            escalation_id=escalation, actor="lena", approve=True, source="slack"
        ),
        NotAllowedError,
        "only admins can approve or deny this escalation",
        audited="escalation.refused",
    )
    change = await tickets.decide_escalation(
        escalation_id=escalation, actor="adam", approve=True, source="slack"
    )
    assert change.happenings[0].trigger == "escalation.approved"


async def test_a_denial_needs_a_reason(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    escalation = await _escalated(tickets, ticket)

    await refused(
        database,
        lambda: tickets.decide_escalation(
            escalation_id=escalation, actor="lena", approve=False, source="slack", note=" "
        ),
        InvalidValueError,
        "a denial needs a reason the agent can read",
    )


async def test_deciding_twice_is_refused_and_names_the_first_decider(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    escalation = await _escalated(tickets, ticket)
    await tickets.decide_escalation(
        escalation_id=escalation, actor="lena", approve=True, source="slack"
    )

    await refused(
        database,
        lambda: tickets.decide_escalation(
            escalation_id=escalation, actor="lena", approve=False, source="slack", note="no"
        ),
        IllegalTransitionError,
        "this escalation was already approved by Lena Weber",
    )
    await refused(
        database,
        lambda: tickets.decide_escalation(
            escalation_id=escalation, actor="adam", approve=True, source="slack"
        ),
        IllegalTransitionError,
        "this escalation was already approved by Lena Weber",
    )


async def test_one_pending_escalation_at_a_time(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await _escalated(tickets, ticket)

    await refused(
        database,
        lambda: tickets.request_escalation(
            ticket_id=ticket, actor="ben", reason="still down", source="slack"
        ),
        IllegalTransitionError,
        f"#{ticket} already waits for an escalation decision",
    )


async def test_an_escalation_needs_a_reason(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await refused(
        database,
        lambda: tickets.request_escalation(ticket_id=ticket, actor="ben", reason="", source="x"),
        InvalidValueError,
        "an escalation needs a reason",
    )


# -- hand-offs ---------------------------------------------------------------------------------
async def test_a_handoff_to_an_unknown_department_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await refused(
        database,
        lambda: tickets.open_handoff(
            ticket_id=ticket, department="legal", note="", actor="ben", source="slack"
        ),
        InvalidValueError,
        "unknown department 'legal'; departments: engineering, sales, marketing",
    )


async def test_one_open_handoff_per_department(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await tickets.open_handoff(
        ticket_id=ticket, department="sales", note="quote", actor="ben", source="slack"
    )

    await refused(
        database,
        lambda: tickets.open_handoff(
            ticket_id=ticket, department="sales", note="again", actor="ben", source="slack"
        ),
        IllegalTransitionError,
        f"#{ticket} already has an open hand-off to sales",
    )


async def test_accepting_a_handoff_twice_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    opened = await tickets.open_handoff(
        ticket_id=ticket, department="engineering", note="500s", actor="ben", source="slack"
    )
    assert opened.ref_id is not None
    await tickets.accept_handoff(handoff_id=opened.ref_id, actor="eri", source="slack")

    await refused(
        database,
        lambda: tickets.accept_handoff(handoff_id=opened.ref_id or 0, actor="eri", source="x"),
        IllegalTransitionError,
        "the hand-off to engineering is already accepted",
    )


async def test_resolving_with_an_open_handoff_needs_force(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.open_handoff(
        ticket_id=ticket, department="engineering", note="500s", actor="ben", source="slack"
    )

    await refused(
        database,
        lambda: tickets.resolve(ticket_id=ticket, actor="ben", source="slack"),
        IllegalTransitionError,
        f"#{ticket} has an open hand-off to engineering; resolve again to confirm",
    )
    change = await tickets.resolve(ticket_id=ticket, actor="ben", source="slack", force=True)
    assert change.ticket.status == "resolved"


async def test_resolve_finds_open_handoffs_by_itself(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.open_handoff(
        ticket_id=ticket, department="engineering", note="500s", actor="ben", source="slack"
    )

    await refused(
        database,
        lambda: tickets.resolve(ticket_id=ticket, actor="ben", source="slack"),
        IllegalTransitionError,
        f"#{ticket} has an open hand-off to engineering; resolve again to confirm",
    )


# -- CSAT --------------------------------------------------------------------------------------
async def _polled(tickets: TicketService, clock: FrozenClock, ticket: int) -> int:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")
    await tickets.resolve(ticket_id=ticket, actor="ben", source="slack")
    change = await tickets.open_csat_poll(
        ticket_id=ticket, expires_at=clock.now() + timedelta(days=3), source="timer"
    )
    assert change.ref_id is not None
    return change.ref_id


async def test_a_csat_answer_after_expiry_is_refused(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    poll = await _polled(tickets, clock, ticket)
    clock.advance(timedelta(days=3))

    await refused(
        database,
        lambda: tickets.record_csat(poll_id=poll, actor=customer, score=5, source="slack"),
        IllegalTransitionError,
        "this survey has closed; thank you all the same",
    )


async def test_a_csat_answer_to_an_expired_poll_is_refused(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    poll = await _polled(tickets, clock, ticket)
    assert await tickets.expire_csat(poll_id=poll, source="timer")

    await refused(
        database,
        lambda: tickets.record_csat(poll_id=poll, actor=customer, score=4, source="slack"),
        IllegalTransitionError,
        "this survey has closed; thank you all the same",
    )


async def test_a_score_outside_one_to_five_is_refused(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int, customer: str
) -> None:
    poll = await _polled(tickets, clock, ticket)

    await refused(
        database,
        lambda: tickets.record_csat(poll_id=poll, actor=customer, score=6, source="slack"),
        InvalidValueError,
        "a score is a whole number from 1 to 5",
    )


async def test_a_ticket_is_polled_once(
    database: Database, tickets: TicketService, clock: FrozenClock, ticket: int
) -> None:
    await _polled(tickets, clock, ticket)

    await refused(
        database,
        lambda: tickets.open_csat_poll(
            ticket_id=ticket, expires_at=clock.now() + timedelta(days=1), source="timer"
        ),
        IllegalTransitionError,
        f"#{ticket} was already polled",
    )


# -- kudos -------------------------------------------------------------------------------------
async def test_self_kudos_are_refused(database: Database, tickets: TicketService) -> None:
    await refused(
        database,
        lambda: tickets.give_kudos(giver="ben", receiver="ben", reason="me", source="slack"),
        NotAllowedError,
        "kudos are for others; you cannot give yourself kudos",
    )


async def test_kudos_over_the_daily_limit_are_refused(
    database: Database, tickets: TicketService, clock: FrozenClock
) -> None:
    for receiver in ("aiko", "lena", "aiko"):  # daily_limit: 3
        await tickets.give_kudos(giver="ben", receiver=receiver, reason="thanks", source="x")
        clock.advance(timedelta(hours=1))

    await refused(
        database,
        lambda: tickets.give_kudos(giver="ben", receiver="omar", reason="thanks", source="x"),
        NotAllowedError,
        "you have given 3 kudos today; more tomorrow",
    )
    clock.advance(timedelta(hours=22))  # the first of the three is now a day old
    given = await tickets.give_kudos(giver="ben", receiver="omar", reason="thanks", source="x")
    assert given.happening.data["receiver"] == "omar"


async def test_kudos_need_a_reason(database: Database, tickets: TicketService) -> None:
    await refused(
        database,
        lambda: tickets.give_kudos(giver="ben", receiver="aiko", reason="", source="slack"),
        InvalidValueError,
        "say what the kudos are for",
    )


async def test_kudos_to_nobody_are_refused(database: Database, tickets: TicketService) -> None:
    await refused(
        database,
        lambda: tickets.give_kudos(giver="ben", receiver="zed", reason="thx", source="slack"),
        InvalidValueError,
        "nobody is called 'zed'",
    )
