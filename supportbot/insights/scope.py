"""WHERE clauses shared by every metric: the period and the filters, as SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.sql import ColumnElement

from supportbot.insights.period import Filters, Period
from supportbot.store.models import Organization, Person, Ticket


def in_period(column: Any, period: Period) -> list[ColumnElement[bool]]:
    return [column >= period.since, column < period.until]


def ticket_filters(filters: Filters) -> list[ColumnElement[bool]]:
    """Conditions on `tickets` for the filters (subqueries, so callers need no joins)."""
    out: list[ColumnElement[bool]] = []
    if filters.team is not None:
        out.append(Ticket.team == filters.team)
    if filters.category is not None:
        out.append(Ticket.category == filters.category)
    if filters.platform is not None:
        out.append(Ticket.origin_platform == filters.platform)
    if filters.channel is not None:
        out.append(Ticket.origin_channel == filters.channel)
    if filters.organization is not None:
        org = select(Organization.id).where(Organization.name == filters.organization)
        out.append(Ticket.organization_id.in_(org.scalar_subquery()))
    if filters.agent is not None:
        agent = select(Person.id).where(Person.handle == filters.agent)
        out.append(Ticket.assignee_id.in_(agent.scalar_subquery()))
    return out


def cohort(period: Period, filters: Filters) -> list[ColumnElement[bool]]:
    """Tickets created in the period that match the filters."""
    return [*in_period(Ticket.created_at, period), *ticket_filters(filters)]
