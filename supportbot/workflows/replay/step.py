"""`StepSimulation`: the `Simulation` one replayed step gets.

A change is written as the audit row the ticket service would have written (source
`workflow:<name>`), applied through the same table as recorded rows, and kept for the fidelity
check. The checks are the service's: a step the ticket's status does not allow, an unknown team
or department, a person who is not staff, resolving with a hand-off open — each is refused.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from supportbot.collab import clocks
from supportbot.config import PRIORITIES, Config
from supportbot.happenings import Happening
from supportbot.people import People
from supportbot.tickets import states
from supportbot.tickets.view import TicketView
from supportbot.workflows.replay import sla
from supportbot.workflows.replay.history import WORKFLOW_SOURCE, Recorded
from supportbot.workflows.replay.state import Pool
from supportbot.workflows.replay.trail import apply
from supportbot.workflows.schema import Workflow
from supportbot.workflows.simulation import PoolStrategy, StepRefusedError

if TYPE_CHECKING:
    from supportbot.workflows.replay.simulator import TicketRun


class StepSimulation:
    def __init__(
        self,
        run: TicketRun,
        wf: Workflow,
        happening: Happening,
        at: datetime,
        pending: deque[Happening],
    ) -> None:
        self.run, self.wf, self._happening, self.at, self.pending = run, wf, happening, at, pending
        self.delay: timedelta | None = None

    # -- what the step sees ------------------------------------------------------------------------
    @property
    def happening(self) -> Happening:
        return self._happening

    @property
    def ticket(self) -> TicketView:
        return self.run.state.view()

    @property
    def config(self) -> Config:
        return self.run.sim.config

    @property
    def people(self) -> People:
        return self.run.sim.people

    @property
    def now(self) -> datetime:
        return self.at

    @property
    def workflow(self) -> str:
        return self.wf.name

    # -- changes -----------------------------------------------------------------------------------
    def _change(self, step: str | None, kind: str, data: dict[str, Any]) -> None:
        state = self.run.state
        if step is not None and not states.can(step, state.status):
            raise StepRefusedError(states.refusal(step, state.number, state.status))
        row = Recorded(self.at, kind, WORKFLOW_SOURCE + self.wf.name, None, data)
        self.run.outcome.changes.append(row)
        caused = apply(state, row)
        if caused is not None:
            self.run.queue(self.pending, caused, self._happening)

    def set_priority(self, priority: str) -> None:
        if priority not in PRIORITIES:
            raise StepRefusedError(f"priority must be one of {', '.join(PRIORITIES)}")
        before = self.run.state.priority
        self._change("set_priority", "priority_changed", {"from": before, "to": priority})

    def set_category(self, category: str) -> None:
        before = self.run.state.category
        self._change("set_category", "category_changed", {"from": before, "to": category})

    def add_tags(self, tags: Sequence[str]) -> None:
        self._change("add_tags", "tagged", {"tags": list(tags)})

    def set_team(self, team: str) -> None:
        if self.config.team(team) is None:
            raise StepRefusedError(f"unknown team {team!r}")
        self._change("set_team", "routed", {"from": self.run.state.team, "to": team})

    def assign(self, person: str) -> None:
        if not self.people.is_staff(person):
            raise StepRefusedError(f"{person} is not on the support staff")
        self._change("assign", "assigned", {"assignee": person})

    def assign_from(self, team: str, strategy: PoolStrategy) -> None:
        self._change("assign", "assigned", {"assignee": Pool(team, strategy)})

    def add_note(self, text: str) -> None:
        if not text.strip():
            raise StepRefusedError("a note needs some text")
        self._change("add_note", "note", {"text": text})

    def resolve(self) -> None:
        if self.run.state.open_handoffs:
            raise StepRefusedError(f"#{self.run.state.number} has an open hand-off")
        self._change("resolve", "resolved", {})

    def handoff(self, department: str, note: str) -> None:
        state = self.run.state
        if self.config.department(department) is None or department in state.open_handoffs:
            raise StepRefusedError(f"cannot hand #{state.number} off to {department!r}")
        data = {"handoff_id": None, "department": department, "note": note}
        self._change("handoff", "handoff.opened", data)
        self.run.outcome.handoffs += 1

    def give_kudos(self, receiver: str, points: int) -> None:
        self.run.kudos.add((self.wf.name, receiver))
        self.run.outcome.messages += 1  # the shout-out in the kudos channel
        pool = self.run.state.assignee
        who = pool if isinstance(pool, Pool) and receiver == pool.handle else receiver
        data = {"kudos_id": None, "receiver": who, "points": points, "reason": ""}
        self._change(None, "kudos.given", data)

    def already_gave_kudos(self, receiver: str) -> bool:
        return (self.wf.name, receiver) in self.run.kudos

    # -- what would be sent, asked or called ---------------------------------------------------
    def post(self, count: int = 1) -> None:
        self.run.outcome.messages += count

    def would_call(self, url: str) -> None:
        self.run.outcome.calls[url] += 1

    def would_ask(self, what: Literal["csat"]) -> None:
        self.run.outcome.asks[what] += 1
        self.run.asked_csat = True

    def request_approval(self) -> None:
        self.run.outcome.approvals += 1
        self.run.outcome.messages += 1  # the approval card in the ticket's thread

    # -- time ----------------------------------------------------------------------------------
    def pause(self, delay: timedelta) -> None:
        self.delay = delay

    def plan_sla(self) -> None:
        sla.plan(self.run, self.at)

    def resolved_within_sla(self) -> bool | None:
        state = self.run.state
        paused = clocks.pauses(state.pause_log)
        return clocks.resolved_within(state.view(), self.config, paused)
