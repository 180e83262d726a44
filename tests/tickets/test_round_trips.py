"""A customer's first message reads them from the database once: every later view of the
ticket in the same turn (each workflow, the card, the courier) takes the person the turn
already has, and so no autoflush splits the ticket's changes into one UPDATE per field."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect

from supportbot.store.db import Database
from supportbot.store.models import Ticket
from supportbot.tickets import TicketService
from supportbot.tickets.service import NewTicket
from tests.shipped import shipped_desk


async def test_a_new_requesters_first_ticket_reads_them_once(tmp_path: Path) -> None:
    async with shipped_desk(tmp_path) as h:
        await h.say("customers", "first", "Warming up: the export fails", name="First")
        statements: Counter[str] = Counter()

        def seen(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            words = statement.split()
            statements[
                " ".join(
                    words[:3]
                    if words[0] != "SELECT"
                    else ["SELECT", *[w for w in words if w.startswith("people.")][:1]]
                )
            ] += 1

        engines = [h.desk.db.engine, h.desk.db.read_engine]
        for engine in engines:
            event.listen(engine.sync_engine, "before_cursor_execute", seen)
        await h.say("customers", "newcomer", "Our export fails with error 500", name="New")
        for engine in engines:
            event.remove(engine.sync_engine, "before_cursor_execute", seen)

        [ticket] = [t for t in await h.desk.tickets.list() if t.requester.name == "New"]
        assert ticket.team is not None
        people_reads = sum(n for s, n in statements.items() if s.startswith("SELECT people."))
        assert 1 <= people_reads <= 2, statements  # by identity, then by handle: never per view
        ticket_updates = statements["UPDATE tickets SET"]
        assert 1 <= ticket_updates <= 2, statements  # triage's fields together, then assignment


async def test_a_new_ticket_is_in_its_session_with_every_column(
    tickets: TicketService, database: Database, customer: str
) -> None:
    """`TicketService.create` writes the row itself and makes the ORM object from the same
    values: every column must be loaded (an expired one would be read again, or fail)."""
    async with database.sessions.begin() as s:
        change = await tickets.within(s).create(
            NewTicket(requester=customer, subject="", body="x", origin_platform="slack"),
            source="test",
        )
        held = await s.get(Ticket, change.ticket.number)  # from the session: no statement
        assert held is not None
        assert inspect(held).unloaded == set()
        assert held.body == "x" and held.version == 1 and held.status == "new"
