"""`collab.clocks.deadlines` for many tickets: each business day's hours are looked up once.

The SLA arithmetic is the replay's most expensive part: `add_business_time` works out the
open hours of every day it crosses, and a month of tickets crosses the same few dozen days
hundreds of thousands of times. This is the same algorithm step for step (`clocks.add_active`,
`business_hours.add_business_time`) over a `BusinessCalendar`, which caches those hours; a
test holds its answers equal to `clocks.deadlines`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from supportbot.business_hours import HORIZON_DAYS, ONE_DAY, BusinessCalendar
from supportbot.collab.clocks import CLOCKS, Deadline, Pause
from supportbot.config import Config
from supportbot.tickets.view import TicketView


class ReplayClocks:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.business = config.sla.business_hours
        self.calendar = BusinessCalendar(config.business_hours)
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
        for _ in range(HORIZON_DAYS):
            span = self.calendar.window(day)
            if span is not None:
                opens, closes = max(span[0], start), span[1]
                if closes > opens:
                    if opens + left <= closes:
                        return opens + left
                    left -= closes - opens
            day += ONE_DAY
        return None

    def _span(self, a: datetime, b: datetime) -> timedelta:
        if not self.business:
            return b - a
        return timedelta(seconds=self.calendar.elapsed(a, b))
