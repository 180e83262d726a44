"""SLA clocks in a replay: `plan_sla` plans timers, which fire as `collab.sla`'s timers do.

The arithmetic is `supportbot.collab.clocks`' (`replay.clocks` holds it equal), over the
replayed ticket and its pauses. As on the desk, a later plan cancels the earlier one's timers;
a timer re-checks the plan when it fires; each notice (clock, stage, target, reopening) is
given once; a deadline already past when planned fires at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from supportbot.collab import clocks
from supportbot.collab.sla import NOTICE_KINDS
from supportbot.config import Config
from supportbot.happenings import Happening
from supportbot.tickets.view import TicketView
from supportbot.workflows.replay.clocks import ReplayClocks

if TYPE_CHECKING:
    from supportbot.workflows.replay.simulator import TicketRun

Mark = tuple[str, str, int, int]
MEMO_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Pending:
    """A plan whose deadlines are not worked out yet: what it was made from, and when."""

    plan: int
    ticket: TicketView
    paused: tuple[clocks.Pause, ...]
    at: datetime
    earliest: datetime | None  # no deadline of the plan falls before this (None: no clocks)


@dataclass(slots=True)
class SlaPlan:
    """One replayed ticket's clocks: the current plan and the notices already given.

    A plan's deadlines are worked out only once time reaches the earliest moment one of them
    could fall due (a clock's share of its target in plain time: business time and pauses only
    push it later). Most plans are replaced first, by the next reply or change of priority.
    """

    plan: int = 0  # bumped by each new plan: timers of an older plan do nothing
    revision: int = -1  # of the ticket state the plan was made from
    pending: Pending | None = None
    sent: set[Mark] = field(default_factory=set)


class Deadlines:
    """Deadlines by what they depend on, shared by the simulators replaying the same tickets
    (the baseline's replay of a ticket mostly asks what the working files' replay asked)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.clocks = ReplayClocks(config)
        self._known: dict[tuple[object, ...], list[clocks.Deadline]] = {}

    def of(self, ticket: TicketView, paused: tuple[clocks.Pause, ...]) -> list[clocks.Deadline]:
        key = (ticket.number, ticket.created_at, ticket.priority, ticket.requester.tier,
               ticket.is_open, ticket.first_response_at is None, paused)  # fmt: skip
        found = self._known.get(key)
        if found is None:
            if len(self._known) >= MEMO_SIZE:
                self._known.clear()
            found = self._known[key] = self.clocks.deadlines(ticket, paused)
        return found

    def earliest(self, ticket: TicketView) -> datetime | None:
        target = self.config.sla.target(ticket.priority, ticket.requester.tier)
        if target is None or not ticket.is_open:
            return None
        shortest = target.resolution
        if ticket.first_response_at is None:
            shortest = min(shortest, target.first_response)
        return ticket.created_at + shortest * min(self.config.sla.warn_at, 1.0)


def mark(d: clocks.Deadline, ticket: TicketView) -> Mark:
    return d.clock, d.stage, int(d.target.total_seconds()), ticket.reopen_count


def plan(run: TicketRun, at: datetime) -> None:
    sla = run.sla
    if sla.plan and sla.revision == run.state.revision:
        return  # nothing changed since the last plan: the desk would plan the same timers
    sla.revision = run.state.revision
    sla.plan += 1
    ticket, paused = run.state.view(), tuple(clocks.pauses(run.state.pause_log))
    earliest = run.sim.deadlines.earliest(ticket)
    sla.pending = Pending(sla.plan, ticket, paused, at, earliest)


def materialize(run: TicketRun, until: datetime) -> None:
    """Schedule the current plan's timers if one of them could be due by `until`."""
    pending = run.sla.pending
    if pending is None or (pending.earliest is not None and pending.earliest > until):
        return
    run.sla.pending = None
    if pending.earliest is None:
        return
    for d in run.sim.deadlines.of(pending.ticket, pending.paused):
        if mark(d, pending.ticket) not in run.sla.sent:
            timer = _timer(run, pending.plan, d.clock, d.stage)
            run.later(max(d.due, pending.at), timer)


def _timer(run: TicketRun, plan_id: int, clock: str, stage: str) -> Callable[[datetime], None]:
    return lambda moment: fire(run, plan_id, clock, stage, moment)


def fire(run: TicketRun, plan_id: int, clock: str, stage: str, moment: datetime) -> None:
    if plan_id != run.sla.plan:
        return  # a later plan cancelled this timer
    state = run.state
    view, paused = state.view(), tuple(clocks.pauses(state.pause_log))
    current = [
        d for d in run.sim.deadlines.of(view, paused) if (d.clock, d.stage) == (clock, stage)
    ]
    if not current or current[0].due > moment:
        return  # stopped, paused or moved since
    d = current[0]
    if mark(d, view) in run.sla.sent:
        return
    run.sla.sent.add(mark(d, view))
    # The ticket's thread, plus the assignee's DM (warning) or the leads' channel (breach).
    extra = view.assignee is not None if stage == "warning" else bool(run.sim.config.leads_channel)
    run.outcome.messages += 1 + int(extra)
    data = {"clock": d.clock, "due": d.due.isoformat()}
    run.turn(Happening(NOTICE_KINDS[stage], view.number, None, data, "timer"), moment)
