"""Domain events ("happenings") and the per-event unit of work that collects them.

The ticket service returns what happened; the desk feeds each happening to the workflow engine,
whose actions may cause more (bounded by `MAX_DEPTH` against loops). Intents produced on the way
are delivered once the turn is over.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from supportbot.intents import Intent

MAX_DEPTH = 5

TRIGGERS = (
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
)


@dataclass(frozen=True, slots=True)
class Happening:
    """Something that happened to the desk, named as a workflow trigger."""

    trigger: str
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
    shown: dict[tuple[str, str, str], Any] = field(default_factory=dict)  # message -> content
    refusal: Any = None  # the first refusal told to the person who acted (a `Message`)

    def emit(self, intent: Intent) -> None:
        self.intents.append(intent)

    def happened(self, *happenings: Happening) -> None:
        for h in happenings:
            if h.ticket_id is not None:
                self.touched.add(h.ticket_id)
            if h.depth <= MAX_DEPTH:
                self.pending.append(h)

    def touch(self, ticket_id: int) -> None:
        self.touched.add(ticket_id)
