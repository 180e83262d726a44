"""Moving a ticket's conversation with the requester to another channel (chat → e-mail).

The ticket keeps its card and its old requester thread (a customer who writes there is still
heard); the new requester thread is linked *after* it, and the requester's messages go to the
newest requester thread (`Courier._to_requester`). One audit row, `channel.moved`, names where
the conversation went. `conversation` reads what was said so far, for the first message there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.errors import IllegalTransitionError
from supportbot.events import MessageRef
from supportbot.store.models import Person, TicketEvent, TicketThread
from supportbot.tickets import states
from supportbot.tickets.base import ServiceBase, TicketChange

SAID = ("message", "reply")  # the customer's messages and the agents' public replies


@dataclass(frozen=True, slots=True)
class Said:
    """One message of a ticket's public conversation."""

    at: datetime
    name: str
    text: str
    staff: bool


class ChannelSteps(ServiceBase):
    async def move_requester(
        self,
        *,
        ticket_id: int,
        to: MessageRef,
        actor: str,
        source: str,
        data: dict[str, Any] | None = None,
    ) -> TicketChange:
        """Continue the conversation with the requester in `to`'s thread (on its platform)."""
        self._require_staff(actor, "move")
        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)
            if t.status == states.Status.RESOLVED:
                raise IllegalTransitionError(
                    f"#{t.id} is resolved", "error.channel.resolved", number=t.id
                )
            if await _has_requester_thread(s, t.id, to.platform):
                raise IllegalTransitionError(
                    f"#{t.id} is already on {to.platform}",
                    "error.channel.already",
                    number=t.id,
                    platform=to.platform,
                )
            s.add(
                TicketThread(
                    ticket_id=t.id,
                    kind="requester",
                    platform=to.platform,
                    channel_id=to.channel_id,
                    message_id=to.message_id,
                    thread_id=to.thread_id or to.message_id,
                    created_at=self.clock.now(),
                )
            )
            moved = {
                "platform": to.platform,
                "channel": to.channel_id,
                "thread": to.thread_id or to.message_id,
                **(data or {}),
            }
            view = await self._commit_change(
                s, t, await self._actor_id(s, actor), "channel.moved", source, moved
            )
        return self._changed(view, "ticket.updated", actor, source, {"change": "channel.moved"})

    async def conversation(self, ticket_id: int) -> list[Said]:
        """The opening message and every public message since, oldest first."""
        async with self.reads() as s:
            t = await self._load(s, ticket_id)
            opener = await s.get(Person, t.requester_id)
            rows = await s.execute(
                select(TicketEvent.at, TicketEvent.data, Person.name, Person.is_staff)
                .outerjoin(Person, Person.id == TicketEvent.actor_id)
                .where(TicketEvent.ticket_id == t.id, TicketEvent.kind.in_(SAID))
                .order_by(TicketEvent.at, TicketEvent.id)
            )
            said = [
                Said(at, name or "", str(data.get("text", "")), bool(staff))
                for at, data, name, staff in rows.all()
            ]
        first = Said(t.created_at, opener.name if opener else "", t.body, False)
        return [first, *said]


async def _has_requester_thread(s: AsyncSession, ticket_id: int, platform: str) -> bool:
    found = await s.scalar(
        select(TicketThread.id)
        .where(
            TicketThread.ticket_id == ticket_id,
            TicketThread.kind == "requester",
            TicketThread.platform == platform,
        )
        .limit(1)
    )
    return found is not None
