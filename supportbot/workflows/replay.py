"""`supportbot workflows replay --since 30d`: which workflows the current files would run on past
tickets and events. Evaluates conditions only: nothing is written, nothing is sent.

Conditions see each ticket as it is now (the database keeps no earlier snapshots) and the time
of the original event, so `business_hours` and `ticket.age` answer as they would have then.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from supportbot.clock import FrozenClock, SystemClock
from supportbot.config import Config
from supportbot.errors import TicketNotFoundError
from supportbot.happenings import TRIGGERS, Happening, as_trigger
from supportbot.people import People
from supportbot.plugins import installed_registry
from supportbot.store.db import Database, open_database
from supportbot.store.models import Person, TicketEvent
from supportbot.tickets import TicketService
from supportbot.workflows.facts import Facts
from supportbot.workflows.loader import load_workflows, references_for
from supportbot.workflows.schema import WorkflowSet

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


async def replay(
    config: Config, directory: Path, since: timedelta, out: TextIO, *, now: datetime | None = None
) -> int:
    refs, problems = references_for(config, directory)
    result = load_workflows([directory], registry=installed_registry(), refs=refs)
    if problems or result.workflows is None:
        for p in (*problems, *result.problems):
            print(p, file=out)
        return 1
    if _missing_sqlite_file(config.database_url):  # opening it would create an empty one
        print(f"there is no database at {config.database_url}", file=out)
        return 2
    db = open_database(config.database_url)
    clock = FrozenClock(now or SystemClock().now())
    try:
        events = await _events(db, clock.now() - since)
    except SQLAlchemyError as exc:
        await db.close()
        print(
            f"cannot read the history at {config.database_url}: {type(exc).__name__} "
            "(is it the desk's database, migrated with `supportbot db upgrade`?)",
            file=out,
        )
        return 2
    try:
        tickets = TicketService(
            sessions=db.sessions, people=People(config), config=config, clock=clock
        )
        matched = await _report(events, result.workflows, tickets, config, out)
    finally:
        await db.close()
    print(f"{matched} workflow run(s) would have happened; nothing was changed", file=out)
    return 0


async def _report(
    events: list[tuple[TicketEvent, str | None]],
    workflows: WorkflowSet,
    tickets: TicketService,
    config: Config,
    out: TextIO,
) -> int:
    matched = 0
    for event, handle in events:
        trigger = KIND_TO_TRIGGER.get(event.kind)
        if trigger is None or event.ticket_id is None:
            continue
        try:
            ticket = await tickets.get(event.ticket_id)
        except TicketNotFoundError:
            continue
        happening = Happening(
            as_trigger(trigger), event.ticket_id, handle, dict(event.data), event.source
        )
        facts = Facts.build(happening, ticket, config, event.at)
        for wf in workflows.for_trigger(trigger):
            if wf.condition(facts):
                matched += 1
                steps = ", ".join(s.action for s in wf.steps)
                at = event.at.strftime("%Y-%m-%d %H:%M")
                print(f"{at} #{ticket.number} {trigger} → {wf.name}: {steps}", file=out)
    return matched


def _missing_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    name = parsed.database or ""
    return (
        parsed.get_backend_name() == "sqlite"
        and name not in ("", ":memory:")
        and not Path(name).exists()
    )


async def _events(db: Database, since: datetime) -> list[tuple[TicketEvent, str | None]]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(TicketEvent, Person.handle)
            .outerjoin(Person, Person.id == TicketEvent.actor_id)
            .where(TicketEvent.at >= since)
            .order_by(TicketEvent.at, TicketEvent.id)
        )
        return [(event, handle) for event, handle in rows.all()]
