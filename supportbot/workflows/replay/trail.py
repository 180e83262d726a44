"""What each audit row did to its ticket, and the happening (workflow trigger) it raised.

One table, keyed by the `ticket_events.kind` the ticket service writes, mirrors the service:
the same state change, the same trigger, the same happening data. Recorded rows and the rows a
simulated workflow step would have written go through it alike, so a replay and the live desk
cannot drift apart on what, say, a `priority_changed` means.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supportbot.collab.clocks import PAUSE_KINDS
from supportbot.happenings import Happening, Trigger, as_trigger
from supportbot.tickets.states import Status
from supportbot.workflows.replay.history import Recorded
from supportbot.workflows.replay.state import TicketState

Effect = Callable[[TicketState, Recorded], tuple[Trigger, dict[str, Any]]]
# Kinds a workflow step changes a ticket with (the fidelity check compares these).
CHANGE_KINDS = frozenset(
    {"priority_changed", "category_changed", "tagged", "routed", "assigned", "note", "resolved",
     "handoff.opened", "kudos.given"}
)  # fmt: skip


def apply(state: TicketState, row: Recorded) -> Happening | None:
    """Change `state` as the row says; return what it triggers (None: nothing runs on it)."""
    effect = EFFECTS.get(row.kind)
    if row.kind in PAUSE_KINDS:
        state.pause_log.append((row.kind, row.at))
    if effect is None:
        return None
    trigger, data = effect(state, row)
    state.changed()
    return Happening(trigger, state.number, row.actor, data, row.source)


def _resume_clock(state: TicketState) -> None:
    if state.status == Status.WAITING:
        state.status, state.waiting_since = Status.ASSIGNED, None


def _created(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    return "ticket.created", {"text": state.base.body}


def _claimed(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    who = row.data.get("assignee") or row.actor
    state.assignee, state.status = who, Status.ASSIGNED
    return "ticket.claimed", {"assignee": who}


def _unclaimed(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    _resume_clock(state)
    state.assignee, state.status = None, Status.NEW
    return "ticket.updated", {"change": "unclaimed"}


def _assigned(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    state.assignee = row.data.get("assignee")
    if state.status == Status.NEW:
        state.status = Status.ASSIGNED
    return "ticket.assigned", {"change": "assigned", "assignee": state.assignee}


def _priority(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    before, state.priority = state.priority, str(row.data.get("to") or state.priority)
    return "ticket.priority_changed", {
        "change": "priority_changed",
        "from": before,
        "to": state.priority,
    }


def _category(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    before, to = state.category, row.data.get("to")
    state.category = str(to) if to else None
    return "ticket.updated", {"change": "category_changed", "from": before, "to": state.category}


def _tagged(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    tags = [str(t) for t in row.data.get("tags") or ()]
    state.tags = state.tags | set(tags)
    return "ticket.updated", {"change": "tagged", "tags": tags}


def _routed(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    before, state.team = state.team, str(row.data.get("to") or state.team)
    return "ticket.updated", {"change": "routed", "from": before, "to": state.team}


def _reply(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    first = state.first_response_at is None
    if first:
        state.first_response_at = row.at
    return "ticket.updated", {
        "change": "reply",
        "text": row.data.get("text"),
        "first_response": first,
    }


def _message(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    _resume_clock(state)
    return "message.received", {"text": row.data.get("text")}


def _resolved(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    _resume_clock(state)
    state.status, state.resolved_at = Status.RESOLVED, row.at
    return "ticket.resolved", {"change": "resolved", **row.data}


def _reopened(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    state.status = Status.ASSIGNED if state.assignee is not None else Status.NEW
    state.resolved_at, state.reopen_count = None, state.reopen_count + 1
    return "ticket.reopened", {"change": "reopened", **row.data}


def _waiting(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    state.status, state.waiting_since = Status.WAITING, row.at
    return "ticket.updated", {"change": "waiting"}


def _handoff_opened(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    state.open_handoffs.add(str(row.data.get("department")))
    return as_trigger(row.kind), dict(row.data)


def _handoff_closed(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    state.open_handoffs.discard(str(row.data.get("department")))
    return as_trigger(row.kind), dict(row.data)


def _update(change: str) -> Effect:
    return lambda state, row: ("ticket.updated", {"change": change, **row.data})


def _same(state: TicketState, row: Recorded) -> tuple[Trigger, dict[str, Any]]:
    return as_trigger(row.kind), dict(row.data)


EFFECTS: dict[str, Effect] = {
    "created": _created,
    "claimed": _claimed,
    "unclaimed": _unclaimed,
    "assigned": _assigned,
    "priority_changed": _priority,
    "category_changed": _category,
    "tagged": _tagged,
    "routed": _routed,
    "note": _update("note"),
    "reply": _reply,
    "message": _message,
    "resolved": _resolved,
    "reopened": _reopened,
    "waiting": _waiting,
    "handoff.opened": _handoff_opened,
    "handoff.closed": _handoff_closed,
} | {
    kind: _same
    for kind in (
        "escalation.requested", "escalation.approved", "escalation.denied", "handoff.accepted",
        "csat.received", "kudos.given", "sla.warning", "sla.breached",
    )
}  # fmt: skip
