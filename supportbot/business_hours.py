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
ONE_DAY = timedelta(days=1)


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
    return BusinessCalendar(hours).elapsed(start, end)


class BusinessCalendar:
    """Business time for many intervals under one set of business hours (not thread-safe).

    Constant time per interval, which matters when a report settles tens of thousands of
    tickets: it keeps a running total of business seconds at the start of each local day, so
    elapsed business time is B(end) - B(start), where B(t) = total before t's day + the part of
    t's own day's window that lies before t.
    """

    def __init__(self, hours: BusinessHours) -> None:
        self.hours = hours
        self._zone = hours.zone
        self._before: dict[date, float] = {}  # business seconds from the anchor day to `day`
        self._windows: dict[date, tuple[datetime, datetime] | None] = {}
        self._first: date | None = None
        self._last: date | None = None

    def elapsed(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        return max(0.0, self._clock(end) - self._clock(start))

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's open hours in UTC, or None on a closed day (cached)."""
        if day not in self._windows:
            self._windows[day] = window(day, self.hours)
        return self._windows[day]

    def _clock(self, moment: datetime) -> float:
        day = moment.astimezone(self._zone).date()
        total = self._total_before(day)
        window = self.window(day)
        if window is not None and moment > window[0]:
            total += (min(moment, window[1]) - window[0]).total_seconds()
        return total

    def _length(self, day: date) -> float:
        window = self.window(day)
        return 0.0 if window is None else (window[1] - window[0]).total_seconds()

    def _total_before(self, day: date) -> float:
        if self._first is None or self._last is None:
            self._first = self._last = day
            self._before[day] = 0.0
        while day > self._last:
            self._before[self._last + ONE_DAY] = self._before[self._last] + self._length(self._last)
            self._last += ONE_DAY
        while day < self._first:
            earlier = self._first - ONE_DAY
            self._before[earlier] = self._before[self._first] - self._length(earlier)
            self._first = earlier
        return self._before[day]
