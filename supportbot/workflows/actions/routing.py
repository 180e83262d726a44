"""`route`: move a ticket to a team and optionally pick an on-duty agent of that team."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.store import direct
from supportbot.store.models import Ticket
from supportbot.tickets.states import OPEN
from supportbot.workflows.context import ActionContext
from supportbot.workflows.refs import TeamName
from supportbot.workflows.registry import Registrar
from supportbot.workflows.simulation import Simulation

log = logging.getLogger(__name__)


class Route(BaseModel):
    """Move the ticket to a team; optionally assign an on-duty agent of that team
    (`round_robin` takes turns, `least_open` picks whoever has the fewest open tickets)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    team: TeamName
    assign: Literal["none", "round_robin", "least_open"] = "none"


async def route(ctx: ActionContext, p: Route) -> None:
    tickets = ctx.desk.tickets
    ticket = await ctx.ticket()
    if ticket.team != p.team:
        ticket = ctx.record(
            await tickets.set_team(
                ticket_id=ticket.number, team=p.team, actor=None, source=ctx.source
            )
        )
    if p.assign == "none" or ticket.assignee is not None:
        return
    agents = ctx.desk.people.agents_of(p.team)
    if not agents:
        log.info(
            "route %s: nobody on duty in %s; ticket #%s stays unassigned",
            ctx.workflow,
            p.team,
            ticket.number,
        )
        return
    chosen = await choose(ctx, p, agents)
    ctx.record(
        await tickets.assign(
            ticket_id=ticket.number, assignee=chosen, actor=None, source=ctx.source
        )
    )


async def choose(ctx: ActionContext, p: Route, agents: list[str]) -> str:
    pick = round_robin if p.assign == "round_robin" else least_open
    async with ctx.desk.db.sessions.begin() as session:
        ids = [(await ctx.desk.people.ensure(session, handle)).id for handle in agents]
        return agents[ids.index(await pick(session, p.team, ids))]


# The cursor is one row per team, read and moved on every routed ticket: three short
# statements, where the ORM's SELECT and flush cost a multiple. Its first row comes from an
# INSERT that a replica creating it at the same moment does not break.
_CURSOR_ROW = direct.Direct("""
    INSERT INTO round_robin (team, last_person_id) VALUES (:team, NULL)
    ON CONFLICT (team) DO NOTHING""")
_CURSOR = direct.Direct("SELECT last_person_id FROM round_robin WHERE team = :team")
_CURSOR_LOCKED = direct.Direct(
    "SELECT last_person_id FROM round_robin WHERE team = :team FOR UPDATE"
)
_CURSOR_MOVE = direct.Direct("UPDATE round_robin SET last_person_id = :person WHERE team = :team")


async def round_robin(session: AsyncSession, team: str, ids: list[int]) -> int:
    """The agent after the one chosen last time (the cursor row is locked on PostgreSQL;
    SQLite's one writer holds the database already)."""
    await direct.execute(session, _CURSOR_ROW, {"team": team})
    read = _CURSOR_LOCKED if await direct.dialect(session) == "postgresql" else _CURSOR
    last = await direct.scalar(session, read, {"team": team})
    index = (ids.index(last) + 1) % len(ids) if last in ids else 0
    await direct.execute(session, _CURSOR_MOVE, {"team": team, "person": ids[index]})
    return ids[index]


async def least_open(session: AsyncSession, team: str, ids: list[int]) -> int:
    """The agent with the fewest open tickets; ties go to the first in the config."""
    rows = await session.execute(
        select(Ticket.assignee_id, func.count())
        .where(Ticket.assignee_id.in_(ids), Ticket.status.in_([s.value for s in OPEN]))
        .group_by(Ticket.assignee_id)
    )
    load = {person_id: count for person_id, count in rows}
    return min(ids, key=lambda i: (load.get(i, 0), ids.index(i)))


def simulate_route(sim: Simulation, p: Route) -> None:
    """As `route`, except that who round robin or least-open picks is left open (the cursor
    and the queue lengths of that moment are not in the audit trail)."""
    if sim.ticket.team != p.team:
        sim.set_team(p.team)
    if p.assign == "none" or sim.ticket.assignee is not None:
        return
    if sim.people.agents_of(p.team):
        sim.assign_from(p.team, p.assign)


def register(registry: Registrar) -> None:
    registry.action("route", Route, simulate=simulate_route)(route)
