"""SLA clocks in a replay: `plan_sla` plans timers, which fire as `collab.sla`'s timers do.

The arithmetic is `supportbot.collab.clocks` itself, over the replayed ticket and its pauses.
As on the desk, a later plan cancels the earlier one's timers; a timer re-checks the plan when
it fires; each notice (clock, stage, target, reopening) is given once; a deadline already past
when planned fires at once.
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


@dataclass(slots=True)
class SlaPlan:
    """One replayed ticket's clocks: the current plan and the notices already given."""

    plan: int = 0  # bumped by each new plan: timers of an older plan do nothing
    planned: list[clocks.Deadline] = field(default_factory=list)
    revision: int = -1  # of the ticket state the plan was made from
    fired: bool = False  # a timer of the current plan has run
    sent: set[Mark] = field(default_factory=set)


class Deadlines:
    """Deadlines by what they depend on, shared by the simulators replaying the same tickets.

    Business-time arithmetic is the replay's most expensive step; most plans change nothing
    since the last one, and the baseline's replay of a ticket mostly asks what the working
    files' replay of it just asked.
    """

    def __init__(self, config: Config) -> None:
        self.clocks = ReplayClocks(config)
        self._known: dict[tuple[object, ...], list[clocks.Deadline]] = {}

    def of(self, run: TicketRun) -> list[clocks.Deadline]:
        state = run.state
        paused = clocks.pauses(state.pause_log)
        ticket = state.view()
        key = (ticket.number, ticket.created_at, ticket.priority, ticket.requester.tier,
               ticket.is_open, ticket.first_response_at is None, tuple(paused))  # fmt: skip
        found = self._known.get(key)
        if found is None:
            if len(self._known) >= MEMO_SIZE:
                self._known.clear()
            found = self._known[key] = self.clocks.deadlines(ticket, paused)
        return found


def deadlines(run: TicketRun) -> list[clocks.Deadline]:
    return run.sim.deadlines.of(run)


def mark(d: clocks.Deadline, ticket: TicketView) -> Mark:
    return d.clock, d.stage, int(d.target.total_seconds()), ticket.reopen_count


def plan(run: TicketRun, at: datetime) -> None:
    sla = run.sla
    if sla.plan and not sla.fired and sla.revision == run.state.revision:
        return  # nothing changed since the last plan, whose timers all stand
    planned = deadlines(run)
    sla.revision = run.state.revision
    if sla.plan and planned == sla.planned and not sla.fired:
        return  # the last plan's timers stand for exactly these deadlines
    sla.plan += 1
    sla.planned, sla.fired = planned, False
    plan_id, view = sla.plan, run.state.view()
    for d in planned:
        if mark(d, view) not in sla.sent:
            run.later(max(d.due, at), _timer(run, plan_id, d.clock, d.stage))


def _timer(run: TicketRun, plan_id: int, clock: str, stage: str) -> Callable[[datetime], None]:
    return lambda moment: fire(run, plan_id, clock, stage, moment)


def fire(run: TicketRun, plan_id: int, clock: str, stage: str, moment: datetime) -> None:
    if plan_id != run.sla.plan:
        return  # a later plan cancelled this timer
    run.sla.fired = True
    current = [d for d in deadlines(run) if (d.clock, d.stage) == (clock, stage)]
    if not current or current[0].due > moment:
        return  # stopped, paused or moved since
    d, view = current[0], run.state.view()
    if mark(d, view) in run.sla.sent:
        return
    run.sla.sent.add(mark(d, view))
    # The ticket's thread, plus the assignee's DM (warning) or the leads' channel (breach).
    extra = view.assignee is not None if stage == "warning" else bool(run.sim.config.leads_channel)
    run.outcome.messages += 1 + int(extra)
    data = {"clock": d.clock, "due": d.due.isoformat()}
    run.turn(Happening(NOTICE_KINDS[stage], view.number, None, data, "timer"), moment)
