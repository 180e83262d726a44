"""What an action handler gets: the desk, the happening, the turn, and a few helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

from supportbot.desk import Desk
from supportbot.happenings import Happening, Settling, Turn
from supportbot.intents import Intent
from supportbot.templates import Templates
from supportbot.tickets.base import TicketChange
from supportbot.tickets.view import TicketView
from supportbot.workflows.sla import first_response_due


class NoTicketError(Exception):
    """An action that needs a ticket ran for a happening without one."""


@dataclass(frozen=True, slots=True)
class ActionContext:
    desk: Desk
    workflow: str
    digest: str  # the workflow's definition, so a `wait` can check it is unchanged on resume
    step: int
    happening: Happening
    turn: Turn
    templates: Templates  # the engine's: admin templates reload with the workflows

    @property
    def source(self) -> str:
        """Audit source: the trail says which workflow did it."""
        return f"workflow:{self.workflow}"

    @property
    def ticket_id(self) -> int:
        if self.happening.ticket_id is None:
            raise NoTicketError(f"{self.happening.trigger} has no ticket")
        return self.happening.ticket_id

    async def ticket(self) -> TicketView:
        return await self.desk.tickets.get(self.ticket_id)

    def record(self, change: TicketChange) -> TicketView:
        """Queue what the change caused, one level deeper, so loops stop at MAX_DEPTH."""
        depth = self.happening.depth + 1
        self.turn.happened(*(replace(h, depth=depth) for h in change.happenings))
        self.turn.touch(change.ticket.number)
        return change.ticket

    def emit(self, intent: Intent) -> None:
        self.turn.emit(intent)

    def settle(self, key: Hashable, work: Callable[[], Awaitable[None]], *, action: str) -> None:
        """Do `work` once the turn's happenings have all run (`Turn.settle`); a failure is this
        step's, as if it had failed now."""
        self.turn.settle(key, Settling(self.workflow, self.step, action, self.happening, work))

    def render(self, template: str, ticket: TicketView | None, *, locale: str | None = None) -> str:
        """Render a catalog template: in `locale`, else the ticket's (the requester's) language."""
        chosen = locale or (ticket.locale if ticket else self.desk.config.locale)
        return self.templates.render(template, chosen, **self.values(ticket))

    def render_internal(self, template: str, ticket: TicketView | None) -> str:
        """For the support team's channels: the desk's language, like the ticket cards."""
        return self.render(template, ticket, locale=self.desk.config.locale)

    def values(self, ticket: TicketView | None) -> dict[str, Any]:
        config = self.desk.config
        out: dict[str, Any] = {
            "desk_name": config.desk_name,
            "event": self.happening.data,
            "trigger": self.happening.trigger,
            "workflow": self.workflow,
        }
        if ticket is not None:
            target = config.sla.target(ticket.priority, ticket.requester.tier)
            due = first_response_due(ticket, config, self.desk.clock.now())
            out |= {
                "ticket": ticket,
                "requester": ticket.requester,
                "assignee": ticket.assignee,
                "first_response": target.first_response if target else None,
                "respond_by": due.strftime("%Y-%m-%d %H:%M %Z") if due else None,
            }
        return out
