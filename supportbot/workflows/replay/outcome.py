"""What one replay of one ticket came to: its final fields, what fired, what would be sent."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from supportbot.collab import clocks
from supportbot.config import Config
from supportbot.workflows.replay.history import Recorded
from supportbot.workflows.replay.state import Fields, TicketState

Verdict = Literal["met", "missed", "open"]
VERDICTS: tuple[Verdict, ...] = ("met", "missed", "open")


@dataclass(slots=True)
class Outcome:
    number: int
    fields: Fields | None = None  # set when the replay of the ticket is over
    fired: Counter[str] = field(default_factory=Counter)  # workflow -> runs
    failed: Counter[str] = field(default_factory=Counter)  # workflow -> steps refused
    unsimulated: Counter[str] = field(default_factory=Counter)  # action -> steps
    messages: int = 0
    calls: Counter[str] = field(default_factory=Counter)  # webhook URL -> calls
    asks: Counter[str] = field(default_factory=Counter)  # "csat" -> polls
    handoffs: int = 0
    approvals: int = 0
    changes: list[Recorded] = field(default_factory=list)  # rows workflows would have written
    p1_first_response: Verdict | None = None  # for tickets that end as P1


def first_response_verdict(state: TicketState, config: Config, now: datetime) -> Verdict | None:
    """For a P1 ticket: did its first response come inside the P1 target (pauses counted)?"""
    if state.priority != "P1":
        return None
    view = state.view()
    target = config.sla.target("P1", view.requester.tier)
    if target is None:
        return None
    hours = config.business_hours if config.sla.business_hours else None
    paused = clocks.pauses(state.pause_log)
    due = clocks.add_active(view.created_at, target.first_response, hours, paused)
    answered = state.first_response_at
    if answered is not None:
        return "met" if due is None or answered <= due else "missed"
    return "missed" if due is not None and due <= now else "open"
