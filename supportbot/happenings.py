"""Domain events ("happenings") and the per-event unit of work that collects them.

The ticket service returns what happened; the desk feeds each happening to the workflow engine,
whose actions may cause more (bounded by `MAX_DEPTH` against loops). Intents produced on the way
are delivered once the turn is over.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from supportbot.intents import Intent
from supportbot.store.unit import TurnSessions

MAX_DEPTH = 5

Trigger = Literal[
    "ticket.created",
    "message.received",
    "reaction.added",
    "ticket.claimed",
    "ticket.assigned",
    "ticket.priority_changed",
    "ticket.updated",
    "escalation.requested",
    "escalation.approved",
    "escalation.denied",
    "handoff.opened",
    "handoff.accepted",
    "handoff.closed",
    "ticket.resolved",
    "ticket.reopened",
    "csat.received",
    "kudos.given",
    "sla.warning",
    "sla.breached",
    "schedule",
    "trend.spike",
]
TRIGGERS: tuple[Trigger, ...] = get_args(Trigger)


def as_trigger(name: str) -> Trigger:
    """A trigger's name read from data (a file, a stored row), checked."""
    for trigger in TRIGGERS:
        if trigger == name:
            return trigger
    raise ValueError(f"unknown trigger {name!r}")


class StepBrokeError(Exception):
    """A workflow step failed in the middle of a write; the turn must run again without it."""

    def __init__(self, workflow: str, step: int, error: str) -> None:
        super().__init__(f"workflow {workflow} step {step}: {error}")
        self.workflow, self.step, self.error = workflow, step, error


@dataclass(frozen=True, slots=True)
class Settling:
    """A workflow step's work that depends only on where the turn ends (`Turn.settle`)."""

    workflow: str
    step: int
    action: str
    happening: Happening
    work: Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Happening:
    """Something that happened to the desk, named as a workflow trigger."""

    trigger: Trigger
    ticket_id: int | None = None
    actor: str | None = None  # handle of the person who acted; None for the system
    data: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # "slack", "teams", "playground", "intake", "workflow:<name>", "timer"
    depth: int = 0


@dataclass(slots=True)
class Turn:
    """Everything one inbound event (or timer) caused, collected before delivery."""

    source: str
    intents: list[Intent] = field(default_factory=list)
    pending: deque[Happening] = field(default_factory=deque)
    handled: list[Happening] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # tickets whose cards must be refreshed
    cards: dict[int, list[int]] = field(default_factory=dict)  # new ticket -> its card intents
    created: list[int] = field(default_factory=list)  # tickets this turn opened
    refusal: Any = None  # the first refusal told to the person who acted (a `Message`)
    # Workflow steps a first run of this turn broke (workflow, step) -> error: skipped now.
    broken: dict[tuple[str, int], str] = field(default_factory=dict)
    units: TurnSessions | None = None  # the turn's transaction, when it runs in one
    settling: dict[Hashable, Settling] = field(default_factory=dict)

    @property
    def tainted(self) -> BaseException | None:
        """What left the turn's transaction half-changed, if anything did."""
        return self.units.tainted if self.units is not None else None

    def emit(self, intent: Intent) -> None:
        self.intents.append(intent)

    def emit_card(self, ticket_id: int, intent: Intent) -> None:
        """A new ticket's card: rendered again once the turn is over, from its final state."""
        self.cards.setdefault(ticket_id, []).append(len(self.intents))
        self.intents.append(intent)

    def happened(self, *happenings: Happening) -> None:
        for h in happenings:
            if h.ticket_id is not None:
                self.touched.add(h.ticket_id)
            if h.depth <= MAX_DEPTH:
                self.pending.append(h)

    def touch(self, ticket_id: int) -> None:
        self.touched.add(ticket_id)

    def settle(self, key: Hashable, settling: Settling) -> None:
        """Run `settling` once all of the turn's happenings have run, before its cards and its
        commit. A later call with the same key replaces an earlier one: work that depends only
        on the final state (a ticket's SLA plan) runs once however many workflows asked."""
        self.settling.pop(key, None)
        self.settling[key] = settling
