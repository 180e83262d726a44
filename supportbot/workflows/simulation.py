"""The port an action's `simulate` callable gets: a replayed ticket, changed only in memory.

`supportbot workflows replay` runs past tickets through workflow files without writing or
sending anything. Each action declares its effect next to its handler:

    def simulate_set_priority(sim: Simulation, p: SetPriority) -> None:
        sim.set_priority(p.priority)

    registry.action("set_priority", SetPriority, simulate=simulate_set_priority)(set_priority)

A `Simulation` refuses (raises `StepRefusedError`) exactly where the ticket service would, so a
replayed workflow stops at the same step the real one would have failed at. Effects that depend
on the outside world are only counted: `would_call` (webhooks), `would_ask` (CSAT polls).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal, Protocol

from supportbot.config import Config
from supportbot.happenings import Happening
from supportbot.people import People
from supportbot.tickets.view import TicketView

PoolStrategy = Literal["round_robin", "least_open"]


class StepRefusedError(Exception):
    """The ticket service would have refused this step (the workflow stops here)."""


class Simulation(Protocol):
    @property
    def happening(self) -> Happening:
        """What the workflow runs for (its trigger, data and actor)."""
        ...

    @property
    def ticket(self) -> TicketView:
        """The replayed ticket as it is at this step (earlier steps' effects included)."""
        ...

    @property
    def config(self) -> Config: ...

    @property
    def people(self) -> People: ...

    @property
    def now(self) -> datetime:
        """The moment the step runs: the recorded event's, or a timer's."""
        ...

    @property
    def workflow(self) -> str: ...

    # -- changes to the ticket (each as the ticket service would make and audit it) ----------
    def set_priority(self, priority: str) -> None: ...

    def set_category(self, category: str) -> None: ...

    def add_tags(self, tags: Sequence[str]) -> None: ...

    def set_team(self, team: str) -> None: ...

    def assign(self, person: str) -> None: ...

    def assign_from(self, team: str, strategy: PoolStrategy) -> None:
        """An on-duty agent of `team`, chosen at run time (who exactly is not replayable)."""
        ...

    def add_note(self, text: str) -> None: ...

    def resolve(self) -> None: ...

    def handoff(self, department: str, note: str) -> None: ...

    def give_kudos(self, receiver: str, points: int) -> None:
        """Points to a person (or the assignee's pool) and a shout-out message."""
        ...

    def already_gave_kudos(self, receiver: str) -> bool:
        """This workflow gave `receiver` a shout-out on this ticket before."""
        ...

    # -- what would be sent, asked or called ---------------------------------------------------
    def post(self, count: int = 1) -> None:
        """`count` messages would be posted (replies, channel posts, DMs)."""
        ...

    def would_call(self, url: str) -> None: ...

    def would_ask(self, what: Literal["csat"]) -> None: ...

    def request_approval(self) -> None:
        """An approval card for the pending escalation (a message, and one escalation asked)."""
        ...

    # -- time ----------------------------------------------------------------------------------
    def pause(self, delay: timedelta) -> None:
        """The remaining steps run `delay` later (a `wait`)."""
        ...

    def plan_sla(self) -> None:
        """(Re)plan the ticket's SLA clocks; their warnings and breaches fire when due."""
        ...

    def resolved_within_sla(self) -> bool | None:
        """Was the ticket resolved inside its resolution target? (None: no target, or open.)"""
        ...
