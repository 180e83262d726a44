"""Business time: how many seconds of an interval fall inside the desk's working hours.

A pure function, so the SLA report and its tests agree on one definition: working days are the
configured weekdays minus holidays, each open from `start` to `end` local time (DST handled by
the zone), and an interval counts only its overlap with those windows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from supportbot.config import BusinessHours

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def business_seconds(start: datetime, end: datetime, hours: BusinessHours) -> float:
    """Seconds of `[start, end)` inside business hours (0 when `end <= start`)."""
    if end <= start:
        return 0.0
    zone = hours.zone
    total = 0.0
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        window = _window(day, hours)
        if window is not None:
            lo, hi = max(start, window[0]), min(end, window[1])
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def _window(day: date, hours: BusinessHours) -> tuple[datetime, datetime] | None:
    """The day's open hours in UTC, or None on a closed day."""
    if _WEEKDAYS[day.weekday()] not in hours.days or day in hours.holidays:
        return None
    opens = datetime.combine(day, hours.start, tzinfo=hours.zone).astimezone(UTC)
    closes = datetime.combine(day, hours.end, tzinfo=hours.zone).astimezone(UTC)
    return (opens, closes) if closes > opens else None
