"""Actions that change the ticket itself, always through the ticket service."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from supportbot.config import Priority
from supportbot.workflows.context import ActionContext
from supportbot.workflows.refs import PersonName
from supportbot.workflows.registry import Registrar
from supportbot.workflows.simulation import Simulation


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SetPriority(Params):
    """Set the ticket's priority (P1–P4)."""

    priority: Priority


class SetCategory(Params):
    """Set the ticket's category (free text, e.g. billing, outage)."""

    category: str = Field(min_length=1)


class AddTags(Params):
    """Add tags to the ticket."""

    tags: list[str] = Field(min_length=1)


class Assign(Params):
    """Assign the ticket to a person of the support staff."""

    to: PersonName = Field(description="a person id from the config")


class Resolve(Params):
    """Resolve the ticket, with an optional internal note first."""

    note: str | None = Field(default=None, description="an internal note recorded first")


class AddNote(Params):
    """Add an internal note to the ticket's history."""

    text: str = Field(min_length=1)


async def set_priority(ctx: ActionContext, p: SetPriority) -> None:
    ctx.record(
        await ctx.desk.tickets.set_priority(
            ticket_id=ctx.ticket_id, priority=p.priority, actor=None, source=ctx.source
        )
    )


async def set_category(ctx: ActionContext, p: SetCategory) -> None:
    ctx.record(
        await ctx.desk.tickets.set_category(
            ticket_id=ctx.ticket_id, category=p.category, actor=None, source=ctx.source
        )
    )


async def add_tags(ctx: ActionContext, p: AddTags) -> None:
    ctx.record(
        await ctx.desk.tickets.add_tags(
            ticket_id=ctx.ticket_id, tags=p.tags, actor=None, source=ctx.source
        )
    )


async def assign(ctx: ActionContext, p: Assign) -> None:
    ctx.record(
        await ctx.desk.tickets.assign(
            ticket_id=ctx.ticket_id, assignee=p.to, actor=None, source=ctx.source
        )
    )


async def resolve(ctx: ActionContext, p: Resolve) -> None:
    if p.note:
        ctx.record(
            await ctx.desk.tickets.add_note(
                ticket_id=ctx.ticket_id, text=p.note, actor=None, source=ctx.source
            )
        )
    ctx.record(
        await ctx.desk.tickets.resolve(ticket_id=ctx.ticket_id, actor=None, source=ctx.source)
    )


async def add_note(ctx: ActionContext, p: AddNote) -> None:
    ctx.record(
        await ctx.desk.tickets.add_note(
            ticket_id=ctx.ticket_id, text=p.text, actor=None, source=ctx.source
        )
    )


# -- what each does in a replay (`supportbot workflows replay`) -------------------------------
def simulate_resolve(sim: Simulation, p: Resolve) -> None:
    if p.note:
        sim.add_note(p.note)
    sim.resolve()


def register(registry: Registrar) -> None:
    a = registry.action
    a("set_priority", SetPriority, simulate=lambda sim, p: sim.set_priority(p.priority))(
        set_priority
    )
    a("set_category", SetCategory, simulate=lambda sim, p: sim.set_category(p.category))(
        set_category
    )
    a("add_tags", AddTags, simulate=lambda sim, p: sim.add_tags(p.tags))(add_tags)
    a("assign", Assign, simulate=lambda sim, p: sim.assign(p.to))(assign)
    a("resolve", Resolve, simulate=simulate_resolve)(resolve)
    a("add_note", AddNote, simulate=lambda sim, p: sim.add_note(p.text))(add_note)
