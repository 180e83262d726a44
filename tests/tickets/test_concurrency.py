"""Twenty agents press "Claim" on the same ticket at once: exactly one gets it.

Each claim runs in its own session and transaction, all started together by
`asyncio.gather`. PostgreSQL serializes them with
`SELECT … FOR UPDATE`; SQLite with `BEGIN IMMEDIATE` (see `store.db`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from supportbot.config import Config
from supportbot.errors import AlreadyClaimedError
from supportbot.store.db import Database
from supportbot.tickets import TicketChange, TicketService

from .support import events

AGENTS = [f"agent{n:02}" for n in range(1, 21)]


@pytest.fixture
def config(make_config: Any) -> Config:
    """The test desk plus twenty agents on tier1."""
    base = make_config()
    crowd = [
        {"id": handle, "name": f"Agent {handle[-2:]}", "roles": ["agent"], "teams": ["tier1"]}
        for handle in AGENTS
    ]
    return make_config(people=[p.model_dump() for p in base.people] + crowd)


async def test_twenty_concurrent_claims_have_one_winner(
    database: Database, tickets: TicketService, ticket: int
) -> None:
    outcomes = await _claim_all(tickets, ticket)

    winners = [o for o in outcomes if isinstance(o, TicketChange)]
    losers = [o for o in outcomes if isinstance(o, AlreadyClaimedError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 19, outcomes
    winner = winners[0].ticket.assignee
    assert winner is not None and winner.handle in AGENTS
    assert {str(e) for e in losers} == {f"#{ticket} is already claimed by {winner.name}"}
    assert {e.values["by"] for e in losers} == {winner.name}

    claimed = await events(database, "claimed")
    assert len(claimed) == 1
    stored = await tickets.get(ticket)
    assert (stored.status, stored.assignee) == ("assigned", winner)


async def _claim_all(tickets: TicketService, ticket: int) -> list[Any]:
    return await asyncio.gather(
        *(tickets.claim(ticket_id=ticket, actor=a, source="slack") for a in AGENTS),
        return_exceptions=True,
    )
