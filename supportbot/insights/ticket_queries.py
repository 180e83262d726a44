"""Ticket figures for a cohort (tickets created in the period): one aggregate query each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from supportbot.insights.model import BAND_LIMITS, Bands, Spread, Volume
from supportbot.insights.sqlexpr import hour_bucket, percentiles, seconds_between
from supportbot.store.models import Ticket

FIRST_RESPONSE = seconds_between(Ticket.first_response_at, Ticket.created_at)
RESOLUTION = seconds_between(Ticket.resolved_at, Ticket.created_at)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def volume_and_bands(
    session: AsyncSession, where: Sequence[ColumnElement[bool]]
) -> tuple[Volume, Bands]:
    answered = Ticket.first_response_at.is_not(None)
    lo, mid, hi = BAND_LIMITS
    query = select(
        func.count(),
        _count_if(Ticket.resolved_at.is_not(None)),
        _count_if(Ticket.reopen_count > 0),
        _count_if(Ticket.resolved_at.is_not(None) | (Ticket.reopen_count > 0)),
        _count_if(Ticket.first_response_at.is_(None)),
        _count_if(answered & (lo >= FIRST_RESPONSE)),
        _count_if(answered & (lo < FIRST_RESPONSE) & (mid >= FIRST_RESPONSE)),
        _count_if(answered & (mid < FIRST_RESPONSE) & (hi >= FIRST_RESPONSE)),
        _count_if(answered & (hi < FIRST_RESPONSE)),
    ).where(*where)
    row = (await session.execute(query)).one()
    n = [int(x) for x in row]
    return Volume(n[0], n[1], n[2], n[3], n[4]), Bands((n[5], n[6], n[7], n[8]))


async def spread(
    session: AsyncSession,
    value: ColumnElement[Any],
    where: Sequence[ColumnElement[bool]],
    source: Any = Ticket,
) -> Spread:
    """Count, median and p90 of `value` over rows of `source` matching `where` (NULLs ignored)."""
    values = select(value.label("v")).select_from(source).where(*where)
    found = (await percentiles(session, values)).get(None)
    if found is None:
        return Spread(0, None, None)
    return Spread(found.count, found.values[0], found.values[1])


async def hourly_counts(
    session: AsyncSession, where: Sequence[ColumnElement[bool]]
) -> list[tuple[datetime, int]]:
    """Tickets created per UTC hour (only hours with tickets)."""
    bucket = hour_bucket(Ticket.created_at)
    query = select(bucket, func.count()).where(*where).group_by(bucket).order_by(bucket)
    rows = (await session.execute(query)).all()
    return [(datetime.strptime(b, "%Y-%m-%d %H").replace(tzinfo=UTC), int(c)) for b, c in rows]


def daily_volume(
    hourly: Sequence[tuple[datetime, int]], since: datetime, until: datetime, zone: ZoneInfo
) -> tuple[tuple[date, int], ...]:
    """Per local day from the first to the last day of the period, zeros included."""
    first = since.astimezone(zone).date()
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    days = {first + timedelta(days=i): 0 for i in range((last - first).days + 1)}
    for hour, count in hourly:
        day = hour.astimezone(zone).date()
        if day in days:
            days[day] += count
    return tuple(days.items())


def week_heat(
    hourly: Sequence[tuple[datetime, int]], zone: ZoneInfo
) -> tuple[tuple[int, ...], ...]:
    """Tickets per [weekday][hour] in local time (zones with half-hour offsets round down)."""
    grid = [[0] * 24 for _ in range(7)]
    for hour, count in hourly:
        local = hour.astimezone(zone)
        grid[local.weekday()][local.hour] += count
    return tuple(tuple(row) for row in grid)
