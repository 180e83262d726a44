"""Business time: how many seconds of an interval fall inside the desk's working hours.

One definition for the SLA report and its tests: working days are the configured weekdays
minus holidays, each open from `start` to `end` local time (DST handled by the zone), and an
interval counts only its overlap with those windows.

`BusinessCalendar` answers in constant time per interval, which matters when a report settles
tens of thousands of tickets: it keeps a running total of business seconds at the start of each
local day, so elapsed business time is B(end) − B(start), where B(t) = total before t's day +
the part of t's own day's window that lies before t.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from supportbot.config import BusinessHours

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = timedelta(days=1)


def business_seconds(start: datetime, end: datetime, hours: BusinessHours) -> float:
    """Seconds of `[start, end)` inside business hours (0 when `end <= start`)."""
    return BusinessCalendar(hours).elapsed(start, end)


class BusinessCalendar:
    """Business time for many intervals under one set of business hours (not thread-safe)."""

    def __init__(self, hours: BusinessHours) -> None:
        self.hours = hours
        self._zone = hours.zone
        self._days = frozenset(hours.days)
        self._holidays = frozenset(hours.holidays)
        self._before: dict[date, float] = {}  # business seconds from the anchor day to `day`
        self._windows: dict[date, tuple[datetime, datetime] | None] = {}
        self._first: date | None = None
        self._last: date | None = None

    def elapsed(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        return max(0.0, self._clock(end) - self._clock(start))

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's open hours in UTC, or None on a closed day."""
        if day not in self._windows:
            self._windows[day] = self._compute_window(day)
        return self._windows[day]

    def _compute_window(self, day: date) -> tuple[datetime, datetime] | None:
        if _WEEKDAYS[day.weekday()] not in self._days or day in self._holidays:
            return None
        opens = datetime.combine(day, self.hours.start, tzinfo=self._zone).astimezone(UTC)
        closes = datetime.combine(day, self.hours.end, tzinfo=self._zone).astimezone(UTC)
        return (opens, closes) if closes > opens else None

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
            self._before[self._last + _DAY] = self._before[self._last] + self._length(self._last)
            self._last += _DAY
        while day < self._first:
            earlier = self._first - _DAY
            self._before[earlier] = self._before[self._first] - self._length(earlier)
            self._first = earlier
        return self._before[day]
