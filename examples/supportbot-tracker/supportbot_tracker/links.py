"""The follow-up turn that links a created issue back to its ticket, and reading those links.

It runs as a durable timer (`tracker.link`, scheduled by the deliverer), so it is a turn like
any other: everything it changes commits together, and what it posts leaves from the outbox.
It changes the ticket only through the ticket service's public methods:

    record_event  `tracker.issue_linked` {project, number, url, title}: the ticket's memory
    add_tags      `tracker:acme/app#7`, while the ticket is open: what conditions can see
    PostToTicket  a note in the ticket's thread in the support channels (desk's language)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from supportbot.intents import PostToTicket
from supportbot.messages import Message

from supportbot_tracker.issues import SERVICE, SOURCE, Issue

if TYPE_CHECKING:
    from supportbot.desk import Desk
    from supportbot.happenings import Turn
    from supportbot.scheduler import DueTimer
    from supportbot.tickets import TicketService

LINKED = "tracker.issue_linked"  # the audit row's kind
FAILED = "service.failed"  # what the outbox audits when a delivery fails


async def link_issue(desk: Desk, timer: DueTimer, turn: Turn) -> None:
    """Timer handler: remember the issue on the ticket, tag it, and say so in its thread."""
    if timer.ticket_id is None:
        return
    number, issue = timer.ticket_id, Issue.from_data(timer.payload)
    if issue.key in {known.key for known in (await tracker_record(desk.tickets, number)).issues}:
        return  # a retried delivery found the issue an earlier one linked
    await desk.tickets.record_event(
        ticket_id=number, kind=LINKED, data=issue.as_data(), source=SOURCE
    )
    ticket = await desk.tickets.get(number)
    if ticket.is_open:  # a resolved ticket takes no tags; the audit row and the note suffice
        change = await desk.tickets.add_tags(
            ticket_id=number, tags=[issue.tag], actor=None, source=SOURCE
        )
        desk.apply(turn, change)
    text = desk.templates.render("tracker.linked", desk.config.locale, issue=issue)
    turn.emit(PostToTicket(number, Message(text=text, kind="tracker.linked"), "internal"))


@dataclass(frozen=True, slots=True)
class Failure:
    """The outbox could not open an issue for the ticket (its `service.failed` audit row)."""

    error: str
    attempt: int
    again: bool  # the outbox tries again later


@dataclass(frozen=True, slots=True)
class TrackerRecord:
    issues: tuple[Issue, ...]
    failure: Failure | None  # the last failure since the last issue was linked


async def tracker_record(tickets: TicketService, number: int) -> TrackerRecord:
    """What the ticket's audit trail says about the tracker."""
    issues: list[Issue] = []
    failure: Failure | None = None
    for row in await tickets.history(number, [LINKED, FAILED]):
        if row.kind == LINKED:
            issues.append(Issue.from_data(dict(row.data)))
            failure = None
        elif _ours(row.data):
            failure = _failure(row.data)
    return TrackerRecord(tuple(issues), failure)


def _failure(data: dict[str, Any]) -> Failure:
    return Failure(str(data.get("error", "")), int(data.get("attempt", 1)), bool(data.get("again")))


def _ours(data: dict[str, Any]) -> bool:
    return data.get("service") == SERVICE
