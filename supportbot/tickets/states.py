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


# How a refusal names the step: "cannot {phrase}: it is {status}".
PHRASES: dict[str, str] = {
    "claim": "claim #{n}",
    "unclaim": "release #{n}",
    "assign": "assign #{n}",
    "set_priority": "change the priority of #{n}",
    "set_category": "change the category of #{n}",
    "add_tags": "tag #{n}",
    "set_team": "route #{n}",
    "add_note": "add a note to #{n}",
    "reply": "reply on #{n}",
    "wait": "set #{n} to waiting on the customer",
    "escalate": "escalate #{n}",
    "handoff": "hand off #{n}",
    "resolve": "resolve #{n}",
    "reopen": "reopen #{n}",
}
STATUS_WORDS = {"new": "new", "assigned": "in progress", "waiting": "waiting on the customer",
                "resolved": "resolved"}  # fmt: skip


def refusal(step: str, number: int, status: str) -> str:
    return f"cannot {PHRASES[step].format(n=number)}: it is {STATUS_WORDS.get(status, status)}"


def can(step: str, status: str) -> bool:
    return Status(status) in ALLOWED[step]
