"""One ticket's past as the audit trail tells it: the ticket as it is now, and its rows in order.

The ticket service records every change as a `ticket_events` row (who, what, when, from where),
so the ticket as it was at any moment is its first state plus the rows up to that moment. The
first state is read back from the rows: the `from` of the first priority, team and category
change, and the current tags minus those added later (when the `created` row names them itself,
that wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportbot.tickets.view import TicketView

WORKFLOW_SOURCE = "workflow:"


@dataclass(frozen=True, slots=True)
class Recorded:
    """One audit row (or, in a simulation, the row a workflow step would have written)."""

    at: datetime
    kind: str
    source: str
    actor: str | None  # the person's handle; None for the system and workflows
    data: dict[str, Any]

    @property
    def workflow(self) -> str | None:
        """The workflow that made this change, if one did."""
        if self.source.startswith(WORKFLOW_SOURCE):
            return self.source[len(WORKFLOW_SOURCE) :]
        return None


@dataclass(frozen=True, slots=True)
class FirstState:
    priority: str
    team: str
    category: str | None
    tags: frozenset[str]


@dataclass(frozen=True, slots=True)
class TicketHistory:
    ticket: TicketView  # as it is now
    events: tuple[Recorded, ...]  # oldest first

    @property
    def number(self) -> int:
        return self.ticket.number

    @property
    def last_at(self) -> datetime:
        return self.events[-1].at if self.events else self.ticket.created_at

    def first_state(self) -> FirstState:
        created = next((e.data for e in self.events if e.kind == "created"), {})
        now = self.ticket
        added: set[str] = set()
        for e in self.events:
            if e.kind == "tagged":
                added.update(str(t) for t in e.data.get("tags") or ())
        tags = created.get("tags")
        return FirstState(
            priority=str(
                created.get("priority") or self._first_from("priority_changed", now.priority)
            ),
            team=str(created.get("team") or self._first_from("routed", now.team)),
            category=self._first_category(created),
            tags=frozenset(tags) if isinstance(tags, list) else frozenset(now.tags) - added,
        )

    def _first_from(self, kind: str, current: str) -> str:
        first = next((e for e in self.events if e.kind == kind), None)
        return str(first.data.get("from") or current) if first else current

    def _first_category(self, created: dict[str, Any]) -> str | None:
        if "category" in created:
            value = created["category"]
            return str(value) if value else None
        first = next((e for e in self.events if e.kind == "category_changed"), None)
        if first is None:
            return self.ticket.category
        before = first.data.get("from")
        return str(before) if before else None
