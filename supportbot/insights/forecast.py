"""Staffing forecast: tickets expected per hour of the coming week(s) and agents needed.

Method: an hour-of-week profile scaled by a linear trend.
  1. Count tickets per hour over the last `history_weeks` whole weeks before the start
     (one aggregate query; hours are then placed on the desk's local week). Only complete weeks
     count: a week that began before the desk's first ticket is partial (the desk opened during
     it), and its low total would read as growth. A desk younger than a week uses what it has,
     with no trend.
  2. Profile: for each of the 168 hours of the week, the mean count across those weeks.
  3. Trend: fit a least-squares line through the weekly totals and extrapolate it to each
     coming week; the forecast for an hour is profile × (extrapolated total / mean total).
Why: support traffic is dominated by a strong weekly rhythm (working hours, weekdays), so
the same hour in previous weeks is the best predictor of an hour; averaging weeks smooths the
noise of small counts, and a straight line on weekly totals follows growth without the
history (several seasons) that Holt-Winters or ARIMA models need to be trustworthy.
Agents per hour come from Erlang C (`erlang.staffing`) for the target share answered within
the first-response target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.insights import erlang
from supportbot.insights.period import Period
from supportbot.insights.scope import in_period
from supportbot.insights.ticket_queries import hourly_counts
from supportbot.store.models import Ticket

HOUR = timedelta(hours=1)
WEEK_HOURS = 168
MIN_FACTOR, MAX_FACTOR = 0.5, 2.0


@dataclass(frozen=True, slots=True)
class ForecastSettings:
    weeks: int = 1
    history_weeks: int = 8
    aht_seconds: float = 900.0  # average handling time of a ticket
    within_seconds: float = 300.0  # answer within (the first-response target)
    service_level: float = 0.8  # share to answer within it


@dataclass(frozen=True, slots=True)
class ForecastHour:
    start: datetime  # UTC
    expected: float
    agents: int


@dataclass(frozen=True, slots=True)
class Forecast:
    settings: ForecastSettings
    zone: str
    start: datetime
    history_weeks_used: int
    weekly_totals: tuple[int, ...]
    trend_per_week: float  # tickets per week, from the fitted line
    hours: tuple[ForecastHour, ...]


def slot_of(moment: datetime, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


def weekly_buckets(
    counts: Mapping[datetime, int], start: datetime, weeks: int, zone: ZoneInfo
) -> list[list[int]]:
    """counts[UTC hour] -> weeks × 168 local hour-of-week cells; week 0 is the oldest."""
    grid = [[0] * WEEK_HOURS for _ in range(weeks)]
    first = start - timedelta(weeks=weeks)
    for hour, count in counts.items():
        if first <= hour < start:
            week = int((hour - first) / timedelta(weeks=1))
            grid[week][slot_of(hour, zone)] += count
    return grid


def fit_line(values: Sequence[float]) -> tuple[float, float]:
    """Least squares y = a + b·x for x = 0..n-1; returns (a, b)."""
    n = len(values)
    if n == 0:
        return 0.0, 0.0
    if n == 1:
        return float(values[0]), 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    sxx = sum((x - mean_x) ** 2 for x in range(n))
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    slope = sxy / sxx
    return mean_y - slope * mean_x, slope


def project(
    grid: Sequence[Sequence[int]], weeks_ahead: int, *, trend: bool = True
) -> tuple[list[list[float]], float]:
    """Per coming week, expected tickets per hour-of-week slot; and the trend per week."""
    n = len(grid)
    if n == 0:
        return [[0.0] * WEEK_HOURS for _ in range(weeks_ahead)], 0.0
    profile = [sum(week[s] for week in grid) / n for s in range(WEEK_HOURS)]
    totals = [sum(week) for week in grid]
    mean_total = sum(totals) / n
    a, b = fit_line(totals) if trend else (mean_total, 0.0)
    out = []
    for k in range(weeks_ahead):
        predicted = max(0.0, a + b * (n + k))
        factor = min(MAX_FACTOR, max(MIN_FACTOR, predicted / mean_total)) if mean_total else 0.0
        out.append([p * factor for p in profile])
    return out, b


def build_forecast(
    counts: Mapping[datetime, int],
    start: datetime,
    settings: ForecastSettings,
    zone: ZoneInfo,
    opened: datetime | None = None,
) -> Forecast:
    """`opened`: the desk's first ticket, when known; weeks that began before it are dropped
    (without it, only the empty weeks before the first counted hour are)."""
    grid = weekly_buckets(counts, start, settings.history_weeks, zone)
    complete = grid
    if opened is not None:
        first_start = start - timedelta(weeks=settings.history_weeks)
        complete = [w for i, w in enumerate(grid) if first_start + timedelta(weeks=i) >= opened]
    else:
        while complete and sum(complete[0]) == 0:  # a young desk: skip the weeks before it
            complete = complete[1:]
    if complete:
        grid = complete
        weeks, trend = project(grid, settings.weeks)
    else:  # younger than a week: the partial weeks' profile, and no trend to speak of
        grid = [w for w in grid if sum(w)]
        weeks, trend = project(grid, settings.weeks, trend=False)
    hours = []
    for i in range(settings.weeks * WEEK_HOURS):
        moment = start + i * HOUR
        expected = weeks[i // WEEK_HOURS][slot_of(moment, zone)]
        staff = erlang.staffing(
            calls=expected,
            interval_seconds=3600,
            aht_seconds=settings.aht_seconds,
            within_seconds=settings.within_seconds,
            target=settings.service_level,
        )
        hours.append(ForecastHour(moment, expected, staff.agents))
    totals = tuple(sum(week) for week in grid)
    return Forecast(settings, zone.key, start, len(grid), totals, trend, tuple(hours))


async def forecast(
    session: AsyncSession, now: datetime, zone: ZoneInfo, settings: ForecastSettings
) -> Forecast:
    """Forecast from the hour that contains `now` (history: the whole weeks before it)."""
    start = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    history = Period(start - timedelta(weeks=settings.history_weeks), start)
    rows = await hourly_counts(session, in_period(Ticket.created_at, history))
    opened = await session.scalar(select(func.min(Ticket.created_at)))
    return build_forecast(dict(rows), start, settings, zone, opened)
