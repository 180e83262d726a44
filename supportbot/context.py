"""The turn context: what a handler gets for one event, as Bolt hands a listener its args.

`ctx.desk` is the desk bound to the turn's transaction (its ticket service, scheduler and
database reads and write there); `ctx.turn` collects what happened and what to send; the
person behind the event is resolved once (`await ctx.person()`), with their language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from supportbot.events import AnyEvent, ConversationRef, MessageReceived
from supportbot.happenings import Turn
from supportbot.intents import Intent
from supportbot.messages import Message
from supportbot.tickets.base import TicketChange
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView

if TYPE_CHECKING:
    from supportbot.desk import Desk


@dataclass(slots=True)
class TurnContext:
    desk: Desk
    turn: Turn
    event: AnyEvent
    answer_in: ConversationRef | None = None  # answers go here, not privately (see `tell`)
    _handle: str | None = field(default=None, repr=False)

    async def person(self) -> str:
        """The handle of whoever acted; customers are created on first sight.

        A message in an intake channel that belongs to an organisation makes its author a
        member of it (a Slack Connect channel, say)."""
        if self._handle is None:
            organization = None
            if isinstance(self.event, MessageReceived):
                intake = self.desk.config.intake_channel(
                    self.event.platform, self.event.conversation.channel_id
                )
                organization = intake.organization if intake else None
            async with self.desk.db.sessions.begin() as s:
                record = await self.desk.people.resolve(s, self.event.actor, organization)
            self._handle = record.handle
        return self._handle

    async def locale(self) -> str:
        return self.desk.people.locale_of(await self.person())

    @property
    def platform(self) -> str:
        return self.event.platform

    def tell(self, message: Message) -> None:
        """Answer the person behind the event privately (a DM where there are no ephemerals),
        or, when `answer_in` is set, in that conversation."""
        self.desk.tell(self.turn, self.event, message, where=self.answer_in)

    def emit(self, intent: Intent) -> None:
        self.turn.emit(intent)

    def apply(self, change: TicketChange) -> TicketView:
        return self.desk.apply(self.turn, change)

    async def open_ticket(self, new: NewTicket) -> TicketView:
        return await self.desk.open_ticket(new, self.turn, source=self.platform)

    async def ticket(self, number: int) -> TicketView:
        return await self.desk.tickets.get(number)
