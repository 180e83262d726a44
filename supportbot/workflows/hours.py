"""Is the desk open? Weekdays, opening hours and holidays from `config.business_hours`."""

from __future__ import annotations

from datetime import datetime

from supportbot.config import BusinessHours

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_open(at: datetime, hours: BusinessHours) -> bool:
    """True when the aware datetime `at` falls inside business hours (in the desk's zone)."""
    local = at.astimezone(hours.zone)
    if _WEEKDAYS[local.weekday()] not in hours.days or local.date() in hours.holidays:
        return False
    return hours.start <= local.time().replace(tzinfo=None) < hours.end
