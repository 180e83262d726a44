"""The desk: where an event becomes tickets, workflow runs and outbound messages.

`Desk` is the `EventSink` every adapter calls. For one event it
1. drops a platform retry it has seen (the inbox's unique key, shared by all replicas),
2. hands the event to its handler (messages, commands, buttons, forms),
3. lets the workflow engine react to what happened, depth-limited,
4. refreshes the cards of every ticket that changed, and delivers everything in order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from supportbot.adapter import ChatAdapter, Outcome
from supportbot.clock import Clock
from supportbot.config import Config
from supportbot.courier import Courier
from supportbot.events import AnyEvent, ConversationRef
from supportbot.happenings import Happening, Turn
from supportbot.intents import PostEphemeral, PostMessage, Purpose, SendDirect, UpdateMessage
from supportbot.messages import Message
from supportbot.people import People
from supportbot.scheduler import DueTimer, Scheduler
from supportbot.store.db import Database
from supportbot.store.models import InboxEvent, TicketThread
from supportbot.templates import Templates
from supportbot.tickets import TicketChange, TicketError, TicketService
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView
from supportbot.views import Views

if TYPE_CHECKING:
    from supportbot.insights.prom import DeskMetrics

log = logging.getLogger(__name__)
INBOX_KEEP = timedelta(days=7)


class Engine(Protocol):
    """The workflow engine, as the desk sees it."""

    async def run(self, happening: Happening, turn: Turn) -> None: ...


TimerHandler = Callable[["Desk", DueTimer, Turn], Awaitable[None]]
LinkRenderer = Callable[["Desk", TicketThread, TicketView], Awaitable[Message | None]]
SlaText = Callable[["Desk", TicketView], Awaitable[str | None]]


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
    engine: Engine | None = None
    metrics: DeskMetrics | None = None
    timer_handlers: dict[str, TimerHandler] = field(default_factory=dict)
    link_renderers: dict[str, LinkRenderer] = field(default_factory=dict)
    sla_text: SlaText | None = None
    services: dict[str, Any] = field(default_factory=dict)  # feature objects by name

    # -- the EventSink -----------------------------------------------------------------------
    async def __call__(self, event: AnyEvent) -> Outcome:
        return await self.handle(event)

    async def handle(self, event: AnyEvent) -> Outcome:
        if not await self._first_delivery(event):
            return Outcome(duplicate=True)
        from supportbot.handlers import dispatch  # handlers import the desk's types

        turn = Turn(source=event.platform)
        started = time.perf_counter()
        error: str | None = None
        try:
            await dispatch(self, event, turn)
        except TicketError as exc:
            error = str(exc)
            self.tell(
                turn,
                event,
                self.error_message(
                    exc,
                    self.people.locale_of(
                        self.people.handle_for(event.platform, event.actor.user_id)
                    ),
                ),
            )
        await self.finish(turn)
        if self.metrics is not None:
            elapsed = time.perf_counter() - started
            self.metrics.observe_event_latency(max(elapsed, 0.0), adapter=event.platform)
        return Outcome(intents=tuple(turn.intents), error=error, refusal=turn.refusal)

    async def _first_delivery(self, event: AnyEvent) -> bool:
        try:
            async with self.db.sessions.begin() as s:
                s.add(
                    InboxEvent(
                        platform=event.platform,
                        event_id=event.event_id,
                        kind=type(event).__name__,
                        received_at=self.clock.now(),
                    )
                )
        except IntegrityError:
            log.info("dropping repeated %s event %s", event.platform, event.event_id)
            return False
        return True

    async def prune_inbox(self, older_than: timedelta = INBOX_KEEP) -> int:
        """Forget delivery ids older than any platform retries (Slack: within the hour)."""
        async with self.db.sessions.begin() as s:
            result = await s.execute(
                delete(InboxEvent).where(InboxEvent.received_at < self.clock.now() - older_than)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # -- a turn's second half: workflows, card refresh, delivery -----------------------------
    async def finish(self, turn: Turn) -> None:
        delivered = 0
        while True:
            delivered = await self._deliver_from(turn, delivered)
            if not turn.pending:
                break
            happening = turn.pending.popleft()
            turn.handled.append(happening)
            if self.engine is not None:
                await self.engine.run(happening, turn)
        await self.refresh(turn)
        await self._deliver_from(turn, delivered)

    async def _deliver_from(self, turn: Turn, start: int) -> int:
        for intent in turn.intents[start:]:
            for ref in await self.courier.deliver(intent):
                if ref is not None and isinstance(intent, PostMessage | UpdateMessage):
                    turn.shown[(ref.platform, ref.channel_id, ref.message_id)] = intent.message
        return len(turn.intents)

    async def refresh(self, turn: Turn) -> None:
        """Re-render every message that shows a touched ticket, in place."""
        for number in sorted(turn.touched):
            ticket = await self.tickets.get(number)
            for link in await self.tickets.links(number):
                message = await self.render_link(link, ticket)
                key = (link.platform, link.channel_id, link.message_id)
                if message is None or link.platform not in self.adapters:
                    continue
                if turn.shown.get(key) != message:  # not what was just posted there
                    turn.emit(UpdateMessage(_ref(link), message))

    async def render_link(self, link: TicketThread, ticket: TicketView) -> Message | None:
        if link.kind == "card":
            due = await self.sla_text(self, ticket) if self.sla_text else None
            return self.views.ticket_card(ticket, due)
        renderer = self.link_renderers.get(link.kind)
        return await renderer(self, link, ticket) if renderer else None

    async def run_timer(self, timer: DueTimer) -> None:
        handler = self.timer_handlers.get(timer.kind)
        if handler is None:
            raise LookupError(f"no handler for timers of kind {timer.kind!r}")
        turn = Turn(source="timer")
        await handler(self, timer, turn)
        await self.finish(turn)

    # -- helpers for handlers, workflows and features ----------------------------------------
    def apply(self, turn: Turn, change: TicketChange) -> TicketView:
        """Record what a `TicketChange` caused; return its snapshot."""
        turn.happened(*(_deeper(h, turn) for h in change.happenings))
        turn.touch(change.ticket.number)
        self.observe(change)
        return change.ticket

    def observe(self, change: TicketChange) -> None:
        """Feed the Prometheus figures from what just happened."""
        if self.metrics is None:
            return
        t = change.ticket
        for h in change.happenings:
            if h.trigger == "ticket.resolved" and t.resolved_at:
                seconds = (t.resolved_at - t.created_at).total_seconds()
                self.metrics.observe_resolution(seconds, team=t.team)
            elif h.data.get("first_response") and t.first_response_at:
                seconds = (t.first_response_at - t.created_at).total_seconds()
                self.metrics.observe_first_response(seconds, team=t.team)
            elif h.trigger == "csat.received":
                self.metrics.observe_csat(int(h.data["score"]), team=t.team)

    async def open_ticket(self, new: NewTicket, turn: Turn, *, source: str) -> TicketView:
        """Create a ticket and post its card in the support channel on every platform."""
        ticket = self.apply(turn, await self.tickets.create(new, source=source))
        for platform, channel in self.support_channels(ticket.team).items():
            turn.emit(
                PostMessage(
                    ConversationRef(platform, channel),
                    self.views.ticket_card(ticket),
                    Purpose(ticket.number, "card"),
                )
            )
        if self.metrics is not None:
            self.metrics.observe_ticket_created(platform=ticket.origin_platform, team=ticket.team)
        return ticket

    def support_channels(self, team: str) -> dict[str, str]:
        configured = self.config.team(team)
        channels = {**self.config.support_channel, **(configured.channel if configured else {})}
        return {p: c for p, c in channels.items() if p in self.adapters}

    def tell(self, turn: Turn, event: AnyEvent, message: Message) -> None:
        """Answer the person behind `event` privately (a DM where there are no ephemerals)."""
        if message.kind == "error" and turn.refusal is None:
            turn.refusal = message
        adapter = self.adapters.get(event.platform)
        if adapter is not None and not adapter.capabilities.ephemeral:
            turn.emit(SendDirect(event.platform, event.actor.user_id, message))
        else:
            turn.emit(PostEphemeral(event.conversation, event.actor.user_id, message))

    def error_message(self, exc: TicketError, locale: str) -> Message:
        text = self.templates.render(exc.template, locale, message=str(exc), values=exc.values)
        return Message(text=text, kind="error")

    async def run_happening(self, happening: Happening, turn: Turn) -> None:
        """Queue a happening that did not come from the ticket service (kudos, schedules)."""
        turn.happened(happening)


def _deeper(h: Happening, turn: Turn) -> Happening:
    """Happenings caused while workflows run are one level deeper than what caused them."""
    if not turn.handled:
        return h
    depth = turn.handled[-1].depth + 1
    return Happening(h.trigger, h.ticket_id, h.actor, h.data, h.source, depth)


def _ref(link: TicketThread) -> Any:
    from supportbot.events import MessageRef

    thread = None if link.thread_id == link.message_id else link.thread_id
    return MessageRef(link.platform, link.channel_id, link.message_id, thread)
