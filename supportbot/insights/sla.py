"""SLA compliance for first response and resolution, with the list of breaches.

Targets come from `Config.sla` (per priority, overridden per organisation tier). When the SLA
counts business hours, elapsed time is business time (`supportbot.business_hours`). The database
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

from sqlalchemy import and_, case, func, literal, null, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from supportbot.business_hours import BusinessCalendar
from supportbot.config import Config, Sla
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


@dataclass(frozen=True, slots=True)
class _ClockSql:
    """One clock's pieces as SQL: when it stopped, its target, its wall-clock time."""

    name: str
    done_at: Any
    target: ColumnElement[Any]
    over: ColumnElement[bool]  # wall-clock time beyond target: a candidate for a breach
    within: ColumnElement[bool]  # wall-clock time within target: settled without Python

    @classmethod
    def of(cls, name: str, sla: Sla, now: datetime) -> _ClockSql:
        done_at = Ticket.first_response_at if name == "first_response" else Ticket.resolved_at
        target = target_seconds(sla, name)
        wall: ColumnElement[float] = seconds_between(
            func.coalesce(done_at, literal(now, UtcDateTime())), Ticket.created_at
        )
        if name == "resolution":
            wall = wall - Ticket.paused_seconds
        has_target = target.is_not(None)
        return cls(name, done_at, target, and_(has_target, wall > target),
                   and_(has_target, wall <= target))  # fmt: skip


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def sla_report(
    session: AsyncSession, config: Config, where: Sequence[ColumnElement[bool]], now: datetime
) -> SlaReport:
    """Two scans in all: one counts the settled tickets, one returns the candidates."""
    if not config.sla.targets and not any(config.sla.tiers.values()):
        nothing = [SlaClock(name, 0, 0, 0) for name in CLOCKS]
        return SlaReport(config.sla.business_hours, nothing[0], nothing[1], ())
    clocks = [_ClockSql.of(name, config.sla, now) for name in CLOCKS]
    source = Ticket.__table__.outerjoin(
        Organization.__table__, Organization.id == Ticket.organization_id
    )
    counts = (
        select(
            *(
                _count_if(and_(condition, c.within))
                for c in clocks
                for condition in (c.done_at.is_not(None), c.done_at.is_(None))
            )
        )
        .select_from(source)
        .where(*where)
    )
    settled = [int(x) for x in (await session.execute(counts)).one()]
    candidates = (
        select(
            Ticket.id,
            Ticket.priority,
            Ticket.created_at,
            Ticket.paused_seconds,
            *(col for c in clocks for col in (c.done_at, c.target, c.over)),
        )
        .select_from(source)
        .where(*where, or_(*(c.over for c in clocks)))
    )
    rows = (await session.execute(candidates)).all()
    tallies = [
        _measure(config, c.name, rows, i, now, settled[2 * i], settled[2 * i + 1])
        for i, c in enumerate(clocks)
    ]
    breaches = tuple(sorted((b for t in tallies for b in t.breaches), key=_breach_order))
    first, resolution = (
        SlaClock(name, t.met, t.breached, t.pending)
        for name, t in zip(CLOCKS, tallies, strict=True)
    )
    return SlaReport(config.sla.business_hours, first, resolution, breaches)


def _breach_order(b: SlaBreach) -> tuple[int, int]:
    return CLOCKS.index(b.clock), b.ticket_id


def _measure(
    config: Config,
    clock: str,
    rows: Sequence[Any],
    index: int,
    now: datetime,
    met: int,
    pending: int,
) -> _Tally:
    """Settle the candidates of clock number `index` in business (or wall) time."""
    breaches: list[SlaBreach] = []
    calendar = BusinessCalendar(config.business_hours)
    at = 4 + 3 * index  # this clock's (done_at, target, over) columns
    for row in rows:
        ticket_id, priority, created, paused_seconds = row[:4]
        done, target, over = row[at : at + 3]
        if not over:
            continue
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
