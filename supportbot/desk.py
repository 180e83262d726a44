"""The desk: the long-lived parts of a support desk, composed once (`composition.build_desk`).

It holds the config, the database, the ticket service, people, templates and views, the
scheduler, the courier and the running adapters, plus what features registered (timer
handlers, link renderers, commands). It runs nothing itself: the event pipeline
(`supportbot.pipeline`) runs each event as one turn, on a copy of the desk bound to that turn's
transaction (`bound`). As the `EventSink` adapters call, it hands events to the pipeline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from supportbot.adapter import ChatAdapter, Outcome
from supportbot.clock import Clock
from supportbot.config import Config
from supportbot.courier import Courier
from supportbot.errors import TicketError
from supportbot.events import AnyEvent, ConversationRef
from supportbot.happenings import Happening, Turn
from supportbot.intents import PostEphemeral, PostMessage, Purpose, SendDirect
from supportbot.messages import Message
from supportbot.people import People
from supportbot.plugins import Hooks
from supportbot.scheduler import Scheduler
from supportbot.store.db import Database, SessionFactory
from supportbot.store.models import TicketThread
from supportbot.templates import Templates
from supportbot.tickets import TicketChange, TicketService
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView
from supportbot.views import Views

if TYPE_CHECKING:
    from supportbot.insights.prom import DeskMetrics
    from supportbot.pipeline.inbox import Receipt


class Engine(Protocol):
    """The workflow engine, as the desk sees it."""

    async def run(self, happening: Happening, turn: Turn, desk: Desk) -> None: ...

    async def settle(self, turn: Turn, desk: Desk) -> None: ...

    async def reload(self, *, loaded_by: str, desk: Desk | None = None) -> Reloaded: ...


class Reloaded(Protocol):
    @property
    def problems(self) -> Sequence[object]: ...


class Pipeline(Protocol):
    """How events and turns run (`supportbot.pipeline.runner.Pipeline`)."""

    async def accept(self, event: AnyEvent) -> Receipt: ...

    async def submit(self, event: AnyEvent, *, delivered: bool) -> Outcome: ...

    async def finish(self, turn: Turn) -> None: ...

    async def run_due_timers(self) -> int: ...

    async def drain(self) -> None: ...

    async def stop(self) -> None: ...


OBSERVED = frozenset({"ticket.created", "ticket.resolved", "csat.received"})


@dataclass(slots=True)
class Desk:
    config: Config
    db: Database
    clock: Clock
    people: People
    tickets: TicketService
    templates: Templates
    views: Views
    timers: Scheduler
    courier: Courier
    adapters: dict[str, ChatAdapter]
    hooks: Hooks = field(default_factory=Hooks)  # what the core and the features registered
    workflows_dir: Path = Path("workflows")
    engine: Engine | None = None
    metrics: DeskMetrics | None = None
    pipeline: Pipeline | None = None
    # The environment the server was given: features read their settings (URLs, tokens) here.
    env: Mapping[str, str] = field(default_factory=dict)

    # -- the EventSink -----------------------------------------------------------------------
    async def accept(self, event: AnyEvent) -> Receipt:
        """Store `event` (the ack path): once this returns, nothing can lose it."""
        return await self._pipeline.accept(event)

    async def __call__(self, event: AnyEvent) -> Outcome:
        """Store `event` and wait until its turn has committed (for synchronous answers)."""
        return await self._pipeline.submit(event, delivered=False)

    async def handle(self, event: AnyEvent) -> Outcome:
        """Store `event`, run it, and wait until what it sends was delivered (tests, tools)."""
        return await self._pipeline.submit(event, delivered=True)

    async def finish(self, turn: Turn) -> None:
        """Run the rest of `turn` (workflows, cards) as one transaction and deliver it."""
        await self._pipeline.finish(turn)

    async def run_due_timers(self) -> int:
        return await self._pipeline.run_due_timers()

    @property
    def _pipeline(self) -> Pipeline:
        if self.pipeline is None:
            raise RuntimeError("this desk has no event pipeline (build it with build_desk)")
        return self.pipeline

    # -- one turn's view -----------------------------------------------------------------------
    def bound(self, sessions: SessionFactory) -> Desk:
        """This desk inside one transaction: tickets, timers and reads all use `sessions`."""
        db = dataclasses.replace(self.db, sessions=sessions, reads=sessions, urgent=sessions)
        return dataclasses.replace(
            self, db=db, tickets=self.tickets.bound(sessions), timers=self.timers.bound(sessions)
        )

    # -- helpers for handlers, workflows and features ----------------------------------------
    def apply(self, turn: Turn, change: TicketChange) -> TicketView:
        """Record what a `TicketChange` caused; return its snapshot."""
        turn.happened(*(_deeper(h, turn) for h in change.happenings))
        turn.touch(change.ticket.number)
        return change.ticket

    async def observations(self, turn: Turn) -> list[tuple[Happening, TicketView]]:
        """What `turn` did, with each ticket as the turn leaves it (for the metrics)."""
        if self.metrics is None:
            return []
        found: list[tuple[Happening, TicketView]] = []
        for h in turn.handled:
            if h.ticket_id is not None and (h.trigger in OBSERVED or h.data.get("first_response")):
                found.append((h, await self.tickets.get(h.ticket_id)))
        return found

    async def open_ticket(self, new: NewTicket, turn: Turn, *, source: str) -> TicketView:
        """Create a ticket and post its card in the support channel on every platform."""
        ticket = self.apply(turn, await self.tickets.create(new, source=source))
        turn.created.append(ticket.number)
        for platform, channel in self.support_channels(ticket.team).items():
            turn.emit_card(
                ticket.number,
                PostMessage(
                    ConversationRef(platform, channel),
                    self.views.ticket_card(ticket),
                    Purpose(ticket.number, "card"),
                ),
            )
        return ticket

    def support_channels(self, team: str) -> dict[str, str]:
        configured = self.config.team(team)
        channels = {**self.config.support_channel, **(configured.channel if configured else {})}
        return {p: c for p, c in channels.items() if p in self.adapters}

    def tell(
        self,
        turn: Turn,
        event: AnyEvent,
        message: Message,
        *,
        where: ConversationRef | None = None,
    ) -> None:
        """Answer the person behind `event` privately: an ephemeral message, or a DM where
        there are none; in `where` itself when it is given and there are none."""
        if message.kind == "error" and turn.refusal is None:
            turn.refusal = message
        adapter = self.adapters.get(event.platform)
        if adapter is not None and not adapter.capabilities.ephemeral:
            if where is not None:
                turn.emit(PostMessage(where, message))
            else:
                turn.emit(SendDirect(event.platform, event.actor.user_id, message))
        else:
            turn.emit(PostEphemeral(where or event.conversation, event.actor.user_id, message))

    def error_message(self, exc: TicketError, locale: str) -> Message:
        text = self.templates.render(exc.template, locale, message=str(exc), values=exc.values)
        return Message(text=text, kind="error")

    async def run_happening(self, happening: Happening, turn: Turn) -> None:
        """Queue a happening that did not come from the ticket service (kudos, schedules)."""
        turn.happened(happening)

    async def render_link(self, link: TicketThread, ticket: TicketView) -> Message | None:
        if link.kind == "card":
            return await self.card(ticket)
        renderer = self.hooks.links.get(link.kind)
        return await renderer(self, link, ticket) if renderer else None

    async def card(self, ticket: TicketView) -> Message:
        """The ticket's card: the one rendering of it, wherever it is shown."""
        sla = self.hooks.sla_text
        due = await sla(self, ticket) if sla else None
        return self.views.ticket_card(ticket, due)


def _deeper(h: Happening, turn: Turn) -> Happening:
    """Happenings caused while workflows run are one level deeper than what caused them."""
    if not turn.handled:
        return h
    depth = turn.handled[-1].depth + 1
    return Happening(h.trigger, h.ticket_id, h.actor, h.data, h.source, depth)
