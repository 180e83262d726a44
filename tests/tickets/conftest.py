"""A customer and a fresh ticket of theirs, on top of the root fixtures."""

from __future__ import annotations

import pytest

from supportbot.store.db import Database
from supportbot.tickets import TicketService

from .support import add_customer, open_ticket


@pytest.fixture
async def customer(database: Database, tickets: TicketService) -> str:
    return await add_customer(database, tickets)


@pytest.fixture
async def ticket(tickets: TicketService, customer: str) -> int:
    """A new (unclaimed) ticket in tier1, the default team."""
    return await open_ticket(tickets, customer)
