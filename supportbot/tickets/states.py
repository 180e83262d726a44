"""The ticket state machine.

new ──claim/assign──▶ assigned ──wait on customer──▶ waiting
 │                      │  ▲ unclaim → new               │ customer replies → assigned
 └──────── resolve ─────┴──┴──────────── resolve ────────┘
                             ▼
                         resolved ──reopen──▶ assigned (or new when nobody had it)
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    WAITING = "waiting"
    RESOLVED = "resolved"


OPEN = frozenset({Status.NEW, Status.ASSIGNED, Status.WAITING})

# step -> states it may start from
ALLOWED: dict[str, frozenset[Status]] = {
    "claim": frozenset({Status.NEW}),
    "unclaim": frozenset({Status.ASSIGNED, Status.WAITING}),
    "assign": OPEN,
    "set_priority": OPEN,
    "set_category": OPEN,
    "add_tags": OPEN,
    "set_team": OPEN,
    "add_note": OPEN | {Status.RESOLVED},
    "reply": OPEN,
    "wait": frozenset({Status.ASSIGNED}),
    "escalate": OPEN,
    "handoff": OPEN,
    "resolve": OPEN,
    "reopen": frozenset({Status.RESOLVED}),
}


def can(step: str, status: str) -> bool:
    return Status(status) in ALLOWED[step]
