"""`collab.clocks.deadlines` for many tickets: business time added by bisection.

The SLA arithmetic was the replay's most expensive part: `add_business_time` walks the open
hours of every day it crosses (a 5-day target crosses three weeks), and a month of tickets
crosses the same few dozen days hundreds of thousands of times. Here the days' open hours are
running totals in whole microseconds, so adding business time is a bisection, exact to the
microsecond; `clocks.add_active` is followed step for step. A test holds the answers equal to
`clocks.deadlines`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from supportbot.business_hours import HORIZON_DAYS, ONE_DAY, BusinessCalendar
from supportbot.collab.clocks import CLOCKS, Deadline, Pause
from supportbot.config import Config
from supportbot.tickets.view import TicketView

MICROSECOND = timedelta(microseconds=1)


class BusinessDays:
    """Each day's opening time and the business microseconds before it (from an anchor day)."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self.anchor = 0  # ordinal of the first day held
        self.opens: list[datetime | None] = []
        self.totals: list[int] = [0]  # totals[i]: business microseconds in the i days held before

    def add_after(self, day: date, left: timedelta) -> datetime | None:
        """`left` (> 0) of business time from the start of the day after `day`, looking as far
        as `add_business_time` does (None: no open hours that far)."""
        first = self._index(day.toordinal() + 1)
        stop = first + HORIZON_DAYS - 1
        self._extend(stop)
        target = self.totals[first] + left // MICROSECOND
        found = bisect_left(self.totals, target, first + 1, stop + 1)
        if found > stop:
            return None
        opens = self.opens[found - 1]
        assert opens is not None  # the day adds business time, so it is open
        return opens + (target - self.totals[found - 1]) * MICROSECOND

    def _index(self, ordinal: int) -> int:
        if not self.opens or ordinal < self.anchor:
            self.anchor, self.opens, self.totals = ordinal, [], [0]
        return ordinal - self.anchor

    def _extend(self, count: int) -> None:
        while len(self.opens) < count:
            span = self.calendar.window(date.fromordinal(self.anchor + len(self.opens)))
            self.opens.append(span[0] if span else None)
            length = (span[1] - span[0]) // MICROSECOND if span else 0
            self.totals.append(self.totals[-1] + length)


class ReplayClocks:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.business = config.sla.business_hours
        self.calendar = BusinessCalendar(config.business_hours)
        self.days = BusinessDays(self.calendar)
        self.zone = config.business_hours.zone

    def deadlines(self, ticket: TicketView, paused: Sequence[Pause]) -> list[Deadline]:
        """As `clocks.deadlines`."""
        config = self.config
        target = config.sla.target(ticket.priority, ticket.requester.tier)
        if target is None or not ticket.is_open:
            return []
        out: list[Deadline] = []
        for clock in CLOCKS:
            if clock == "first_response" and ticket.first_response_at is not None:
                continue
            whole: timedelta = getattr(target, clock)
            for stage, share in (("warning", config.sla.warn_at), ("breached", 1.0)):
                due = self.add_active(ticket.created_at, whole * share, paused)
                if due is not None:
                    out.append(Deadline(clock, stage, due, whole))
        return out

    def add_active(
        self, start: datetime, amount: timedelta, paused: Sequence[Pause]
    ) -> datetime | None:
        """As `clocks.add_active`."""
        t, left = start, amount
        for begins, ends in sorted(paused, key=lambda p: p[0]):
            if ends is not None and ends <= t:
                continue
            begins = max(begins, t)
            candidate = self._add(t, left)
            if candidate is None or candidate <= begins:
                return candidate
            left -= self._span(t, begins)
            if ends is None:
                return None
            t = ends
        return self._add(t, left)

    def _add(self, start: datetime, amount: timedelta) -> datetime | None:
        """As `business_hours.add_business_time` (or plain time without business hours)."""
        if not self.business:
            return start + amount
        left, day = amount, start.astimezone(self.zone).date()
        span = self.calendar.window(day)
        if span is not None:  # the first day: only what is left of it after `start`
            opens, closes = max(span[0], start), span[1]
            if closes > opens:
                if opens + left <= closes:
                    return opens + left
                left -= closes - opens
        if left <= timedelta(0):
            return self._walk(day + ONE_DAY, left)
        return self.days.add_after(day, left)

    def _walk(self, day: date, left: timedelta) -> datetime | None:
        """Nothing left to add: the next opening (as the day-by-day loop finds it)."""
        for _ in range(HORIZON_DAYS - 1):
            span = self.calendar.window(day)
            if span is not None:
                return span[0] + left
            day += ONE_DAY
        return None

    def _span(self, a: datetime, b: datetime) -> timedelta:
        if not self.business:
            return b - a
        return timedelta(seconds=self.calendar.elapsed(a, b))
