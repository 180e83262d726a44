"""`supportbot workflows replay --since 30d`: which workflows the current files would run on past
tickets and events. Evaluates conditions only: nothing is written, nothing is sent.

Conditions see each ticket as it is now (the database keeps no earlier snapshots) and the time
of the original event, so `business_hours` and `ticket.age` answer as they would have then.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from supportbot.clock import FrozenClock, SystemClock
from supportbot.config import Config
from supportbot.happenings import TRIGGERS, Happening
from supportbot.people import People
from supportbot.store.db import open_database
from supportbot.store.models import Person, TicketEvent
from supportbot.tickets import TicketService
from supportbot.tickets.errors import TicketNotFoundError
from supportbot.workflows.facts import Facts
from supportbot.workflows.loader import load_workflows, references_for
from supportbot.workflows.registry import default_registry

# Audit kinds (what the ticket service writes) → the trigger they correspond to.
KIND_TO_TRIGGER = {
    "created": "ticket.created",
    "claimed": "ticket.claimed",
    "assigned": "ticket.assigned",
    "priority_changed": "ticket.priority_changed",
    "resolved": "ticket.resolved",
    "reopened": "ticket.reopened",
    "message": "message.received",
} | {t: t for t in TRIGGERS}


async def replay(config: Config, directory: Path, since: timedelta, out: TextIO) -> int:
    refs, problems = references_for(config, directory)
    result = load_workflows([directory], registry=default_registry(), refs=refs)
    if problems or result.workflows is None:
        for p in (*problems, *result.problems):
            print(p, file=out)
        return 1
    workflows = result.workflows
    db = open_database(config.database_url)
    clock = FrozenClock(SystemClock().now())
    tickets = TicketService(sessions=db.sessions, people=People(config), config=config, clock=clock)
    matched = 0
    try:
        async with db.sessions() as session:
            rows = await session.execute(
                select(TicketEvent, Person.handle)
                .outerjoin(Person, Person.id == TicketEvent.actor_id)
                .where(TicketEvent.at >= clock.now() - since)
                .order_by(TicketEvent.at, TicketEvent.id)
            )
            events = list(rows.all())
        for event, handle in events:
            trigger = KIND_TO_TRIGGER.get(event.kind)
            if trigger is None or event.ticket_id is None:
                continue
            try:
                ticket = await tickets.get(event.ticket_id)
            except TicketNotFoundError:
                continue
            happening = Happening(trigger, event.ticket_id, handle, dict(event.data), event.source)
            facts = Facts.build(happening, ticket, config, event.at)
            for wf in workflows.for_trigger(trigger):
                if wf.condition(facts):
                    matched += 1
                    steps = ", ".join(s.action for s in wf.steps)
                    at = event.at.strftime("%Y-%m-%d %H:%M")
                    print(f"{at} #{ticket.number} {trigger} → {wf.name}: {steps}", file=out)
    finally:
        await db.close()
    print(f"{matched} workflow run(s) would have happened; nothing was changed", file=out)
    return 0
