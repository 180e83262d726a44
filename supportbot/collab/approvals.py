"""Escalation approvals: the card in the ticket's thread, reminders, the admins' turn, decisions.

The ticket service decides who may approve (a lead of the team, or an admin; never oneself) and
audits refusals. This module shows the question, keeps asking until someone answers, and tells
the requesting agent what was decided.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from supportbot import markup
from supportbot.collab import reach
from supportbot.commands import USAGE, Command
from supportbot.context import TurnContext
from supportbot.durations import Duration
from supportbot.errors import NotAllowedError
from supportbot.events import AnyEvent, ChoiceSubmitted, FormSubmitted
from supportbot.handlers.interactions import open_form
from supportbot.happenings import Turn
from supportbot.intents import PostToTicket, Purpose
from supportbot.messages import Button, Message, Style
from supportbot.messages import Field as CardField
from supportbot.plugins import Hooks
from supportbot.scheduler import DueTimer
from supportbot.store.models import Escalation, TicketThread
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext

if TYPE_CHECKING:
    from supportbot.desk import Desk

REMIND = "collab.approval.remind"
TIMEOUT = "collab.approval.timeout"


class RequestApproval(BaseModel):
    """Post an approval card in the ticket's thread for the pending escalation, mentioning its
    approvers; remind them every `remind_every`, and after `timeout` hand the decision to the
    admins.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    approvers: Literal["role:lead", "role:admin"] = Field(
        default="role:lead",
        description="role:lead = the leads of the ticket's team (admins after the timeout); "
        "role:admin = the admins straight away",
    )
    timeout: Duration = Field(default=timedelta(minutes=30), description="then ask the admins")
    remind_every: Duration | None = Field(default=timedelta(minutes=10))


# -- the action ----------------------------------------------------------------------------------
async def request_approval(ctx: ActionContext, p: RequestApproval) -> None:
    desk = ctx.desk
    esc = await _escalation_of(desk, ctx)
    if p.approvers == "role:admin" and esc.level == 1:
        ctx.record(
            await desk.tickets.raise_escalation_level(escalation_id=esc.id, source=ctx.source)
        )
        esc = await desk.tickets.escalation(esc.id)
    ticket = await ctx.ticket()
    card = await approval_card(desk, esc, ticket)
    ctx.emit(
        PostToTicket(
            ticket.number, card, "internal", purpose=Purpose(ticket.number, "approval", esc.id)
        )
    )
    now = desk.clock.now()
    final = esc.level > 1  # nobody above the admins: keep reminding them, then stop
    await _plan(desk, esc, now + p.timeout, p.remind_every, final=final, give_up_after=p.timeout)


async def _escalation_of(desk: Desk, ctx: ActionContext) -> Escalation:
    wanted = ctx.happening.data.get("escalation_id")
    if isinstance(wanted, int):
        return await desk.tickets.escalation(wanted)
    esc = await desk.tickets.pending_escalation(ctx.ticket_id)
    if esc is None:
        raise LookupError(f"#{ctx.ticket_id} has no escalation waiting for a decision")
    return esc


async def _plan(
    desk: Desk,
    esc: Escalation,
    deadline: datetime,
    every: timedelta | None,
    *,
    final: bool,
    give_up_after: timedelta,
) -> None:
    payload = {
        "escalation_id": esc.id,
        "level": esc.level,
        "deadline": deadline.isoformat(),
        "every": every.total_seconds() if every else None,
        "timeout": give_up_after.total_seconds(),
        "final": final,
    }
    now = desk.clock.now()
    if every and now + every < deadline:
        await _remind_at(desk, esc, now + every, payload, 1)
    if not final:
        await desk.timers.schedule(
            kind=TIMEOUT,
            due_at=deadline,
            payload=payload,
            key=f"approval:{esc.id}:L{esc.level}:timeout",
            ticket_id=esc.ticket_id,
        )


async def _remind_at(
    desk: Desk, esc: Escalation, at: datetime, payload: dict[str, Any], n: int
) -> None:
    await desk.timers.schedule(
        kind=REMIND,
        due_at=at,
        payload={**payload, "n": n},
        key=f"approval:{esc.id}:L{esc.level}:remind:{n}",
        ticket_id=esc.ticket_id,
    )


# -- timers --------------------------------------------------------------------------------------
async def on_remind(desk: Desk, timer: DueTimer, turn: Turn) -> None:
    esc = await desk.tickets.escalation(int(timer.payload["escalation_id"]))
    if esc.status != "pending" or esc.level != timer.payload.get("level"):
        return  # decided, or handed to the admins (who get their own reminders)
    text = reach.render(
        desk,
        "collab.approval.reminder",
        number=esc.ticket_id,
        approvers=reach.mentions(approvers_of(desk, esc)),
        waited=desk.clock.now() - esc.requested_at,
    )
    turn.emit(PostToTicket(esc.ticket_id, Message(text=text, kind="approval.reminder")))
    every = timer.payload.get("every")
    deadline = datetime.fromisoformat(str(timer.payload["deadline"]))
    if every:
        at = desk.clock.now() + timedelta(seconds=float(every))
        if at < deadline:
            await _remind_at(desk, esc, at, timer.payload, int(timer.payload.get("n", 1)) + 1)


async def on_timeout(desk: Desk, timer: DueTimer, turn: Turn) -> None:
    esc = await desk.tickets.escalation(int(timer.payload["escalation_id"]))
    if esc.status != "pending" or esc.level != timer.payload.get("level"):
        return
    desk.apply(
        turn, await desk.tickets.raise_escalation_level(escalation_id=esc.id, source="timer")
    )
    esc = await desk.tickets.escalation(esc.id)
    text = reach.render(
        desk,
        "collab.approval.raised",
        number=esc.ticket_id,
        team=esc.team,
        approvers=reach.mentions(approvers_of(desk, esc)),
    )
    turn.emit(PostToTicket(esc.ticket_id, Message(text=text, kind="approval.raised")))
    timeout = timedelta(seconds=float(timer.payload.get("timeout") or 1800))
    every = timer.payload.get("every")
    await _plan(
        desk,
        esc,
        desk.clock.now() + timeout,
        timedelta(seconds=float(every)) if every else None,
        final=True,
        give_up_after=timeout,
    )


def approvers_of(desk: Desk, esc: Escalation) -> list[str]:
    return desk.people.leads_of(esc.team) if esc.level == 1 else desk.people.admins()


# -- the card ------------------------------------------------------------------------------------
async def approval_card(desk: Desk, esc: Escalation, ticket: TicketView) -> Message:
    names = await reach.names_by_id(desk, [esc.requested_by_id, esc.decided_by_id])
    asked_by = names.get(esc.requested_by_id, "?")
    r = reach.render
    fields = [
        CardField(r(desk, "collab.approval.field.requested_by"), markup.escape(asked_by)),
        CardField(r(desk, "collab.approval.field.reason"), markup.escape(esc.reason)),
    ]
    if esc.department:
        fields.append(
            CardField(r(desk, "collab.approval.field.department"), markup.escape(esc.department))
        )
    title = r(desk, "collab.approval.title", number=ticket.number, subject=ticket.subject)
    if esc.status == "pending":
        text = r(
            desk,
            "collab.approval.ask",
            number=ticket.number,
            requester=asked_by,
            approvers=reach.mentions(approvers_of(desk, esc)),
            level=esc.level,
            team=esc.team,
        )
        buttons = (
            Button(
                "escalation.approve",
                r(desk, "collab.approval.button.approve"),
                str(esc.id),
                Style.PRIMARY,
            ),
            Button(
                "escalation.deny", r(desk, "collab.approval.button.deny"), str(esc.id), Style.DANGER
            ),
        )
        return Message(
            text=text,
            title=title,
            fields=tuple(fields),
            buttons=buttons,
            accent="warning",
            kind="approval",
        )
    text = r(
        desk,
        f"collab.approval.{esc.status}",
        who=names.get(esc.decided_by_id or -1, "?"),
        at=reach.local_time(desk, esc.decided_at) if esc.decided_at else "",
        note=esc.decision_note or "",
    )
    accent = "resolved" if esc.status == "approved" else "p1"
    return Message(text=text, title=title, fields=tuple(fields), accent=accent, kind="approval")


async def render_link(desk: Desk, link: TicketThread, ticket: TicketView) -> Message | None:
    if link.ref_id is None:
        return None
    return await approval_card(desk, await desk.tickets.escalation(link.ref_id), ticket)


# -- decisions (buttons, the deny form, `/support approve|deny`) ---------------------------------
async def on_approve_button(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    desk, turn, who = ctx.desk, ctx.turn, await ctx.person()
    await decide(desk, ev, who, turn, int(ev.value), approve=True)


async def on_deny_form(ctx: TurnContext, ev: FormSubmitted) -> None:
    desk, turn, who = ctx.desk, ctx.turn, await ctx.person()
    note = ev.values.get("reason", "")
    await decide(desk, ev, who, turn, int(ev.context), approve=False, note=note)


async def on_command(ctx: TurnContext, cmd: Command) -> None:
    desk, turn, ev, who = ctx.desk, ctx.turn, ctx.event, await ctx.person()
    assert cmd.number is not None
    esc = await desk.tickets.pending_escalation(cmd.number)
    if esc is None:
        locale = desk.people.locale_of(who)
        desk.tell(
            turn,
            ev,
            reach.note(
                desk, "collab.approval.none_pending", locale, kind="error", number=cmd.number
            ),
        )
        return
    await decide(desk, ev, who, turn, esc.id, approve=cmd.name == "approve", note=cmd.text)


async def decide(
    desk: Desk,
    ev: AnyEvent,
    who: str,
    turn: Turn,
    escalation_id: int,
    *,
    approve: bool,
    note: str = "",
) -> None:
    locale = desk.people.locale_of(who)
    try:
        change = await desk.tickets.decide_escalation(
            escalation_id=escalation_id, actor=who, approve=approve, note=note, source=ev.platform
        )
    except NotAllowedError as refused:
        if "level" not in refused.values:
            raise  # not a question of role (deciding one's own request): the service's words
        who_may = "leads" if refused.values["level"] == 1 else "admins"
        text = reach.render(
            desk, f"collab.approval.only_{who_may}", locale, team=refused.values.get("team", "")
        )
        desk.tell(turn, ev, Message(text=text, kind="error"))
        return
    ticket = desk.apply(turn, change)
    await desk.timers.cancel_for_ticket(ticket.number, "collab.approval")
    esc = await desk.tickets.escalation(escalation_id)
    await _tell_requester(desk, esc, who, ticket, ev.platform, turn)
    desk.tell(
        turn,
        ev,
        reach.note(
            desk, "collab.approval.recorded", locale, number=ticket.number, approved=approve
        ),
    )


async def _tell_requester(
    desk: Desk, esc: Escalation, decider: str, ticket: TicketView, platform: str, turn: Turn
) -> None:
    from supportbot.store.models import Person

    async with desk.db.reads() as s:
        person = await s.get(Person, esc.requested_by_id)
    if person is None:
        return
    locale = desk.people.locale_of(person.handle)
    message = reach.note(
        desk,
        f"collab.approval.dm.{esc.status}",
        locale,
        kind=f"escalation.{esc.status}",
        number=ticket.number,
        who=desk.people.display_name(decider),
        note=esc.decision_note or "",
    )
    dm = reach.direct(desk, person.handle, message, platform)
    if dm is not None:
        turn.emit(dm)


async def on_deny_button(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    """*Deny*: the form that asks for the reason the agent will read."""
    form = ctx.desk.views.deny_form(int(ev.value), await ctx.locale())
    await open_form(ctx, ev, form, staff=True)


def register(hooks: Hooks) -> None:
    hooks.timer(REMIND, on_remind)
    hooks.timer(TIMEOUT, on_timeout)
    hooks.link("approval", render_link)
    hooks.choice("escalation.approve", on_approve_button)
    hooks.choice("escalation.deny", on_deny_button)
    hooks.form("escalation.deny", on_deny_form)
    hooks.command("approve", on_command, usage=USAGE["approve"])
    hooks.command("deny", on_command, usage=USAGE["deny"])
