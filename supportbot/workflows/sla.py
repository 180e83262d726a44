"""When the requester may expect a first answer, for acknowledgements ("by Mon 10:30")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from supportbot.config import BusinessHours, Config
from supportbot.tickets.view import TicketView

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HORIZON_DAYS = 366  # a calendar with no open day at all must not loop for ever


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


def add_business_time(start: datetime, amount: timedelta, hours: BusinessHours) -> datetime | None:
    """The moment `amount` of business time after `start` has elapsed."""
    left = amount
    day = start.astimezone(hours.zone).date()
    for _ in range(_HORIZON_DAYS):
        window = _window(day, hours)
        if window is not None:
            opens, closes = max(window[0], start), window[1]
            if closes > opens:
                if opens + left <= closes:
                    return opens + left
                left -= closes - opens
        day += timedelta(days=1)
    return None


def _window(day: date, hours: BusinessHours) -> tuple[datetime, datetime] | None:
    if _WEEKDAYS[day.weekday()] not in hours.days or day in hours.holidays:
        return None
    opens = datetime.combine(day, hours.start, tzinfo=hours.zone).astimezone(UTC)
    closes = datetime.combine(day, hours.end, tzinfo=hours.zone).astimezone(UTC)
    return opens, closes
