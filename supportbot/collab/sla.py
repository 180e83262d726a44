"""SLA clocks as durable timers: a warning to the assignee, a breach notice to the leads.

`plan_sla` (re)plans a ticket's clocks from its current state; the default workflows call it
when a ticket is created, changes priority, gets a reply, waits, hears back, is resolved or
reopened. Timers re-check the plan when they fire, so one that a later change made stale does
nothing. Each notice is recorded once per clock, stage, target and reopening (audit kinds
`sla.warning` / `sla.breached`, data `{"clock": …}`) and queued as a happening for workflows.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from supportbot import markup
from supportbot.collab import clocks, reach
from supportbot.happenings import Happening, Trigger, Turn
from supportbot.intents import PostMessage, PostToTicket
from supportbot.messages import Message
from supportbot.plugins import Hooks
from supportbot.scheduler import DueTimer
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext

if TYPE_CHECKING:
    from supportbot.desk import Desk

TIMER = "collab.sla"
NOTICE_KINDS: dict[str, Trigger] = {"warning": "sla.warning", "breached": "sla.breached"}


class PlanSla(BaseModel):
    """Plan the ticket's SLA clocks again from its current state (priority, replies, waiting,
    resolved).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


async def plan_sla(ctx: ActionContext, p: PlanSla) -> None:
    """Planned once per turn, from the state the turn leaves: a new ticket is created, triaged
    and routed in one turn, and each of those asks for a plan."""
    desk, number = ctx.desk, ctx.ticket_id

    async def plan() -> None:
        await replan(desk, await desk.tickets.get(number))

    ctx.settle(("plan_sla", number), plan, action="plan_sla")


async def deadlines_of(desk: Desk, ticket: TicketView) -> list[clocks.Deadline]:
    rows = await reach.ticket_events(desk, ticket.number, clocks.PAUSE_KINDS)
    return clocks.deadlines(ticket, desk.config, clocks.pauses((r.kind, r.at) for r in rows))


async def replan(desk: Desk, ticket: TicketView) -> None:
    await desk.timers.cancel_for_ticket(ticket.number, TIMER)
    sent = await _sent(desk, ticket.number)
    for d in await deadlines_of(desk, ticket):
        if _mark(d, ticket) in sent:
            continue
        await desk.timers.schedule(
            kind=TIMER,
            due_at=d.due,
            payload={"clock": d.clock, "stage": d.stage, "due": d.due.isoformat()},
            key=f"sla:{ticket.number}:{d.clock}:{d.stage}",
            ticket_id=ticket.number,
        )


def _mark(d: clocks.Deadline, ticket: TicketView) -> tuple[str, str, int, int]:
    """What makes a notice new: another clock or stage, a new target, another reopening."""
    return d.clock, d.stage, int(d.target.total_seconds()), ticket.reopen_count


async def _sent(desk: Desk, ticket_id: int) -> set[tuple[str, str, int, int]]:
    rows = await reach.ticket_events(desk, ticket_id, list(NOTICE_KINDS.values()))
    return {
        (
            str(r.data.get("clock")),
            str(r.data.get("stage")),
            int(r.data.get("target", 0)),
            int(r.data.get("round", 0)),
        )
        for r in rows
    }


# -- the timer -----------------------------------------------------------------------------------
async def on_timer(desk: Desk, timer: DueTimer, turn: Turn) -> None:
    if timer.ticket_id is None:
        return
    ticket = await desk.tickets.get(timer.ticket_id)
    clock, stage = timer.payload.get("clock"), timer.payload.get("stage")
    now = desk.clock.now()
    planned = await deadlines_of(desk, ticket)
    current = [d for d in planned if (d.clock, d.stage) == (clock, stage)]
    if not current or current[0].due > now:
        return  # stopped, paused or moved since: a later plan owns this clock
    d, stage = current[0], current[0].stage
    if _mark(d, ticket) in await _sent(desk, ticket.number):
        return
    data: dict[str, Any] = {
        "clock": d.clock,
        "stage": d.stage,
        "due": d.due.isoformat(),
        "target": int(d.target.total_seconds()),
        "round": ticket.reopen_count,
        "priority": ticket.priority,
    }
    await desk.tickets.record_event(
        ticket_id=ticket.number, kind=NOTICE_KINDS[stage], data=data, source="timer"
    )
    if stage == "breached" and desk.metrics is not None:
        desk.metrics.observe_sla_breach(clock=d.clock, priority=ticket.priority)
    due = next(x.due for x in planned if (x.clock, x.stage) == (d.clock, "breached"))
    _notify(desk, ticket, d, due, turn)
    await desk.run_happening(
        Happening(
            NOTICE_KINDS[stage],
            ticket.number,
            None,
            {"clock": d.clock, "due": d.due.isoformat()},
            "timer",
        ),
        turn,
    )
    turn.touch(ticket.number)  # the card's "SLA due" field changes


def _notify(desk: Desk, ticket: TicketView, d: clocks.Deadline, due: datetime, turn: Turn) -> None:
    """`due`: when the clock runs out (for a warning, later than the warning itself)."""
    values = {
        "t": ticket,
        "clock": markup.Safe(reach.render(desk, f"collab.sla.clock.{d.clock}")),
        "due": reach.local_time(desk, due),
        "target": d.target,
    }
    thread = reach.note(desk, f"collab.sla.{d.stage}", kind=f"sla.{d.stage}", **values)
    turn.emit(PostToTicket(ticket.number, thread, "internal"))
    if d.stage == "warning" and ticket.assignee is not None:
        locale = desk.people.locale_of(ticket.assignee.handle)
        dm = reach.note(
            desk,
            "collab.sla.warning_dm",
            locale,
            kind="sla.warning",
            **{
                **values,
                "clock": markup.Safe(reach.render(desk, f"collab.sla.clock.{d.clock}", locale)),
            },
        )
        message = reach.direct(desk, ticket.assignee.handle, dm, ticket.origin_platform)
        if message is not None:
            turn.emit(message)
    if d.stage == "breached":
        where = reach.channel(desk, desk.config.leads_channel, ticket.origin_platform)
        if where is not None:
            leads = reach.mentions(desk.people.leads_of(ticket.team))
            text = reach.render(desk, "collab.sla.breached_leads", leads=leads, **values)
            turn.emit(PostMessage(where, Message(text=text, kind="sla.breached", accent="p1")))


# -- the ticket card's "SLA due" field -----------------------------------------------------------
async def sla_text(desk: Desk, ticket: TicketView) -> str | None:
    if not ticket.is_open:
        return None
    if ticket.status == "waiting":
        return markup.to_plain(reach.render(desk, "collab.sla.paused"))
    breaches = sorted(
        (d for d in await deadlines_of(desk, ticket) if d.stage == "breached"), key=lambda d: d.due
    )
    if not breaches:
        return None
    d = breaches[0]
    name = "collab.sla.overdue" if d.due <= desk.clock.now() else "collab.sla.due"
    clock = markup.Safe(reach.render(desk, f"collab.sla.clock.{d.clock}"))
    return markup.to_plain(reach.render(desk, name, clock=clock, due=reach.local_time(desk, d.due)))


def register(hooks: Hooks) -> None:
    hooks.timer(TIMER, on_timer)
    hooks.sla(sla_text)
