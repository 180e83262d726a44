"""`trend.spike`: every 15 minutes one replica looks for spikes and tells the workflows.

The check is a durable timer keyed by its slot (`insights.spike_watch:<time>`) and re-armed by
each run, so N replicas and restarts never check one slot twice (a background loop per replica
would alert once per replica). An alert is remembered as a `trend.spike` audit row without a
ticket; a category alerted within `quiet` is not alerted again while it stays high.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.durations import format_duration
from supportbot.happenings import Happening, Trigger, Turn
from supportbot.insights.spikes import Spike, SpikeRule, detect_spikes
from supportbot.plugins import Hooks
from supportbot.scheduler import DueTimer
from supportbot.store.models import TicketEvent

if TYPE_CHECKING:
    from supportbot.desk import Desk

KIND = "insights.spike_watch"
SPIKE: Trigger = "trend.spike"  # the trigger, and the kind of the audit row remembering an alert
EVERY = timedelta(minutes=15)
QUIET = timedelta(hours=6)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def next_slot(now: datetime, every: timedelta = EVERY) -> datetime:
    """The first multiple of `every` (since the epoch, UTC) strictly after `now`."""
    passed = (now - _EPOCH) // every
    return _EPOCH + (passed + 1) * every


def spike_data(spike: Spike, window: timedelta) -> dict[str, Any]:
    """What workflows see as `event` (JSON-safe: it is also the audit row's data)."""
    return {
        "category": spike.category,
        "count": spike.count,
        "expected": round(spike.expected, 2),
        "window": format_duration(window),
        "ticket_ids": list(spike.ticket_ids),
    }


@dataclass(frozen=True, slots=True)
class SpikeWatch:
    every: timedelta = EVERY
    quiet: timedelta = QUIET
    rule: SpikeRule = field(default_factory=SpikeRule)

    async def arm(self, desk: Desk) -> None:
        """Plan the next check (a no-op when another replica already planned that slot)."""
        at = next_slot(desk.clock.now(), self.every)
        await desk.timers.schedule(
            kind=KIND, due_at=at, payload={"at": at.isoformat()}, key=f"{KIND}:{at.isoformat()}"
        )

    async def run(self, desk: Desk, timer: DueTimer, turn: Turn) -> None:
        """The timer handler: re-arm first (a failing check must not end the chain), then
        queue one `trend.spike` per new spike into the turn, so workflows run."""
        await self.arm(desk)
        for spike in await self.new_spikes(desk):
            data = spike_data(spike, self.rule.window)
            await desk.tickets.record_event(
                ticket_id=None, kind=SPIKE, data=data, source="insights"
            )
            turn.happened(Happening(SPIKE, None, None, data, "timer"))

    async def new_spikes(self, desk: Desk) -> list[Spike]:
        now = desk.clock.now()
        async with desk.db.reads() as session:
            spikes = await detect_spikes(session, now, desk.config, self.rule)
            if not spikes:
                return []
            alerted = await _alerted_since(session, now - self.quiet)
        return [s for s in spikes if s.category not in alerted]


async def _alerted_since(session: AsyncSession, since: datetime) -> set[str]:
    rows: Iterable[dict[str, Any]] = await session.scalars(
        select(TicketEvent.data).where(
            TicketEvent.kind == SPIKE, TicketEvent.ticket_id.is_(None), TicketEvent.at >= since
        )
    )
    return {str(data.get("category")) for data in rows}


def register(hooks: Hooks, watch: SpikeWatch | None = None) -> SpikeWatch:
    """Handle the check's timers; arm the first one when the server starts."""
    watch = watch or SpikeWatch()
    hooks.timer(KIND, watch.run)
    hooks.background(watch.arm)
    return watch
