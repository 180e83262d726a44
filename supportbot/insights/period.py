"""What a report covers: a half-open period `[since, until)` and optional filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supportbot.durations import parse_duration


class PeriodError(ValueError):
    """A period given on the command line could not be understood."""


@dataclass(frozen=True, slots=True)
class Period:
    since: datetime  # inclusive, aware
    until: datetime  # exclusive, aware

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise PeriodError("a period needs time-zone-aware datetimes")
        if self.until < self.since:
            raise PeriodError(f"the period ends ({self.until}) before it starts ({self.since})")

    @property
    def seconds(self) -> float:
        return (self.until - self.since).total_seconds()

    @classmethod
    def last(cls, span: timedelta, now: datetime) -> Period:
        return cls(now - span, now)


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrow every metric to tickets matching all the given values (None: any)."""

    team: str | None = None
    category: str | None = None
    platform: str | None = None
    channel: str | None = None
    organization: str | None = None  # organisation name
    agent: str | None = None  # the assignee's person handle (config id)

    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in self._items() if value is not None]
        return ", ".join(parts)

    def _items(self) -> list[tuple[str, str | None]]:
        return [
            ("team", self.team),
            ("category", self.category),
            ("platform", self.platform),
            ("channel", self.channel),
            ("organization", self.organization),
            ("agent", self.agent),
        ]


def parse_period(
    *, since: str | None, start: str | None, end: str | None, now: datetime, zone: ZoneInfo
) -> Period:
    """`--since 7d`, or `--from 2026-11-01 [--to 2026-11-08]` (dates in the desk's zone).

    A bare date in `--to` is inclusive: `--to 2026-11-07` ends at midnight after that day.
    """
    if since is not None and (start is not None or end is not None):
        raise PeriodError("give either --since or --from/--to, not both")
    if start is None and end is not None:
        raise PeriodError("--to needs --from")
    if start is not None:
        until = _parse_moment(end, zone, end_of_day=True) if end else now
        return Period(_parse_moment(start, zone, end_of_day=False), until)
    try:
        span = parse_duration(since or "7d")
    except ValueError as exc:
        raise PeriodError(f"--since: {exc}") from exc
    return Period.last(span, now)


def _parse_moment(text: str, zone: ZoneInfo, *, end_of_day: bool) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
            return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a date (YYYY-MM-DD) or ISO date-time") from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)
