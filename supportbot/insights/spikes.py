"""Spike detection: a category (or one subject) arriving much faster than usual.

For each category, the tickets of the last `window` are compared with the rate over the
`baseline` before it: expected = baseline count × window / baseline. A spike is a count of at
least `min_count` whose Poisson upper tail P(X ≥ count | expected) is below `alpha`, i.e. a burst
that chance alone would explain less than once in 1/alpha windows. A category never seen before
is given a floor rate (`floor_per_hour`) so that its first burst is judged, not ignored.
Tickets without a category are grouped by their subject, case-folded and trimmed ("similar
text" in the simplest sense that SQL can group on).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from supportbot.config import Config
from supportbot.store.models import Ticket

TEXT_PREFIX = "text:"


@dataclass(frozen=True, slots=True)
class SpikeRule:
    window: timedelta = timedelta(hours=1)
    baseline: timedelta = timedelta(days=7)
    alpha: float = 0.001
    min_count: int = 5
    floor_per_hour: float = 0.1


@dataclass(frozen=True, slots=True)
class Spike:
    category: str  # the category, or "text:<subject>" for uncategorised tickets
    count: int
    expected: float
    ticket_ids: tuple[int, ...]
    p_value: float = 0.0


def poisson_tail(count: int, expected: float) -> float:
    """P(X ≥ count) for X ~ Poisson(expected), summed in log space to stay finite."""
    if count <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    log_term = -expected  # log P(X = 0)
    below = 0.0
    for k in range(count):
        if k:
            log_term += math.log(expected) - math.log(k)
        below += math.exp(log_term)
    return max(0.0, 1.0 - below)


def find_spikes(
    recent: Mapping[str, int], baseline: Mapping[str, int], rule: SpikeRule
) -> list[tuple[str, int, float, float]]:
    """Pure: (key, count, expected, p) for each key whose recent count is a spike."""
    scale = rule.window / rule.baseline
    floor = rule.floor_per_hour * rule.window.total_seconds() / 3600
    found = []
    for key, count in recent.items():
        expected = max(baseline.get(key, 0) * scale, floor)
        if count < rule.min_count:
            continue
        p = poisson_tail(count, expected)
        if p < rule.alpha:
            found.append((key, count, expected, p))
    found.sort(key=lambda spike: (spike[3], -spike[1], spike[0]))
    return found


def _key() -> ColumnElement[str]:
    subject = func.lower(func.trim(Ticket.subject))
    return func.coalesce(Ticket.category, TEXT_PREFIX + subject)


async def _counts(session: AsyncSession, since: datetime, until: datetime) -> dict[str, int]:
    key = _key()
    query = (
        select(key, func.count())
        .where(Ticket.created_at >= since, Ticket.created_at < until)
        .group_by(key)
    )
    return {str(k): int(n) for k, n in (await session.execute(query)).all()}


async def detect_spikes(
    session: AsyncSession, now: datetime, config: Config, rule: SpikeRule | None = None
) -> list[Spike]:
    """Spikes in the window ending at `now` (read-only; `config` reserved for per-desk rules)."""
    rule = rule or SpikeRule()
    start = now - rule.window
    recent = await _counts(session, start, now)
    if not any(n >= rule.min_count for n in recent.values()):
        return []
    baseline = await _counts(session, start - rule.baseline, start)
    spikes = []
    for key, count, expected, p in find_spikes(recent, baseline, rule):
        ids = await session.execute(
            select(Ticket.id)
            .where(Ticket.created_at >= start, Ticket.created_at < now, _key() == key)
            .order_by(Ticket.id)
        )
        spikes.append(Spike(key, count, expected, tuple(ids.scalars()), p))
    return spikes
