"""`wait` and `schedule`: durable timers in the database, so a restart loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.intents import PostMessage
from supportbot.plugins import installed_registry
from supportbot.store.db import Database
from supportbot.store.models import TicketEvent, Timer
from supportbot.workflows.loader import load_workflows
from supportbot.workflows.sandbox import build_sandbox
from supportbot.workflows.schedules import due_schedules

from .conftest import one_workflow, open_ticket

Write = Callable[[str, str], Path]
WAITING = """
      - {action: add_tags, with: {tags: [before]}}
      - {action: wait, with: {for: 1h}}
      - {action: add_tags, with: {tags: [after]}}
      - {action: reply, with: {template: test.hello}}"""


async def test_wait_survives_a_restart(
    write: Write, wf_dir: Path, config: Config, database: Database, clock: FrozenClock
) -> None:
    write("t.yaml", one_workflow("ticket.created", WAITING))
    first = await build_sandbox(config, database, clock, wf_dir)
    number = (await open_ticket(first, "hello")).number
    assert (await first.desk.tickets.get(number)).tags == ("before",)
    async with database.sessions() as s:
        timer = (await s.scalars(select(Timer).where(Timer.kind == "workflow.resume"))).one()
    assert timer.due_at == clock.now() + timedelta(hours=1)
    del first  # "restart": a new desk and engine on the same database

    second = await build_sandbox(config, database, clock, wf_dir)
    clock.advance(timedelta(minutes=59))
    assert await second.run_due_timers() == 0
    clock.advance(timedelta(minutes=1))
    assert await second.run_due_timers() == 1
    t = await second.desk.tickets.get(number)
    assert t.tags == ("after", "before")
    assert [i.message.text for i in second.intents if i.message.kind == "workflow.reply"] == [  # type: ignore[union-attr]
        f"Hello Casey, ticket #{number} is P3."
    ]
    async with database.sessions() as s:
        assert (await s.get(Timer, timer.id)).status == "done"  # type: ignore[union-attr]


async def test_a_wait_is_dropped_when_its_workflow_changed_meanwhile(
    write: Write, wf_dir: Path, config: Config, database: Database, clock: FrozenClock
) -> None:
    write("t.yaml", one_workflow("ticket.created", WAITING))
    first = await build_sandbox(config, database, clock, wf_dir)
    number = (await open_ticket(first, "hello")).number
    write("t.yaml", one_workflow("ticket.created", WAITING.replace("after", "changed")))
    second = await build_sandbox(config, database, clock, wf_dir)
    clock.advance(timedelta(hours=2))
    assert await second.run_due_timers() == 1
    assert (await second.desk.tickets.get(number)).tags == ("before",)
    async with database.sessions() as s:
        kinds = (
            await s.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == number))
        ).all()
    assert "workflow.dropped" in kinds


def test_due_schedules_reads_cron_in_the_business_time_zone(
    write: Write, wf_dir: Path, make_config: Callable[..., Config]
) -> None:
    config = make_config(business_hours={"timezone": "Asia/Tokyo"})
    step = "[{action: post, with: {channel: support_channel, template: test.plain}}]"
    write("a.yaml", one_workflow("schedule", step, name="morning", cron="0 9 * * mon-fri"))
    write("b.yaml", one_workflow("schedule", step, name="hourly", cron="0 * * * *"))
    result = load_workflows([wf_dir], registry=installed_registry(), refs=None)
    assert result.workflows is not None
    since = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # Monday 08:30 in Tokyo
    due = due_schedules(
        result.workflows, since, since + timedelta(hours=1), config.business_hours.zone
    )
    assert [(w.name, at.isoformat()) for w, at in due] == [
        ("morning", "2026-03-02T00:00:00+00:00"),  # 09:00 Tokyo: file order breaks the tie
        ("hourly", "2026-03-02T00:00:00+00:00"),
    ]


async def test_schedule_runs_from_a_timer_once_and_plans_the_next_run(
    write: Write, wf_dir: Path, config: Config, database: Database, clock: FrozenClock
) -> None:
    step = "[{action: post, with: {channel: support_channel, template: test.plain}}]"
    write("s.yaml", one_workflow("schedule", step, name="daily", cron="30 10 * * *"))
    sb = await build_sandbox(config, database, clock, wf_dir)  # clock: Monday 10:00 UTC
    again = await build_sandbox(config, database, clock, wf_dir)  # a second replica
    del again
    clock.advance(timedelta(minutes=31))
    assert await sb.run_due_timers() == 1  # both replicas planned it: one timer (unique key)
    posts = [
        i for i in sb.intents if isinstance(i, PostMessage) and i.message.kind == "workflow.post"
    ]
    assert [p.message.text for p in posts] == ["Plain message from daily"]
    async with database.sessions() as s:
        pending = (await s.scalars(select(Timer).where(Timer.status == "pending"))).all()
    assert [t.due_at for t in pending] == [datetime(2026, 3, 3, 10, 30, tzinfo=UTC)]
