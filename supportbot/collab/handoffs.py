"""Hand-offs: a linked thread in another department's channel, with its own acceptance SLA.

The ticket service opens, accepts and closes hand-offs, and the core relays replies both ways
(a reply in the department's thread reaches the card thread; `dept: …` in the card thread
reaches the department). Here: the `handoff` action, the thread posted when a hand-off opens
(with who the customer is, what was tried, whom it is for), its card kept up to date, and a
warning when nobody accepted it in time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

from supportbot import markup
from supportbot.collab import reach
from supportbot.config import Department
from supportbot.happenings import Turn
from supportbot.intents import PostMessage, PostToTicket, Purpose
from supportbot.messages import Button, Message, Style
from supportbot.messages import Field as CardField
from supportbot.plugins import Hooks
from supportbot.scheduler import DueTimer
from supportbot.store.models import Handoff, TicketThread
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext
from supportbot.workflows.inline import InlineTemplate, environment, plain
from supportbot.workflows.refs import References, known

if TYPE_CHECKING:
    from supportbot.desk import Desk

log = logging.getLogger(__name__)
DUE = "collab.handoff.due"
REQUESTED = "requested"  # the department named by the happening (an approved escalation's)


def _department(value: str, info: ValidationInfo) -> str:
    if value != REQUESTED and isinstance(info.context, References):
        known("department", value, info.context.departments)
    return value


class HandoffParams(BaseModel):
    """Open a hand-off to a department; `handoff.opened` then posts its thread."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    department: Annotated[str, AfterValidator(_department)] = Field(
        default=REQUESTED,
        description="a department from the config, or `requested`: the one the happening names "
        "(e.g. the department an approved escalation asked for; nothing happens without one)",
    )
    note: InlineTemplate = Field(
        default="", description="what they should know; default: the escalation's reason"
    )


class HandoffThread(BaseModel):
    """On `handoff.opened`: post the linked thread in the department's channel (customer, priority,
    what was tried, Accept/Done) and plan its acceptance SLA.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


# -- actions -------------------------------------------------------------------------------------
async def handoff(ctx: ActionContext, p: HandoffParams) -> None:
    desk = ctx.desk
    data = ctx.happening.data
    department = p.department if p.department != REQUESTED else data.get("department")
    if not department:
        log.info("%s: no department to hand #%s off to", ctx.workflow, ctx.ticket_id)
        return
    ticket = await ctx.ticket()
    values = plain(ctx.values(ticket))
    note = environment().from_string(p.note).render(**values) if p.note else ""
    note = note or str(data.get("reason") or data.get("note") or "")
    ctx.record(
        await desk.tickets.open_handoff(
            ticket_id=ticket.number,
            department=str(department),
            note=note,
            actor=ctx.happening.actor,
            source=ctx.source,
        )
    )


async def handoff_thread(ctx: ActionContext, p: HandoffThread) -> None:
    """On `handoff.opened`: post the linked thread in the department's channel."""
    desk = ctx.desk
    h = await desk.tickets.handoff(int(ctx.happening.data["handoff_id"]))
    ticket = await ctx.ticket()
    dept = desk.config.department(h.department)
    if dept is None:
        raise LookupError(f"department {h.department!r} is no longer configured")
    where = reach.channel(desk, dept.channel, ticket.origin_platform)
    if where is None:
        raise LookupError(f"department {dept.name!r} has no channel")
    card = await handoff_card(desk, h, ticket, _callout(dept, where.platform))
    ctx.emit(PostMessage(where, card, Purpose(ticket.number, "handoff", h.id)))
    opened = reach.note(
        desk,
        "collab.handoff.opened_note",
        kind="handoff.note",
        department=h.department,
        note=h.note,
    )
    ctx.emit(PostToTicket(ticket.number, opened, "internal"))
    if h.due_at is not None:
        await desk.timers.schedule(
            kind=DUE,
            due_at=h.due_at,
            payload={"handoff_id": h.id},
            key=f"handoff:{h.id}:due",
            ticket_id=ticket.number,
        )


def _callout(dept: Department, platform: str) -> markup.Safe:
    """Whom to call: the department's group where it has one there, else its on-call people."""
    if platform in dept.mention:
        return markup.group_mention(dept.name)
    return reach.mentions(dept.oncall)


# -- the card ------------------------------------------------------------------------------------
async def handoff_card(
    desk: Desk, h: Handoff, ticket: TicketView, callout: markup.Safe | None = None
) -> Message:
    r = reach.render
    notes = [
        e.data.get("text", "") for e in await reach.ticket_events(desk, ticket.number, ["note"])
    ]
    names = await reach.names_by_id(desk, [h.accepted_by_id, h.closed_by_id])
    customer = ticket.requester.name + (
        f" ({ticket.requester.organization})" if ticket.requester.organization else ""
    )
    fields = [
        CardField(r(desk, "collab.handoff.field.customer"), markup.escape(customer)),
        CardField(r(desk, "collab.handoff.field.priority"), ticket.priority),
        CardField(r(desk, "collab.handoff.field.subject"), markup.escape(ticket.subject)),
    ]
    if h.note:
        fields.append(CardField(r(desk, "collab.handoff.field.note"), markup.escape(h.note)))
    tried = "\n".join(f"• {markup.escape(n)}" for n in notes[-5:] if n) or r(
        desk, "collab.handoff.nothing_tried"
    )
    fields.append(CardField(r(desk, "collab.handoff.field.tried"), tried))
    status = r(
        desk,
        f"collab.handoff.status.{h.status}",
        who=names.get((h.accepted_by_id if h.status == "accepted" else h.closed_by_id) or -1, ""),
        due=reach.local_time(desk, h.due_at) if h.due_at else "",
    )
    text = r(
        desk,
        "collab.handoff.text",
        callout=callout or "",
        number=ticket.number,
        team=ticket.team,
        status=markup.Safe(status),  # already markup
    )
    buttons: list[Button] = []
    if h.status == "open":
        buttons.append(
            Button(
                "handoff.accept", r(desk, "collab.handoff.button.accept"), str(h.id), Style.PRIMARY
            )
        )
    if h.status in ("open", "accepted"):
        buttons.append(Button("handoff.done", r(desk, "collab.handoff.button.done"), str(h.id)))
    return Message(
        title=r(desk, "collab.handoff.title", number=ticket.number, department=h.department),
        text=text,
        fields=tuple(fields),
        buttons=tuple(buttons),
        context=(r(desk, "collab.handoff.back", number=ticket.number),),
        accent="resolved" if h.status == "done" else ticket.priority.lower(),
        kind="handoff",
    )


async def render_link(desk: Desk, link: TicketThread, ticket: TicketView) -> Message | None:
    if link.ref_id is None:
        return None
    h = await desk.tickets.handoff(link.ref_id)
    dept = desk.config.department(h.department)
    return await handoff_card(desk, h, ticket, _callout(dept, link.platform) if dept else None)


# -- the acceptance SLA ----------------------------------------------------------------------------
async def on_due(desk: Desk, timer: DueTimer, turn: Turn) -> None:
    h = await desk.tickets.handoff(int(timer.payload["handoff_id"]))
    if h.status != "open":
        return  # accepted (or done) in time
    dept = desk.config.department(h.department)
    values = {
        "number": h.ticket_id,
        "department": h.department,
        "opened": reach.local_time(desk, h.opened_at),
    }
    callout = reach.mentions(dept.oncall) if dept else markup.Safe("")
    to_dept = reach.note(
        desk, "collab.handoff.overdue", kind="handoff.overdue", callout=callout, **values
    )
    turn.emit(PostToTicket(h.ticket_id, to_dept, "handoff", department=h.department))
    internal = reach.note(desk, "collab.handoff.overdue_note", kind="handoff.overdue", **values)
    turn.emit(PostToTicket(h.ticket_id, internal, "internal"))
    await desk.tickets.record_event(
        ticket_id=h.ticket_id,
        kind="handoff.overdue",
        data={"handoff_id": h.id, "department": h.department},
        source="timer",
    )


def register(hooks: Hooks) -> None:
    hooks.timer(DUE, on_due)
    hooks.link("handoff", render_link)
