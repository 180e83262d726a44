"""Things that happened in the period on matching tickets: CSAT, escalations, hand-offs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from supportbot.insights.model import Csat, Escalations, HandoffStats, Spread
from supportbot.insights.period import Filters, Period
from supportbot.insights.scope import in_period, ticket_filters
from supportbot.insights.sqlexpr import percentiles, seconds_between
from supportbot.insights.ticket_queries import spread
from supportbot.store.models import CsatPoll, Escalation, Handoff, Ticket


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def csat(session: AsyncSession, period: Period, filters: Filters) -> Csat:
    """Polls sent in the period; answers by score; average of the answered ones."""
    where = [*in_period(CsatPoll.sent_at, period), *ticket_filters(filters)]
    answered = CsatPoll.score.is_not(None)
    query = (
        select(
            func.count(),
            _count_if(answered),
            func.avg(CsatPoll.score),
            *[_count_if(CsatPoll.score == s) for s in range(1, 6)],
        )
        .select_from(CsatPoll)
        .join(Ticket, Ticket.id == CsatPoll.ticket_id)
        .where(*where)
    )
    row = (await session.execute(query)).one()
    dist = tuple(int(x) for x in row[3:8])
    average = None if row[2] is None else float(row[2])
    return Csat(int(row[0]), int(row[1]), average, (dist[0], dist[1], dist[2], dist[3], dist[4]))


async def escalations(session: AsyncSession, period: Period, filters: Filters) -> Escalations:
    """Escalations requested in the period; time to decision over the decided ones."""
    source = Escalation.__table__.join(Ticket.__table__, Ticket.id == Escalation.ticket_id)
    where = [*in_period(Escalation.requested_at, period), *ticket_filters(filters)]
    query = (
        select(
            func.count(),
            _count_if(Escalation.status == "approved"),
            _count_if(Escalation.status == "denied"),
        )
        .select_from(source)
        .where(*where)
    )
    row = (await session.execute(query)).one()
    decided = seconds_between(Escalation.decided_at, Escalation.requested_at)
    decision = await spread(session, decided, where, source)
    return Escalations(int(row[0]), int(row[1]), int(row[2]), decision)


async def handoffs(
    session: AsyncSession, period: Period, filters: Filters
) -> tuple[HandoffStats, ...]:
    """Hand-offs opened in the period, per department."""
    source = Handoff.__table__.join(Ticket.__table__, Ticket.id == Handoff.ticket_id)
    where = [*in_period(Handoff.opened_at, period), *ticket_filters(filters)]
    dept = Handoff.department
    to_accept = seconds_between(Handoff.accepted_at, Handoff.opened_at)
    to_close = seconds_between(Handoff.closed_at, Handoff.opened_at)
    counts = (
        select(
            dept,
            func.count(),
            func.count(Handoff.accepted_at),
            func.count(Handoff.closed_at),
        )
        .select_from(source)
        .where(*where)
        .group_by(dept)
        .order_by(dept)
    )
    rows = (await session.execute(counts)).all()
    accept = await _by_department(session, to_accept, where, source)
    close = await _by_department(session, to_close, where, source)
    return tuple(
        HandoffStats(
            name,
            int(opened),
            int(accepted),
            int(closed),
            Spread(int(accepted), *accept.get(name, (None, None))),
            Spread(int(closed), *close.get(name, (None, None))),
        )
        for name, opened, accepted, closed in rows
    )


async def _by_department(
    session: AsyncSession,
    value: ColumnElement[float],
    where: Sequence[ColumnElement[bool]],
    source: Any,
) -> dict[str, tuple[float | None, float | None]]:
    values = (
        select(Handoff.department.label("g"), value.label("v")).select_from(source).where(*where)
    )
    found = await percentiles(session, values)
    return {str(k): (v.values[0], v.values[1]) for k, v in found.items()}
