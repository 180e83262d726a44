"""Illegal steps on a ticket's lifecycle are refused with a clear message and write nothing.

Each test puts a ticket in some state, tries a step the state machine forbids, and checks the
exact English message and that every table is exactly as before (`support.refused`).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from supportbot.errors import (
    AlreadyClaimedError,
    IllegalTransitionError,
    InvalidValueError,
    NotAllowedError,
    TicketNotFoundError,
)
from supportbot.store.db import Database
from supportbot.tickets import TicketService
from supportbot.tickets.service import NewTicket

from .support import refused


async def _resolved(tickets: TicketService, ticket: int, by: str = "ben") -> None:
    await tickets.claim(ticket_id=ticket, actor=by, source="slack")
    await tickets.resolve(ticket_id=ticket, actor=by, source="slack")


async def test_claiming_a_resolved_ticket_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await _resolved(tickets, ticket)

    await refused(
        database,
        lambda: tickets.claim(ticket_id=ticket, actor="aiko", source="slack"),
        IllegalTransitionError,
        f"cannot claim #{ticket}: it is resolved",
    )


async def test_claiming_a_claimed_ticket_names_who_has_it(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")

    refusal = await refused(
        database,
        lambda: tickets.claim(ticket_id=ticket, actor="aiko", source="teams"),
        AlreadyClaimedError,
        f"#{ticket} is already claimed by Ben Carter",
    )
    assert refusal.error.values == {"number": ticket, "by": "Ben Carter"}


async def test_claiming_your_own_ticket_again_says_so(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")

    await refused(
        database,
        lambda: tickets.claim(ticket_id=ticket, actor="ben", source="slack"),
        AlreadyClaimedError,
        f"you already have #{ticket}",
    )


async def test_a_customer_cannot_claim(
    database: Database, tickets: TicketService, ticket: int, customer: str
) -> None:
    await refused(
        database,
        lambda: tickets.claim(ticket_id=ticket, actor=customer, source="slack"),
        NotAllowedError,
        "only support staff can claim tickets",
    )


async def test_claiming_a_missing_ticket_is_refused(
    database: Database, tickets: TicketService
) -> None:
    await refused(
        database,
        lambda: tickets.claim(ticket_id=404, actor="ben", source="slack"),
        TicketNotFoundError,
        "there is no ticket #404",
    )


async def test_only_the_assignee_or_a_lead_can_unclaim(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await tickets.claim(ticket_id=ticket, actor="ben", source="slack")

    await refused(
        database,
        lambda: tickets.unclaim(ticket_id=ticket, actor="aiko", source="slack"),
        NotAllowedError,
        f"only the assignee or a lead can unclaim #{ticket}",
    )
    # the lead of another team is "someone else" too
    await refused(
        database,
        lambda: tickets.unclaim(ticket_id=ticket, actor="omar", source="slack"),
        NotAllowedError,
        f"only the assignee or a lead can unclaim #{ticket}",
    )
    change = await tickets.unclaim(ticket_id=ticket, actor="lena", source="slack")
    assert (change.ticket.status, change.ticket.assignee) == ("new", None)


async def test_unclaiming_an_unclaimed_ticket_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await refused(
        database,
        lambda: tickets.unclaim(ticket_id=ticket, actor="ben", source="slack"),
        IllegalTransitionError,
        f"cannot release #{ticket}: it is new",
    )


async def test_replying_to_a_resolved_ticket_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await _resolved(tickets, ticket)

    await refused(
        database,
        lambda: tickets.record_reply(ticket_id=ticket, text="Hi", actor="ben", source="slack"),
        IllegalTransitionError,
        f"cannot reply on #{ticket}: it is resolved",
    )


async def test_a_customer_reply_is_not_a_staff_reply(
    database: Database, tickets: TicketService, ticket: int, customer: str
) -> None:
    await refused(
        database,
        lambda: tickets.record_reply(ticket_id=ticket, text="Hi", actor=customer, source="slack"),
        NotAllowedError,
        "only support staff can reply tickets",
    )


async def test_reopening_an_open_ticket_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await refused(
        database,
        lambda: tickets.reopen(ticket_id=ticket, actor="ben", source="slack"),
        IllegalTransitionError,
        f"cannot reopen #{ticket}: it is new",
    )


async def test_resolving_twice_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await _resolved(tickets, ticket)

    await refused(
        database,
        lambda: tickets.resolve(ticket_id=ticket, actor="ben", source="slack"),
        IllegalTransitionError,
        f"cannot resolve #{ticket}: it is resolved",
    )


async def test_waiting_on_the_customer_needs_an_assigned_ticket(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await refused(
        database,
        lambda: tickets.wait_for_customer(ticket_id=ticket, actor="ben", source="slack"),
        IllegalTransitionError,
        f"cannot set #{ticket} to waiting on the customer: it is new",
    )


async def test_a_bad_priority_is_refused(
    database: Database, tickets: TicketService, ticket: int, customer: str
) -> None:
    message = "priority must be one of P1, P2, P3, P4"
    await refused(
        database,
        lambda: tickets.set_priority(ticket_id=ticket, priority="P0", actor="ben", source="slack"),
        InvalidValueError,
        message,
    )
    new = NewTicket(requester=customer, subject="", body="x", origin_platform="slack")
    await refused(
        database,
        lambda: tickets.create(replace(new, priority="urgent"), source="slack"),
        InvalidValueError,
        message,
    )


async def test_an_unknown_team_is_refused(
    database: Database, tickets: TicketService, ticket: int, customer: str
) -> None:
    message = "unknown team 'vip'; teams: tier1, tier2, billing"
    await refused(
        database,
        lambda: tickets.set_team(ticket_id=ticket, team="vip", actor="ben", source="slack"),
        InvalidValueError,
        message,
    )
    new = NewTicket(requester=customer, subject="", body="x", origin_platform="slack", team="vip")
    await refused(database, lambda: tickets.create(new, source="slack"), InvalidValueError, message)


async def test_assigning_to_someone_off_the_staff_is_refused(
    database: Database, tickets: TicketService, ticket: int, customer: str
) -> None:
    await refused(
        database,
        lambda: tickets.assign(ticket_id=ticket, assignee=customer, actor="lena", source="slack"),
        InvalidValueError,
        f"{customer} is not on the support staff",
    )


async def test_an_empty_note_is_refused(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    await refused(
        database,
        lambda: tickets.add_note(ticket_id=ticket, text="  ", actor="ben", source="slack"),
        InvalidValueError,
        "a note needs some text",
    )


async def test_a_ticket_for_nobody_is_refused(database: Database, tickets: TicketService) -> None:
    new = NewTicket(requester="slack:U0NOBODY", subject="", body="x", origin_platform="slack")
    await refused(
        database,
        lambda: tickets.create(new, source="slack"),
        InvalidValueError,
        "nobody is called 'slack:U0NOBODY'",
    )


@pytest.mark.parametrize("step", ["claim", "reply", "resolve"])
async def test_the_refused_step_leaves_the_ticket_usable(
    tickets: TicketService, ticket: int, step: str
) -> None:
    """After a refusal the ticket still moves on normally (nothing half-locked)."""
    await _resolved(tickets, ticket)
    with pytest.raises(IllegalTransitionError):
        if step == "claim":
            await tickets.claim(ticket_id=ticket, actor="aiko", source="slack")
        elif step == "reply":
            await tickets.record_reply(ticket_id=ticket, text="x", actor="aiko", source="slack")
        else:
            await tickets.resolve(ticket_id=ticket, actor="aiko", source="slack")

    change = await tickets.reopen(ticket_id=ticket, actor="ben", source="slack", reason="again")

    assert (change.ticket.status, change.ticket.reopen_count) == ("assigned", 1)
