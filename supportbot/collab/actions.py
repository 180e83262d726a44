"""Workflow actions of the collaboration features.

request_approval  {approvers: role:lead, timeout: 30m, remind_every: 10m}
raise_priority    {steps: 1}                   one step towards P1
handoff           {department: engineering | requested, note: "…"}
handoff_thread    {}                           on handoff.opened: the department's thread
plan_sla          {}                           (re)plan the ticket's SLA clocks
csat_poll         {scale: 5, comment_below: 3, expires: 3d, delay: 1h}
offer_reopen      {template: collab.csat.offer_reopen}
shoutout          {to: assignee | actor | <person>, points: 3, template: …, within_sla: false}
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from supportbot.collab.approvals import RequestApproval, request_approval
from supportbot.collab.csat import CsatPollParams, OfferReopen, csat_poll, offer_reopen
from supportbot.collab.handoffs import (
    REQUESTED,
    HandoffParams,
    HandoffThread,
    handoff,
    handoff_thread,
)
from supportbot.collab.kudos import Shoutout, shoutout
from supportbot.collab.sla import PlanSla, plan_sla
from supportbot.config import PRIORITIES
from supportbot.workflows.context import ActionContext
from supportbot.workflows.registry import Registrar
from supportbot.workflows.simulation import Simulation


class RaisePriority(BaseModel):
    """Raise the ticket's priority by `steps` towards P1 (never above P1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: int = Field(default=1, ge=1, le=3, description="how many steps towards P1")


async def raise_priority(ctx: ActionContext, p: RaisePriority) -> None:
    ticket = await ctx.ticket()
    index = max(PRIORITIES.index(ticket.priority) - p.steps, 0)
    if PRIORITIES[index] != ticket.priority:
        ctx.record(
            await ctx.desk.tickets.set_priority(
                ticket_id=ticket.number, priority=PRIORITIES[index], actor=None, source=ctx.source
            )
        )


# -- what each does in a replay (`supportbot workflows replay`) -------------------------------
def simulate_raise_priority(sim: Simulation, p: RaisePriority) -> None:
    current = sim.ticket.priority
    index = max(PRIORITIES.index(current) - p.steps, 0)
    if PRIORITIES[index] != current:
        sim.set_priority(PRIORITIES[index])


def simulate_handoff(sim: Simulation, p: HandoffParams) -> None:
    data = sim.happening.data
    department = p.department if p.department != REQUESTED else data.get("department")
    if department:
        sim.handoff(str(department), p.note or str(data.get("reason") or data.get("note") or ""))


def simulate_csat_poll(sim: Simulation, p: CsatPollParams) -> None:
    if sim.ticket.kind != "internal" or p.internal:
        sim.would_ask("csat")


def simulate_shoutout(sim: Simulation, p: Shoutout) -> None:
    ticket = sim.ticket
    if p.to == "assignee":
        receiver = ticket.assignee.handle if ticket.assignee else None
    else:
        receiver = sim.happening.actor if p.to == "actor" else p.to
    staff = ticket.assignee is not None if p.to == "assignee" else sim.people.is_staff(receiver)
    if receiver is None or not staff:
        return
    if p.within_sla and not sim.resolved_within_sla():
        return
    if not sim.already_gave_kudos(receiver):
        sim.give_kudos(receiver, p.points)


def register(registry: Registrar) -> None:
    """Register the collaboration actions on a workflow registry."""
    a = registry.action
    a("request_approval", RequestApproval, simulate=lambda sim, p: sim.request_approval())(
        request_approval
    )
    a("raise_priority", RaisePriority, simulate=simulate_raise_priority)(raise_priority)
    a("handoff", HandoffParams, simulate=simulate_handoff)(handoff)
    # The department's thread, and a note in the ticket's.
    a("handoff_thread", HandoffThread, simulate=lambda sim, p: sim.post(2))(handoff_thread)
    a("plan_sla", PlanSla, simulate=lambda sim, p: sim.plan_sla())(plan_sla)
    a("csat_poll", CsatPollParams, simulate=simulate_csat_poll)(csat_poll)
    a("offer_reopen", OfferReopen, simulate=lambda sim, p: sim.post())(offer_reopen)
    a("shoutout", Shoutout, needs_ticket=False, simulate=simulate_shoutout)(shoutout)
