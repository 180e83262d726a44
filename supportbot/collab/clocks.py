"""SLA clock arithmetic: when a ticket's first response and resolution fall due.

Pure functions over a ticket snapshot and its pauses. A clock runs in business time when
the config says so (with `supportbot.business_hours`, the desk's one definition of business
time) and stands still while the ticket waits on the customer or sits resolved. Pauses
come from the audit trail:

    waiting ─┐ (kind "waiting")            resolved ─┐ (kind "resolved")
             └─ ends at "message"/"unclaimed"        └─ ends at "reopened"
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from supportbot.business_hours import add_business_time, business_seconds
from supportbot.config import BusinessHours, Config
from supportbot.tickets.view import TicketView

CLOCKS = ("first_response", "resolution")
PAUSE_KINDS = ("waiting", "resolved", "message", "unclaimed", "reopened")

Pause = tuple[datetime, datetime | None]  # None: still paused


@dataclass(frozen=True, slots=True)
class Deadline:
    clock: str  # first_response | resolution
    stage: str  # warning | breached
    due: datetime
    target: timedelta  # the whole target (the same for both stages of a clock)


def pauses(events: Iterable[tuple[str, datetime]]) -> list[Pause]:
    """Pause intervals from the ticket's audit rows (kind, at), oldest first."""
    out: list[Pause] = []
    mode: str | None = None
    since: datetime | None = None
    for kind, at in events:
        if kind in ("waiting", "resolved"):
            if mode is None:
                since = at
            mode = "waiting" if kind == "waiting" and mode != "resolved" else "resolved"
        elif (kind in ("message", "unclaimed") and mode == "waiting") or (
            kind == "reopened" and mode == "resolved"
        ):
            assert since is not None
            out.append((since, at))
            mode, since = None, None
    if since is not None:
        out.append((since, None))
    return out


def add_active(
    start: datetime, amount: timedelta, hours: BusinessHours | None, paused: Sequence[Pause]
) -> datetime | None:
    """`amount` of running clock after `start`; None while the clock stands still for good."""
    t, left = start, amount
    for begins, ends in sorted(paused, key=lambda p: p[0]):
        if ends is not None and ends <= t:
            continue
        begins = max(begins, t)
        candidate = _add(t, left, hours)
        if candidate is None or candidate <= begins:
            return candidate
        left -= _span(t, begins, hours)
        if ends is None:
            return None
        t = ends
    return _add(t, left, hours)


def _add(t: datetime, amount: timedelta, hours: BusinessHours | None) -> datetime | None:
    return add_business_time(t, amount, hours) if hours is not None else t + amount


def _span(a: datetime, b: datetime, hours: BusinessHours | None) -> timedelta:
    if hours is None:
        return b - a
    return timedelta(seconds=business_seconds(a, b, hours))


def deadlines(ticket: TicketView, config: Config, paused: Sequence[Pause]) -> list[Deadline]:
    """The ticket's running clocks' warning and breach moments (none when resolved)."""
    target = config.sla.target(ticket.priority, ticket.requester.tier)
    if target is None or not ticket.is_open:
        return []
    hours = config.business_hours if config.sla.business_hours else None
    out: list[Deadline] = []
    for clock in CLOCKS:
        if clock == "first_response" and ticket.first_response_at is not None:
            continue
        whole: timedelta = getattr(target, clock)
        for stage, share in (("warning", config.sla.warn_at), ("breached", 1.0)):
            due = add_active(ticket.created_at, whole * share, hours, paused)
            if due is not None:
                out.append(Deadline(clock, stage, due, whole))
    return out


def resolved_within(ticket: TicketView, config: Config, paused: Sequence[Pause]) -> bool | None:
    """Was the ticket resolved inside its resolution target? None: no target, or not resolved."""
    target = config.sla.target(ticket.priority, ticket.requester.tier)
    if target is None or ticket.resolved_at is None:
        return None
    hours = config.business_hours if config.sla.business_hours else None
    # Resolved, the clock stands still from `resolved_at`: a deadline beyond it was never hit.
    return add_active(ticket.created_at, target.resolution, hours, paused) is None
