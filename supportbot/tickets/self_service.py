"""Self-service: the requester closes their own ticket with an article ("This solved it").

The one ticket write of the knowledge feature that changes a ticket's state; everything else it
remembers (articles shown, declined, the reason, drafts sent or dismissed) is an audit row
through `record_event`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.errors import NotAllowedError
from supportbot.store.models import Ticket
from supportbot.tickets import states
from supportbot.tickets.base import ServiceBase, TicketChange


class SelfServiceSteps(ServiceBase):
    async def resolve_self_served(
        self, *, ticket_id: int, actor: str, articles: Sequence[str], source: str
    ) -> TicketChange:
        """The requester says an article answered them: the ticket is resolved, its audit row
        marked `self_served` with the articles it stood on."""

        async def run(s: AsyncSession, t: Ticket) -> dict[str, Any]:
            if await self._actor_id(s, actor) != t.requester_id:
                raise NotAllowedError(
                    "only the person who asked can say an article solved it",
                    "knowledge.error.not_requester",
                )
            self._resume_clock(t)
            t.status, t.resolved_at = states.Status.RESOLVED, self.clock.now()
            return {"self_served": True, "articles": list(articles)}

        return await self._step(
            ticket_id, "resolve", actor, source, "resolved", run, trigger="ticket.resolved"
        )
