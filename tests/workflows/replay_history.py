"""A desk's history for the replay tests, made the real way: the ticket service and workflows.

`make_history(sb, clock)` opens tickets as customers write in, lets agents claim, reply and
resolve, a customer answer a CSAT poll, and runs the timers (SLA clocks, `wait`, the poll) as
the clock moves on. The workflow files it runs are `TRIAGE` and `LATER`.

Making it takes seconds (every step is its own committed transaction), so `record_snapshot`
makes it once on SQLite and keeps every row; `restore` copies those rows into a test's empty
database, SQLite or PostgreSQL, in moments.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from supportbot.clock import FrozenClock
from supportbot.store.db import Database, open_database
from supportbot.store.models import Base, CsatPoll
from supportbot.tickets import TicketChange
from supportbot.workflows.sandbox import Sandbox, build_sandbox

from ..conftest import NOW, make_test_config
from .conftest import TEMPLATES_EN, TEMPLATES_JA, open_ticket

TRIAGE = """\
version: 1
workflows:
  - name: triage-outage
    trigger: ticket.created
    if: {text.contains_any: [outage, "is down", 障害]}
    steps:
      - {action: set_priority, with: {priority: P1}}
      - {action: set_category, with: {category: outage}}
      - {action: add_tags, with: {tags: [urgent]}}
      - {action: route, with: {team: tier2, assign: round_robin}}
  - name: triage-billing
    trigger: ticket.created
    if: {text.contains_any: [invoice, refund, 請求], not: {category: outage}}
    steps:
      - {action: set_category, with: {category: billing}}
      - {action: route, with: {team: billing}}
  - name: triage-enterprise
    trigger: ticket.created
    if: {requester.tier: enterprise, priority: [P3, P4]}
    steps:
      - {action: set_priority, with: {priority: P2}}
  - name: acknowledge
    trigger: ticket.created
    steps:
      - {action: reply, with: {template: test.hello}}
  - name: customer-says-urgent
    trigger: message.received
    if: {actor.role: customer, text.contains_any: [urgent, 至急], not: {priority: P1}}
    steps:
      - {action: set_priority, with: {priority: P1}}
      - {action: add_tags, with: {tags: [urgent]}}
  - name: p1-unassigned
    trigger: ticket.priority_changed
    if: {priority: P1, assigned: false}
    steps:
      - {action: post, with: {channel: leads_channel, template: test.note}}
"""

LATER = """\
version: 1
workflows:
  - name: sla-start
    trigger: ticket.created
    steps: [{action: plan_sla}]
  - name: sla-replan
    trigger: ticket.updated
    steps: [{action: plan_sla}]
  - name: sla-priority
    trigger: ticket.priority_changed
    steps: [{action: plan_sla}]
  - name: sla-breached-tag
    trigger: sla.breached
    steps: [{action: add_tags, with: {tags: [sla-breached]}}]
  - name: billing-follow-up
    trigger: ticket.created
    if: {category: billing}
    steps:
      - {action: wait, with: {for: 2h}}
      - {action: add_note, with: {text: "follow up on the invoice"}}
  - name: csat
    trigger: ticket.resolved
    steps: [{action: csat_poll, with: {expires: 3d}}]
  - name: five-stars
    trigger: csat.received
    if: {csat.score: 5}
    steps: [{action: shoutout, with: {to: assignee, points: 3, template: test.plain}}]
"""


def write_files(folder: Path) -> None:
    (folder / "10-triage.yaml").write_text(TRIAGE, encoding="utf-8")
    (folder / "20-later.yaml").write_text(LATER, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class History:
    outage: int  # "The dashboard is down": P1 outage for tier2 by round robin
    invoice: int  # billing, with a follow-up note two hours later
    unreachable: int  # nothing matches; ben claims and answers it
    export: int  # an enterprise customer's how-to: P2, then "urgent" in a message → P1
    japanese: int  # サーバーに接続できません: nothing matches


async def happen(sb: Sandbox, change: TicketChange) -> None:
    """What the desk does with a person's change: run the workflows on what it caused."""
    for happening in change.happenings:
        await sb.happen(happening)


async def make_history(sb: Sandbox, clock: FrozenClock) -> History:
    tickets = sb.desk.tickets
    outage = await open_ticket(sb, "The dashboard is down", user="U1")
    invoice = await open_ticket(sb, "Question about my invoice", user="U2")
    unreachable = await open_ticket(sb, "Site unreachable since noon", user="U3")
    export = await open_ticket(sb, "How do I export a report?", user="U4", organization="acme")
    japanese = await open_ticket(sb, "サーバーに接続できません", user="U5", locale="ja")
    clock.advance(timedelta(minutes=5))
    await happen(sb, await tickets.claim(ticket_id=unreachable.number, actor="ben", source="slack"))
    reply = await tickets.record_reply(
        ticket_id=unreachable.number, text="Looking into it", actor="ben", source="slack"
    )
    await happen(sb, reply)
    message = await tickets.record_customer_message(
        ticket_id=export.number, text="this is urgent now", actor=export.requester.handle,
        source="slack",
    )  # fmt: skip
    await happen(sb, message)
    clock.advance(timedelta(minutes=25))
    await sb.run_due_timers()
    await happen(sb, await tickets.resolve(ticket_id=outage.number, actor="omar", source="slack"))
    clock.advance(timedelta(hours=2))
    await sb.run_due_timers()  # the poll, the follow-up note, SLA breaches
    async with sb.desk.db.sessions() as s:
        poll = await s.scalar(select(CsatPoll.id).where(CsatPoll.ticket_id == outage.number))
    assert poll is not None
    answer = await tickets.record_csat(
        poll_id=poll, actor=outage.requester.handle, score=5, source="slack"
    )
    await happen(sb, answer)
    clock.advance(timedelta(days=1))
    await sb.run_due_timers()
    return History(outage.number, invoice.number, unreachable.number, export.number,
                   japanese.number)  # fmt: skip


# -- made once, copied into each test's database -----------------------------------------------
@dataclass(frozen=True, slots=True)
class Snapshot:
    history: History
    end: datetime  # the clock when the history was over
    rows: dict[str, list[dict[str, Any]]]  # table -> rows


def write_templates(folder: Path) -> None:
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    (folder / "templates" / "test.en.yaml").write_text(TEMPLATES_EN, encoding="utf-8")
    (folder / "templates" / "test.ja.yaml").write_text(TEMPLATES_JA, encoding="utf-8")


async def record_snapshot() -> Snapshot:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "workflows"
        write_templates(folder)
        write_files(folder)
        db = open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'history.db'}")
        await db.create_all()
        clock = FrozenClock(NOW)
        try:
            sb = await build_sandbox(make_test_config(), db, clock, folder)
            history = await make_history(sb, clock)
            async with db.engine.connect() as conn:
                rows = {
                    table.name: [dict(r._mapping) for r in await conn.execute(select(table))]
                    for table in Base.metadata.sorted_tables
                }
        finally:
            await db.close()
    return Snapshot(history, clock.now(), rows)


async def restore(db: Database, snapshot: Snapshot) -> None:
    async with db.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if snapshot.rows[table.name]:
                await conn.execute(insert(table), snapshot.rows[table.name])
        if db.is_postgres:  # explicit ids do not move the sequences on
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and snapshot.rows[table.name]:
                    await conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT MAX(id) FROM {table.name}))"
                        )
                    )
