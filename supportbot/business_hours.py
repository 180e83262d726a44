"""Business time: the one definition every SLA clock, acknowledgement and report uses.

Working days are the configured weekdays minus holidays (the country's public holidays and the
configured extra dates), each open from `start` to `end` in the desk's time zone (daylight
saving handled by the zone). A shift whose `end` is at or before its `start` runs overnight: it
opens on its working day and closes on the next calendar day, so a day's window is at most 24
hours long and overlaps only the day it opens on and the next one. All functions take and
return aware datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from supportbot.config import BusinessHours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HORIZON_DAYS = 366  # a calendar with no open day at all must not loop for ever
ONE_DAY = timedelta(days=1)
Window = tuple[datetime, datetime]


def window(day: date, hours: BusinessHours) -> Window | None:
    """The open hours of the shift that opens on `day`, in UTC, or None on a closed day."""
    known = hours.windows
    if day not in known:
        known[day] = _window(day, hours)
    found: Window | None = known[day]
    return found


def _window(day: date, hours: BusinessHours) -> Window | None:
    if WEEKDAYS[day.weekday()] not in hours.days or hours.is_holiday(day):
        return None
    opens = datetime.combine(day, hours.start, tzinfo=hours.zone).astimezone(UTC)
    closing_day = day + ONE_DAY if hours.overnight else day
    closes = datetime.combine(closing_day, hours.end, tzinfo=hours.zone).astimezone(UTC)
    return (opens, closes) if closes > opens else None


def is_open(at: datetime, hours: BusinessHours) -> bool:
    """True when `at` falls inside business hours (today's shift or last night's)."""
    today = at.astimezone(hours.zone).date()
    for day in (today - ONE_DAY, today):
        span = window(day, hours)
        if span is not None and span[0] <= at < span[1]:
            return True
    return False


def add_business_time(start: datetime, amount: timedelta, hours: BusinessHours) -> datetime | None:
    """The moment `amount` of business time after `start` has elapsed (None: never open)."""
    left = amount
    day = start.astimezone(hours.zone).date() - ONE_DAY  # last night's shift may still run
    for _ in range(HORIZON_DAYS):
        span = window(day, hours)
        if span is not None:
            opens, closes = max(span[0], start), span[1]
            if closes > opens:
                if opens + left <= closes:
                    return opens + left
                left -= closes - opens
        day += ONE_DAY
    return None


def business_seconds(start: datetime, end: datetime, hours: BusinessHours) -> float:
    """Seconds of `[start, end)` inside business hours (0 when `end <= start`)."""
    return BusinessCalendar(hours).elapsed(start, end)


class BusinessCalendar:
    """Business time for many intervals under one set of business hours (not thread-safe).

    Constant time per interval, which matters when a report settles tens of thousands of
    tickets: it keeps a running total of business seconds before each local day's shift, so
    elapsed business time is B(end) - B(start), where B(t) = the total of the shifts opened
    before yesterday + the parts of yesterday's and today's shifts that lie before t (only
    those two can hold t, since a shift lasts at most a day).
    """

    def __init__(self, hours: BusinessHours) -> None:
        self.hours = hours
        self._zone = hours.zone
        self._before: dict[date, float] = {}  # business seconds from the anchor day to `day`
        self._windows: dict[date, Window | None] = {}
        self._first: date | None = None
        self._last: date | None = None

    def elapsed(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        return max(0.0, self._clock(end) - self._clock(start))

    def window(self, day: date) -> Window | None:
        """The open hours of the shift opening on `day`, in UTC, or None (cached)."""
        if day not in self._windows:
            self._windows[day] = window(day, self.hours)
        return self._windows[day]

    def _clock(self, moment: datetime) -> float:
        yesterday = moment.astimezone(self._zone).date() - ONE_DAY
        total = self._total_before(yesterday)
        for day in (yesterday, yesterday + ONE_DAY):
            span = self.window(day)
            if span is not None and moment > span[0]:
                total += (min(moment, span[1]) - span[0]).total_seconds()
        return total

    def _length(self, day: date) -> float:
        span = self.window(day)
        return 0.0 if span is None else (span[1] - span[0]).total_seconds()

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
