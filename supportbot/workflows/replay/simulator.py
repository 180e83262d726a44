"""The workflow engine's loop, replayed in memory over one ticket's history.

For each recorded row made by a person or a platform (in order), the replay first runs the
timers that fell due before it (`wait` resumptions, SLA clocks), applies the row, and then
runs the happening it raised the way the desk does: matching workflows in file order, each
one's steps through their actions' `simulate`, the happenings those steps cause queued one
level deeper (up to `MAX_DEPTH`), facts rebuilt after each workflow that ran.

Rows that workflows wrote, and the SLA notices their timers wrote, are not replayed: the
simulated workflows make their own. A CSAT answer counts only if the replayed workflows asked
for one, and a hand-off is accepted or closed only if it is open in the replay.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from supportbot.config import Config
from supportbot.happenings import MAX_DEPTH, Happening
from supportbot.people import People
from supportbot.tickets.view import TicketView
from supportbot.workflows.compose import always
from supportbot.workflows.replay.facts import FactsBuilder
from supportbot.workflows.replay.history import Recorded, TicketHistory
from supportbot.workflows.replay.outcome import Outcome, first_response_verdict
from supportbot.workflows.replay.sla import Deadlines, SlaPlan, materialize
from supportbot.workflows.replay.state import Directory, TicketState
from supportbot.workflows.replay.step import StepSimulation
from supportbot.workflows.replay.trail import apply
from supportbot.workflows.replay.twin import Twin
from supportbot.workflows.schema import Workflow, WorkflowSet
from supportbot.workflows.simulation import StepRefusedError

DERIVED_TIMER_KINDS = frozenset({"sla.warning", "sla.breached"})
GATED_HANDOFF_KINDS = frozenset({"handoff.accepted", "handoff.closed"})


@dataclass(order=True, slots=True)
class Due:
    at: datetime
    seq: int
    run: Callable[[datetime], None] = field(compare=False)


class Simulator:
    """Replays tickets through one version of the workflow files (reusable across tickets)."""

    def __init__(
        self,
        workflows: WorkflowSet,
        config: Config,
        now: datetime,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.workflows = workflows
        self.deadlines = deadlines or Deadlines(config)
        self.config = config
        self.people = People(config)
        self.directory = Directory(config)
        self.facts = FactsBuilder(config)
        self.now = now

    def run(self, history: TicketHistory) -> Outcome:
        return TicketRun(self, history).run()

    def run_with(self, twin: Twin, history: TicketHistory) -> tuple[Outcome, bool]:
        """Replay, and say whether the twin's files would have done exactly the same."""
        run = TicketRun(self, history, twin)
        return run.run(), run.twin is not None

    def recorded(self, history: TicketHistory) -> Outcome:
        """What really happened: every recorded row applied, no workflow run."""
        state = TicketState.first(history, self.directory)
        for row in history.events:
            apply(state, row)
        verdict = first_response_verdict(state, self.config, self.now)
        return Outcome(history.number, fields=state.fields(), p1_first_response=verdict)


class TicketRun:
    """One ticket's replay: its state, what it came to, and its pending timers."""

    def __init__(self, sim: Simulator, history: TicketHistory, twin: Twin | None = None) -> None:
        self.sim = sim
        self.history = history
        self.twin = twin  # None once the twin's files would have done something else
        self.state = TicketState.first(history, sim.directory)
        self.outcome = Outcome(history.number)
        self.timers: list[Due] = []
        self.seq = 0
        self.asked_csat = False
        self.kudos: set[tuple[str, str]] = set()  # (workflow, receiver)
        self.sla = SlaPlan()

    def run(self) -> Outcome:
        for row in self.history.events:
            if self._derived(row):
                continue
            self.run_timers(until=row.at)
            if self._gated(row):
                continue
            happening = apply(self.state, row)
            if happening is not None:
                self.turn(happening, row.at)
        self.run_timers(until=self.sim.now)
        self.timers.clear()  # due after now; their closures hold this run (a reference cycle)
        self.outcome.fields = self.state.fields()
        self.outcome.p1_first_response = first_response_verdict(
            self.state, self.sim.config, self.sim.now
        )
        return self.outcome

    @staticmethod
    def _derived(row: Recorded) -> bool:
        return row.workflow is not None or (
            row.source == "timer" and row.kind in DERIVED_TIMER_KINDS
        )

    def _gated(self, row: Recorded) -> bool:
        if row.kind == "csat.received":
            return not self.asked_csat
        if row.kind in GATED_HANDOFF_KINDS:
            return str(row.data.get("department")) not in self.state.open_handoffs
        return False

    # -- the desk's loop -------------------------------------------------------------------------
    def turn(self, first: Happening, at: datetime) -> None:
        pending: deque[Happening] = deque([first])
        while pending:
            self._happen(pending.popleft(), at, pending)

    def _happen(self, happening: Happening, at: datetime, pending: deque[Happening]) -> None:
        watch = self.twin is not None and happening.trigger in self.twin.differing
        fired: list[Workflow] = []
        states: list[TicketView] = []
        facts = None
        for wf in self.sim.workflows.for_trigger(happening.trigger):
            if wf.condition is not always:  # no `if:`: no facts to build
                if facts is None:
                    facts = self.sim.facts.build(happening, self.state.view(), at)
                if not wf.condition(facts):
                    continue
            if watch:
                fired.append(wf)
                states.append(self.state.view())
            self.outcome.fired[wf.name] += 1
            self.steps(wf, 0, happening, at, pending)
            facts = None  # the steps may have changed what the next workflow looks at
        if watch and self.twin is not None:
            states.append(self.state.view())
            if not self.twin.agrees(happening, at, fired, states):
                self.twin = None

    def steps(
        self,
        wf: Workflow,
        start: int,
        happening: Happening,
        at: datetime,
        pending: deque[Happening],
    ) -> None:
        for step in wf.steps[start:]:
            simulate = step.spec.simulate
            if simulate is None:
                self.outcome.unsimulated[step.action] += 1
                continue
            sim = StepSimulation(self, wf, happening, at, pending)
            try:
                simulate(sim, step.params)
            except StepRefusedError:
                self.outcome.failed[wf.name] += 1
                return  # the rest of this workflow depends on the failed step
            if step.spec.pauses:
                if sim.delay is not None:
                    self.resume_later(wf, step.index + 1, happening, at + sim.delay)
                return

    def queue(self, pending: deque[Happening], happening: Happening, cause: Happening) -> None:
        """A happening a step caused, one level deeper than its cause (dropped past MAX_DEPTH)."""
        depth = cause.depth + 1
        if depth <= MAX_DEPTH:
            pending.append(
                Happening(happening.trigger, happening.ticket_id, happening.actor, happening.data,
                          happening.source, depth)
            )  # fmt: skip

    # -- timers ------------------------------------------------------------------------------------
    def later(self, at: datetime, run: Callable[[datetime], None]) -> None:
        self.seq += 1
        heapq.heappush(self.timers, Due(at, self.seq, run))

    def run_timers(self, *, until: datetime) -> None:
        while True:
            materialize(self, until)  # a plan's timers, once one of them could be due
            if not self.timers or self.timers[0].at > until:
                return
            due = heapq.heappop(self.timers)
            due.run(due.at)

    def resume_later(self, wf: Workflow, start: int, happening: Happening, at: datetime) -> None:
        def resume(moment: datetime) -> None:
            pending: deque[Happening] = deque()
            self.steps(wf, start, happening, moment, pending)
            while pending:
                self._happen(pending.popleft(), moment, pending)

        self.later(at, resume)
