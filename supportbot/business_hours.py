"""Business time: the one definition every SLA clock, acknowledgement and report uses.

Working days are the configured weekdays minus holidays, each open from `start` to `end` in the
desk's time zone (daylight saving handled by the zone). All functions take and return aware
datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from supportbot.config import BusinessHours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HORIZON_DAYS = 366  # a calendar with no open day at all must not loop for ever


def window(day: date, hours: BusinessHours) -> tuple[datetime, datetime] | None:
    """The day's open hours in UTC, or None on a closed day."""
    if WEEKDAYS[day.weekday()] not in hours.days or day in hours.holidays:
        return None
    opens = datetime.combine(day, hours.start, tzinfo=hours.zone).astimezone(UTC)
    closes = datetime.combine(day, hours.end, tzinfo=hours.zone).astimezone(UTC)
    return (opens, closes) if closes > opens else None


def is_open(at: datetime, hours: BusinessHours) -> bool:
    """True when `at` falls inside business hours."""
    span = window(at.astimezone(hours.zone).date(), hours)
    return span is not None and span[0] <= at < span[1]


def add_business_time(start: datetime, amount: timedelta, hours: BusinessHours) -> datetime | None:
    """The moment `amount` of business time after `start` has elapsed (None: never open)."""
    left = amount
    day = start.astimezone(hours.zone).date()
    for _ in range(HORIZON_DAYS):
        span = window(day, hours)
        if span is not None:
            opens, closes = max(span[0], start), span[1]
            if closes > opens:
                if opens + left <= closes:
                    return opens + left
                left -= closes - opens
        day += timedelta(days=1)
    return None


def business_seconds(start: datetime, end: datetime, hours: BusinessHours) -> float:
    """Seconds of `[start, end)` inside business hours (0 when `end <= start`)."""
    if end <= start:
        return 0.0
    total = 0.0
    day, last = start.astimezone(hours.zone).date(), end.astimezone(hours.zone).date()
    while day <= last:
        span = window(day, hours)
        if span is not None:
            lo, hi = max(start, span[0]), min(end, span[1])
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total
