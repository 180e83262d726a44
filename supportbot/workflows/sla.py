"""When the requester may expect a first answer, for acknowledgements ("by Mon 10:30")."""

from __future__ import annotations

from datetime import datetime

from supportbot.business_hours import add_business_time
from supportbot.config import Config
from supportbot.tickets.view import TicketView


def first_response_due(ticket: TicketView, config: Config, now: datetime) -> datetime | None:
    """The first-response deadline in the desk's time zone, or None without an SLA target."""
    target = config.sla.target(ticket.priority, ticket.requester.tier)
    if target is None:
        return None
    hours = config.business_hours
    start = max(now, ticket.created_at)
    if not config.sla.business_hours:
        return (start + target.first_response).astimezone(hours.zone)
    due = add_business_time(start, target.first_response, hours)
    return due.astimezone(hours.zone) if due else None
