"""The figures a report shows, as frozen data (what renderers and messages read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from supportbot.insights.period import Filters, Period

if TYPE_CHECKING:
    from supportbot.insights.self_service import SelfService

# First-response bands, in seconds: ≤1 min excellent, ≤5 good, ≤10 acceptable, beyond breeds
# distrust.
BAND_LIMITS = (60.0, 300.0, 600.0)
BAND_NAMES = ("excellent", "good", "acceptable", "distrust")


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Spread:
    """A duration distribution in seconds (None when nothing was measured)."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True, slots=True)
class Volume:
    created: int
    resolved: int  # resolved now (a reopened ticket is not, until resolved again)
    reopened: int  # reopened at least once
    ever_resolved: int  # resolved now or reopened after a resolution
    unanswered: int  # no first response yet

    @property
    def resolution_rate(self) -> float | None:
        return ratio(self.resolved, self.created)

    @property
    def reopen_rate(self) -> float | None:
        """Share of the tickets ever resolved that came back."""
        return ratio(self.reopened, self.ever_resolved)


@dataclass(frozen=True, slots=True)
class Bands:
    """Answered tickets by first-response band (counts, in BAND_NAMES order)."""

    counts: tuple[int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> tuple[float | None, ...]:
        return tuple(ratio(c, self.total) for c in self.counts)


@dataclass(frozen=True, slots=True)
class SlaBreach:
    ticket_id: int
    clock: str  # "first_response" | "resolution"
    priority: str
    target_seconds: float
    elapsed_seconds: float  # business seconds when the SLA counts business hours
    still_open: bool  # the clock is still running


@dataclass(frozen=True, slots=True)
class SlaClock:
    clock: str
    met: int
    breached: int
    pending: int  # running and not yet over target

    @property
    def compliance(self) -> float | None:
        return ratio(self.met, self.met + self.breached)


@dataclass(frozen=True, slots=True)
class SlaReport:
    business_hours: bool
    first_response: SlaClock
    resolution: SlaClock
    breaches: tuple[SlaBreach, ...]


@dataclass(frozen=True, slots=True)
class Csat:
    sent: int
    answered: int
    average: float | None
    distribution: tuple[int, int, int, int, int]  # answers with score 1..5

    @property
    def response_rate(self) -> float | None:
        return ratio(self.answered, self.sent)


@dataclass(frozen=True, slots=True)
class Escalations:
    requested: int
    approved: int
    denied: int
    decision: Spread  # requested -> decided

    @property
    def approval_rate(self) -> float | None:
        return ratio(self.approved, self.approved + self.denied)


@dataclass(frozen=True, slots=True)
class HandoffStats:
    department: str
    opened: int
    accepted: int
    closed: int
    to_accept: Spread
    to_close: Spread


@dataclass(frozen=True, slots=True)
class AgentRow:
    handle: str
    name: str
    handled: int
    resolved: int
    first_response_median: float | None
    csat_average: float | None
    csat_answers: int
    kudos_points: int


@dataclass(frozen=True, slots=True)
class HourCount:
    weekday: int  # 0 = Monday, in the desk's time zone
    hour: int
    tickets: int


@dataclass(frozen=True, slots=True)
class Metrics:
    period: Period
    filters: Filters
    zone: str
    volume: Volume
    first_response: Spread
    bands: Bands
    resolution: Spread
    sla: SlaReport
    csat: Csat
    escalations: Escalations
    handoffs: tuple[HandoffStats, ...]
    agents: tuple[AgentRow, ...]
    daily: tuple[tuple[date, int], ...]  # tickets created per local day
    week_heat: tuple[tuple[int, ...], ...]  # [weekday][hour] tickets created, local time
    generated_at: datetime
    self_service: SelfService | None = None  # articles shown, solved, drafts (knowledge)

    def busiest_hours(self, top: int = 5) -> tuple[HourCount, ...]:
        cells = [
            HourCount(day, hour, count)
            for day, row in enumerate(self.week_heat)
            for hour, count in enumerate(row)
            if count
        ]
        cells.sort(key=lambda c: (-c.tickets, c.weekday, c.hour))
        return tuple(cells[:top])
