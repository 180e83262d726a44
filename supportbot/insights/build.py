"""`compute_metrics`: every figure of a report, for one period and set of filters.

Ticket figures (volume, first response, resolution, SLA, busiest hours) cover the cohort of
tickets *created* in the period. Activity figures (CSAT polls sent, escalations requested,
hand-offs opened, kudos given) cover what *happened* in the period, on tickets matching the
filters. First-response bands use wall-clock time (what the customer lives through); the SLA uses
business time when the configuration says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.config import Config
from supportbot.insights import activity_queries, agent_queries, ticket_queries
from supportbot.insights.model import Metrics
from supportbot.insights.period import Filters, Period
from supportbot.insights.scope import cohort
from supportbot.insights.self_service import self_service
from supportbot.insights.sla import sla_report

Progress = Callable[[str], None]


def _quiet(_step: str) -> None:
    return None


STEPS = 10


async def compute_metrics(
    session: AsyncSession,
    config: Config,
    period: Period,
    filters: Filters | None = None,
    *,
    now: datetime | None = None,
    progress: Progress = _quiet,
) -> Metrics:
    """Read-only: runs aggregate queries and returns the figures (`progress` is told each step)."""
    filters = filters or Filters()
    now = now or datetime.now(UTC)
    where = cohort(period, filters)
    zone = config.business_hours.zone
    progress("volume")
    volume, bands = await ticket_queries.volume_and_bands(session, where)
    progress("first response")
    first = await ticket_queries.spread(session, ticket_queries.FIRST_RESPONSE, where)
    progress("resolution")
    resolution = await ticket_queries.spread(session, ticket_queries.RESOLUTION, where)
    progress("sla")
    sla = await sla_report(session, config, where, now)
    progress("csat")
    csat = await activity_queries.csat(session, period, filters)
    progress("escalations")
    escalations = await activity_queries.escalations(session, period, filters)
    progress("hand-offs")
    handoffs = await activity_queries.handoffs(session, period, filters)
    progress("agents")
    agents = await agent_queries.agent_table(session, period, filters)
    progress("hours")
    hourly = await ticket_queries.hourly_counts(session, where)
    progress("self-service")
    served = await self_service(session, period)
    return Metrics(
        period=period,
        filters=filters,
        zone=config.business_hours.timezone,
        volume=volume,
        first_response=first,
        bands=bands,
        resolution=resolution,
        sla=sla,
        csat=csat,
        escalations=escalations,
        handoffs=handoffs,
        agents=agents,
        daily=ticket_queries.daily_volume(hourly, period.since, period.until, zone),
        week_heat=ticket_queries.week_heat(hourly, zone),
        generated_at=now,
        self_service=served,
    )
