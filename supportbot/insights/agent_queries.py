"""The per-agent table: handled tickets, first response, CSAT and kudos per assignee."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.insights.model import AgentRow
from supportbot.insights.period import Filters, Period
from supportbot.insights.scope import cohort, in_period, ticket_filters
from supportbot.insights.sqlexpr import percentiles
from supportbot.insights.ticket_queries import FIRST_RESPONSE
from supportbot.store.models import CsatPoll, KudosAward, Person, Ticket


@dataclass(slots=True)
class _Row:
    handled: int = 0
    resolved: int = 0
    first_response: float | None = None
    csat_average: float | None = None
    csat_answers: int = 0
    kudos: int = 0


async def agent_table(
    session: AsyncSession, period: Period, filters: Filters
) -> tuple[AgentRow, ...]:
    rows: dict[int, _Row] = {}
    where = [*cohort(period, filters), Ticket.assignee_id.is_not(None)]
    handled = (
        select(
            Ticket.assignee_id,
            func.count(),
            func.coalesce(func.sum(case((Ticket.resolved_at.is_not(None), 1), else_=0)), 0),
        )
        .where(*where)
        .group_by(Ticket.assignee_id)
    )
    for agent, count, resolved in (await session.execute(handled)).all():
        rows.setdefault(agent, _Row()).handled, rows[agent].resolved = int(count), int(resolved)
    medians = await percentiles(
        session, select(Ticket.assignee_id.label("g"), FIRST_RESPONSE.label("v")).where(*where)
    )
    for agent, figures in medians.items():
        rows.setdefault(agent, _Row()).first_response = figures.values[0]
    await _add_csat(session, period, filters, rows)
    await _add_kudos(session, period, filters, rows)
    return await _named(session, rows)


async def _add_csat(
    session: AsyncSession, period: Period, filters: Filters, rows: dict[int, _Row]
) -> None:
    query = (
        select(Ticket.assignee_id, func.avg(CsatPoll.score), func.count(CsatPoll.score))
        .select_from(CsatPoll)
        .join(Ticket, Ticket.id == CsatPoll.ticket_id)
        .where(
            *in_period(CsatPoll.sent_at, period),
            *ticket_filters(filters),
            Ticket.assignee_id.is_not(None),
            CsatPoll.score.is_not(None),
        )
        .group_by(Ticket.assignee_id)
    )
    for agent, average, answers in (await session.execute(query)).all():
        row = rows.setdefault(agent, _Row())
        row.csat_average, row.csat_answers = float(average), int(answers)


async def _add_kudos(
    session: AsyncSession, period: Period, filters: Filters, rows: dict[int, _Row]
) -> None:
    """Kudos points received in the period (only the agent filter applies: kudos may have no
    ticket)."""
    query = (
        select(KudosAward.receiver_id, func.sum(KudosAward.points))
        .where(*in_period(KudosAward.at, period))
        .group_by(KudosAward.receiver_id)
    )
    if filters.agent is not None:
        agent = select(Person.id).where(Person.handle == filters.agent).scalar_subquery()
        query = query.where(KudosAward.receiver_id.in_(agent))
    for person, points in (await session.execute(query)).all():
        rows.setdefault(person, _Row()).kudos = int(points or 0)


async def _named(session: AsyncSession, rows: dict[int, _Row]) -> tuple[AgentRow, ...]:
    if not rows:
        return ()
    people = await session.execute(
        select(Person.id, Person.handle, Person.name).where(Person.id.in_(list(rows)))
    )
    names = {pid: (handle, name) for pid, handle, name in people.all()}
    table = [
        AgentRow(
            names.get(pid, (str(pid), str(pid)))[0],
            names.get(pid, (str(pid), str(pid)))[1],
            r.handled,
            r.resolved,
            r.first_response,
            r.csat_average,
            r.csat_answers,
            r.kudos,
        )
        for pid, r in rows.items()
    ]
    table.sort(key=lambda a: (-a.handled, -a.kudos_points, a.handle))
    return tuple(table)
