"""SLA compliance for first response and resolution, with the list of breaches.

Targets come from `Config.sla` (per priority, overridden per organisation tier). When the SLA
counts business hours, elapsed time is business time (`bizhours.business_seconds`). The database
does the bulk of the work: business time never exceeds wall-clock time, so every ticket whose
wall-clock time is within target is compliant (or still pending) and is only *counted* in SQL;
only the rest — the candidates for a breach — come back as rows to be measured in business time.
The resolution clock excludes `paused_seconds` (time spent waiting on the customer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, null, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from supportbot.config import Config, Sla
from supportbot.insights.bizhours import BusinessCalendar
from supportbot.insights.model import SlaBreach, SlaClock, SlaReport
from supportbot.insights.sqlexpr import seconds_between
from supportbot.store.models import Organization, Ticket, UtcDateTime

CLOCKS = ("first_response", "resolution")


@dataclass(frozen=True, slots=True)
class _Tally:
    met: int
    breached: int
    pending: int
    breaches: tuple[SlaBreach, ...]


def target_seconds(sla: Sla, clock: str) -> ColumnElement[Any]:
    """A CASE giving each ticket's target in seconds for `clock` (NULL: no target)."""
    tier = func.coalesce(Organization.tier, "")
    whens: list[tuple[ColumnElement[bool], float]] = []
    for tier_name, by_priority in sla.tiers.items():
        for priority, target in by_priority.items():
            seconds = getattr(target, clock).total_seconds()
            whens.append((and_(tier == tier_name, Ticket.priority == priority), seconds))
    for priority, target in sla.targets.items():
        whens.append((Ticket.priority == priority, getattr(target, clock).total_seconds()))
    if not whens:
        return null()
    return case(*whens, else_=null())


async def sla_report(
    session: AsyncSession, config: Config, where: Sequence[ColumnElement[bool]], now: datetime
) -> SlaReport:
    tallies = [await _clock(session, config, where, now, clock) for clock in CLOCKS]
    breaches = tuple(b for t in tallies for b in t.breaches)
    first, resolution = (
        SlaClock(clock, t.met, t.breached, t.pending)
        for clock, t in zip(CLOCKS, tallies, strict=True)
    )
    return SlaReport(config.sla.business_hours, first, resolution, breaches)


async def _clock(
    session: AsyncSession,
    config: Config,
    where: Sequence[ColumnElement[bool]],
    now: datetime,
    clock: str,
) -> _Tally:
    done_at = Ticket.first_response_at if clock == "first_response" else Ticket.resolved_at
    target = target_seconds(config.sla, clock).label("target")
    wall: ColumnElement[float] = seconds_between(
        func.coalesce(done_at, literal(now, UtcDateTime())), Ticket.created_at
    )
    if clock == "resolution":
        wall = wall - Ticket.paused_seconds
    source = Ticket.__table__.outerjoin(
        Organization.__table__, Organization.id == Ticket.organization_id
    )
    scoped = [*where, target.is_not(None)]
    within = wall <= target
    counts = (
        select(
            func.coalesce(func.sum(case((and_(done_at.is_not(None), within), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(done_at.is_(None), within), 1), else_=0)), 0),
        )
        .select_from(source)
        .where(*scoped)
    )
    met, pending = (int(x) for x in (await session.execute(counts)).one())
    candidates = (
        select(
            Ticket.id, Ticket.priority, Ticket.created_at, done_at, Ticket.paused_seconds, target
        )
        .select_from(source)
        .where(*scoped, wall > target)
        .order_by(Ticket.id)
    )
    rows = (await session.execute(candidates)).all()
    return _measure(config, clock, rows, now, met, pending)


def _measure(
    config: Config, clock: str, rows: Sequence[Any], now: datetime, met: int, pending: int
) -> _Tally:
    """Settle the candidates in business time (or wall time) against their targets."""
    breaches: list[SlaBreach] = []
    calendar = BusinessCalendar(config.business_hours)
    for ticket_id, priority, created, done, paused_seconds, target in rows:
        end = done or now
        if config.sla.business_hours:
            elapsed = calendar.elapsed(created, end)
        else:
            elapsed = (end - created).total_seconds()
        if clock == "resolution":
            elapsed = max(0.0, elapsed - paused_seconds)
        if elapsed > target:
            breaches.append(
                SlaBreach(ticket_id, clock, priority, float(target), elapsed, done is None)
            )
        elif done is None:
            pending += 1
        else:
            met += 1
    return _Tally(met, len(breaches), pending, tuple(breaches))
