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
from supportbot.collab.handoffs import HandoffParams, HandoffThread, handoff, handoff_thread
from supportbot.collab.kudos import Shoutout, shoutout
from supportbot.collab.sla import PlanSla, plan_sla
from supportbot.config import PRIORITIES
from supportbot.workflows.context import ActionContext
from supportbot.workflows.registry import Registrar


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


def register(registry: Registrar) -> None:
    """Register the collaboration actions on a workflow registry."""
    registry.action("request_approval", RequestApproval)(request_approval)
    registry.action("raise_priority", RaisePriority)(raise_priority)
    registry.action("handoff", HandoffParams)(handoff)
    registry.action("handoff_thread", HandoffThread)(handoff_thread)
    registry.action("plan_sla", PlanSla)(plan_sla)
    registry.action("csat_poll", CsatPollParams)(csat_poll)
    registry.action("offer_reopen", OfferReopen)(offer_reopen)
    registry.action("shoutout", Shoutout, needs_ticket=False)(shoutout)
