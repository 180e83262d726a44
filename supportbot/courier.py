"""Delivery: every intent of a turn waits in the outbox, and leaves it after the commit.

A turn writes its intents into `outbox` inside its own transaction (`write`), so a crash
before the commit sends nothing and a crash after it loses nothing. Right after the commit the
courier sends them (`deliver`), in order, and records each as `sent` together with the message
it made (the `ticket_threads` link), in one short group-committed write.

What remains: a crash between a platform's answer and that write (a few milliseconds) sends
the message again on restart; platforms take no idempotency key for a new message.

Rows are written with a lease (`next_attempt_at`): until it passes, only the replica that
wrote them sends them. A row whose lease passed (its replica died), or that a platform refused
for now (`DeliveryError(retryable=True)`), is taken by `retry_due` on any replica
(`SKIP LOCKED`), with back-off, up to `MAX_ATTEMPTS`.

Where a ticket's messages go (`PostToTicket`) is decided in the turn when it can be, and at
delivery when the turn itself posts the message that decides it (the card whose thread is the
"internal" audience): then deliveries of that ticket wait for its card.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot import codec
from supportbot.adapter import ChatAdapter, Delivery, DeliveryError
from supportbot.clock import Clock
from supportbot.events import ConversationRef, MessageRef
from supportbot.intents import (
    CallService,
    Intent,
    OpenForm,
    PostEphemeral,
    PostMessage,
    PostToTicket,
    SendDirect,
    UpdateMessage,
)
from supportbot.messages import Message
from supportbot.pipeline.lanes import Lanes
from supportbot.plugins import Deliverer
from supportbot.store import direct
from supportbot.store.batch import WriteBatcher
from supportbot.store.db import Database
from supportbot.store.models import OutboxMessage
from supportbot.store.unit import created_here
from supportbot.tickets import TicketService

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
_KEEP = direct.Direct("""
    INSERT INTO outbox (platform, intent, status, attempts, next_attempt_at, created_at, batch, seq)
    VALUES (:platform, :intent, 'pending', 0, :due, :at, :batch, :seq) RETURNING id""")
_SENT = direct.Direct("""
    UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = NULL
    WHERE id = :row_id""")
ANY_PLATFORM = "*"  # a ticket's message that is resolved at delivery (maybe several platforms)
SERVICE_PREFIX = "service:"  # an outside service's deliverer (`CallService`)
CARD_WAIT_SECONDS = 30.0


def platform_of(intent: Intent) -> str:
    match intent:
        case PostMessage(to=to) | PostEphemeral(to=to):
            return to.platform
        case UpdateMessage(ref=ref):
            return ref.platform
        case SendDirect(platform=p) | OpenForm(platform=p):
            return p
        case PostToTicket():
            return ANY_PLATFORM
        case CallService(service=service):
            return f"{SERVICE_PREFIX}{service}"
    raise TypeError(f"no platform for {type(intent).__name__}")


def digest(message: Message) -> str:
    """A fingerprint of what a message shows (an unchanged card is not updated again)."""
    data = json.dumps(codec._encode(message), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Entry:
    """One outbox row of a turn: its id and the intent it holds."""

    id: int
    intent: Intent
    attempts: int = 0
    retry: bool = False  # taken up again: an earlier attempt may have reached the platform
    fresh: bool = False  # its ticket was opened by the turn that wrote it (see `_concrete`)


@dataclass(eq=False, slots=True)
class _Job:
    """One turn's entries on their way (compared by identity)."""

    entries: list[Entry]
    done: asyncio.Future[None] | None
    cards: dict[int, list[ConversationRef]] = field(default_factory=dict)  # threads it made
    unposted: set[int] = field(default_factory=set)  # tickets whose card it failed to post


@dataclass(slots=True)
class Courier:
    adapters: Mapping[str, ChatAdapter]
    db: Database
    tickets: TicketService
    clock: Clock
    batcher: WriteBatcher
    deliverers: Callable[[str], Deliverer | None] = lambda _name: None
    lease: timedelta = timedelta(seconds=15)
    lanes: int = 16
    _linking: dict[int, dict[_Job, int]] = field(default_factory=dict)  # ticket -> jobs
    _linked: asyncio.Condition = field(default_factory=asyncio.Condition)
    _lanes: Lanes[_Job] | None = None
    _desk_key: str = ""

    # -- in the turn ---------------------------------------------------------------------------
    async def write(
        self, s: AsyncSession, batch: str, intents: Sequence[Intent], tickets: TicketService
    ) -> list[Entry]:
        """Resolve what can be resolved now and keep every intent in the outbox (in `s`'s
        transaction). Intents for platforms without a running adapter are dropped here."""
        fresh = created_here(s)
        decided = await self._decide(intents, tickets, fresh)
        if not decided:
            return []
        due = self.clock.now() + self.lease
        rows = [
            {
                "platform": platform_of(intent),
                "intent": codec.encode(intent),
                "due": due,
                "at": self.clock.now(),
                "batch": batch,
                "seq": n,
            }
            for n, intent in enumerate(decided)
        ]
        ids = [await direct.scalar(s, _KEEP, row) for row in rows]
        return [
            Entry(i, intent, fresh=getattr(intent, "ticket_id", None) in fresh)
            for i, intent in zip(ids, decided, strict=True)
        ]

    async def _decide(
        self, intents: Sequence[Intent], tickets: TicketService, fresh: set[int]
    ) -> list[Intent]:
        linked = {
            purpose.ticket_id
            for intent in intents
            if (purpose := getattr(intent, "purpose", None)) is not None
        }
        decided: list[Intent] = []
        for intent in intents:
            if isinstance(intent, PostToTicket) and (
                intent.audience == "requester" or intent.ticket_id not in linked
            ):
                decided += await self.resolve(intent, tickets, fresh)
            elif isinstance(intent, PostToTicket) or self._can_send(intent):
                decided.append(intent)
            else:
                log.debug("no %s adapter is running; dropping %s", platform_of(intent), intent)
        return decided

    def _can_send(self, intent: Intent) -> bool:
        if isinstance(intent, CallService):
            return self.deliverers(intent.service) is not None
        return platform_of(intent) in self.adapters

    # -- after the commit ----------------------------------------------------------------------
    def deliver(
        self, key: str, entries: list[Entry], *, wait: bool = False
    ) -> asyncio.Future[None] | None:
        """Send a committed turn's entries in order, after the ones its key sent before."""
        if self._lanes is None:
            self._lanes = Lanes(self._run, workers=self.lanes, name="courier")
        job = _Job(entries, asyncio.get_running_loop().create_future() if wait else None)
        for entry in entries:
            ticket = _linked_ticket(entry.intent)
            if ticket is not None:
                owners = self._linking.setdefault(ticket, {})
                owners[job] = owners.get(job, 0) + 1
        self._lanes.submit(key, job)
        return job.done

    async def _run(self, job: _Job) -> None:
        try:
            for entry in job.entries:
                await self._send_entry(job, entry)
        finally:
            if job.done is not None and not job.done.done():
                job.done.set_result(None)

    async def _send_entry(self, job: _Job, entry: Entry) -> None:
        ticket = _linked_ticket(entry.intent)
        try:
            await self._attempt(job, entry)
        finally:
            if ticket is not None:
                await self._unlink(ticket, job)

    async def _unlink(self, ticket: int, job: _Job) -> None:
        owners = self._linking.get(ticket, {})
        owners[job] = owners.get(job, 1) - 1
        if owners[job] <= 0:
            owners.pop(job, None)
        if not owners:
            self._linking.pop(ticket, None)
        async with self._linked:
            self._linked.notify_all()

    async def _attempt(self, job: _Job, entry: Entry) -> None:
        card = _card_of(entry.intent)
        try:
            intents = await self._concrete(job, entry)
            links = [
                await self._send(intent, Delivery(self._key(entry, n, len(intents)), entry.retry))
                for n, intent in enumerate(intents)
            ]
        except DeliveryError as exc:
            if card is not None:
                job.unposted.add(card)
            await self._settle_failure(entry, exc)
            return
        except Exception as exc:  # a broken adapter must not lose the row: retry later
            log.exception("delivering outbox row %s failed", entry.id)
            if card is not None:
                job.unposted.add(card)
            await self._settle_failure(entry, DeliveryError(f"{type(exc).__name__}: {exc}"))
            return
        for values in links:
            if values is not None and values["kind"] == "card":
                ref: MessageRef = values["ref"]
                thread = ConversationRef(
                    ref.platform, ref.channel_id, ref.thread_id or ref.message_id
                )
                job.cards.setdefault(values["ticket_id"], []).append(thread)
        await self.batcher.run(lambda s: self._settle_sent(s, entry.id, links))

    async def _concrete(self, job: _Job, entry: Entry) -> list[Intent]:
        intent = entry.intent
        if not isinstance(intent, PostToTicket):
            return [intent]

        # Another turn is posting this ticket's card (whose thread is the target): wait for it.
        def others_done() -> bool:
            return not set(self._linking.get(intent.ticket_id, {})) - {job}

        async with self._linked, asyncio.timeout(CARD_WAIT_SECONDS):
            await self._linked.wait_for(others_done)
        if intent.ticket_id in job.unposted:  # its card waits for a retry: so does this
            raise DeliveryError(f"ticket {intent.ticket_id} has no card yet")
        threads = job.cards.get(intent.ticket_id)
        if entry.fresh and intent.audience == "internal" and threads:
            # A ticket its turn opened has no threads but the cards this job posted: no read.
            return [
                PostMessage(to=to, message=intent.message, purpose=intent.purpose)
                for to in threads
                if to.platform in self.adapters
            ]
        return await self.resolve(intent, self.tickets)

    def _key(self, entry: Entry, n: int, of: int) -> str:
        """The same for every attempt at one outbox row (and one of the places it goes)."""
        if not self._desk_key:  # desks sharing a channel: each keys its own rows
            self._desk_key = hashlib.sha256(self.db.url.encode()).hexdigest()[:8]
        desk = self._desk_key
        return f"{desk}:{entry.id}" if of == 1 else f"{desk}:{entry.id}:{n}"

    async def _send(self, intent: Intent, delivery: Delivery) -> dict[str, Any] | None:
        if isinstance(intent, CallService):
            deliverer = self.deliverers(intent.service)
            if deliverer is None:
                raise DeliveryError(f"no deliverer for {intent.service!r}", retryable=False)
            await deliverer.deliver(intent)
            return None
        platform = platform_of(intent)
        adapter = self.adapters.get(platform)
        if adapter is None:
            log.warning("no %s adapter is running; dropping %s", platform, type(intent).__name__)
            return None
        ref = await adapter.send(intent, delivery)
        return _link_values(intent, ref, self.clock)

    async def _settle_sent(
        self, s: AsyncSession, row_id: int, links: list[dict[str, Any] | None]
    ) -> None:
        await direct.execute(s, _SENT, {"row_id": row_id})
        for values in links:
            if values is not None:
                await self.tickets.within(s).link(**values)

    async def _settle_failure(self, entry: Entry, exc: DeliveryError) -> None:
        attempts = entry.attempts + 1
        give_up = not exc.retryable or attempts >= MAX_ATTEMPTS
        log.log(
            logging.ERROR if give_up else logging.WARNING,
            "%s %s (outbox row %s, attempt %d): %s",
            "cannot deliver" if give_up else "will retry",
            type(entry.intent).__name__,
            entry.id,
            attempts,
            exc,
        )
        backoff = timedelta(seconds=30 * 2 ** min(entry.attempts, 8))

        async def settle(s: AsyncSession) -> None:
            if isinstance(entry.intent, CallService) and entry.intent.ticket_id is not None:
                await self.tickets.within(s).record_event(
                    ticket_id=entry.intent.ticket_id,
                    kind="service.failed",
                    data={
                        "service": entry.intent.service,
                        "error": str(exc),
                        "attempt": attempts,
                        "again": not give_up,
                    },
                    source="outbox",
                )
            await s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == entry.id)
                .values(
                    status="failed" if give_up else "pending",
                    attempts=attempts,
                    last_error=str(exc)[:2000],
                    next_attempt_at=self.clock.now() + backoff,
                )
            )

        await self.batcher.run(settle)

    # -- rows left behind ------------------------------------------------------------------------
    async def retry_due(self, limit: int = 50, *, everything: bool = False) -> int:
        """Send the rows whose lease or back-off has passed (`everything`: all pending rows,
        for SQLite at start-up, when no other process can own them); return how many."""
        claimed = await self._claim(limit, everything)
        by_batch: dict[str, list[Entry]] = {}
        for batch, entry in claimed:
            by_batch.setdefault(batch, []).append(entry)
        waits = [
            self.deliver(f"retry:{batch}", entries, wait=True)
            for batch, entries in by_batch.items()
        ]
        await asyncio.gather(*(w for w in waits if w is not None))
        return len(claimed)

    async def _claim(self, limit: int, everything: bool) -> list[tuple[str, Entry]]:
        now = self.clock.now()
        query = select(OutboxMessage).where(OutboxMessage.status == "pending")
        if not everything:
            query = query.where(OutboxMessage.next_attempt_at <= now)
        query = query.order_by(OutboxMessage.id).limit(limit)
        if self.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        async with self.db.sessions.begin() as s:
            rows = (await s.scalars(query)).all()
            for row in rows:
                row.next_attempt_at = now + self.lease  # ours now, for one more lease
            return [
                (
                    row.batch or f"row:{row.id}",
                    Entry(row.id, codec.decode(dict(row.intent)), row.attempts, retry=True),
                )
                for row in rows
            ]

    async def drain(self) -> None:
        """Wait until everything handed to `deliver` was sent (or settled as failed)."""
        if self._lanes is not None:
            await self._lanes.drain()

    async def stop(self) -> None:
        if self._lanes is not None:
            await self._lanes.stop()

    async def depth(self) -> int:
        async with self.db.reads() as s:
            count = await s.scalar(
                select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "pending")
            )
        return int(count or 0)

    # -- where a ticket's messages go -------------------------------------------------------------
    async def resolve(
        self, intent: PostToTicket, tickets: TicketService, fresh: Collection[int] = ()
    ) -> list[Intent]:
        """`fresh`: tickets the resolving turn opened (their requester thread is their origin)."""
        if intent.audience == "requester":
            return [await self._to_requester(intent, tickets, intent.ticket_id in fresh)]
        return [
            PostMessage(to=to, message=intent.message, purpose=intent.purpose)
            for to in await self._ticket_targets(intent, tickets)
        ]

    async def _ticket_targets(
        self, intent: PostToTicket, tickets: TicketService
    ) -> list[ConversationRef]:
        kinds = {"internal": "card", "handoff": "handoff"}
        links = await tickets.links(intent.ticket_id, kinds.get(intent.audience, "card"))
        if intent.audience == "handoff":
            wanted = {
                h.id
                for h in await tickets.open_handoffs(intent.ticket_id)
                if intent.department in (None, h.department)
            }
            links = [ln for ln in links if ln.ref_id in wanted]
        return [
            ConversationRef(ln.platform, ln.channel_id, ln.thread_id)
            for ln in links
            if ln.platform in self.adapters
        ]

    async def _to_requester(
        self, intent: PostToTicket, tickets: TicketService, fresh: bool = False
    ) -> Intent:
        """Where the requester asked: their thread, their direct chat, or a DM to them."""
        t = await tickets.get(intent.ticket_id)
        if t.origin_platform == "intake":
            return PostMessage(
                ConversationRef("intake", str(t.number)), intent.message, intent.purpose
            )
        links = [] if fresh else await tickets.links(intent.ticket_id, "requester")
        if links:  # the newest: a conversation moved to mail continues there (tickets.channels)
            ln = links[-1]
            return PostMessage(
                ConversationRef(ln.platform, ln.channel_id, ln.thread_id),
                intent.message,
                intent.purpose,
            )
        if t.origin_thread:
            return PostMessage(
                ConversationRef(t.origin_platform, t.origin_channel, t.origin_thread),
                intent.message,
                intent.purpose,
            )
        if t.origin_channel:  # a ticket opened in a direct chat with the bot
            return PostMessage(
                ConversationRef(t.origin_platform, t.origin_channel, None, True),
                intent.message,
                intent.purpose,
            )
        user = tickets.people.user_id(t.requester.handle, t.origin_platform)
        return SendDirect(
            t.origin_platform, user or t.requester.handle, intent.message, intent.purpose
        )


def _linked_ticket(intent: Intent) -> int | None:
    """The ticket whose card (or other linked message) this intent posts."""
    purpose = getattr(intent, "purpose", None)
    if isinstance(intent, PostMessage | SendDirect) and purpose is not None:
        return int(purpose.ticket_id)
    return None


def _card_of(intent: Intent) -> int | None:
    """The ticket whose card this intent posts."""
    purpose = getattr(intent, "purpose", None)
    if isinstance(intent, PostMessage) and purpose is not None and purpose.kind == "card":
        return int(purpose.ticket_id)
    return None


def _link_values(intent: Intent, ref: MessageRef | None, clock: Clock) -> dict[str, Any] | None:
    purpose = getattr(intent, "purpose", None)
    if ref is None or purpose is None:
        return None
    message = getattr(intent, "message", None)
    return {
        "ticket_id": purpose.ticket_id,
        "kind": purpose.kind,
        "ref": ref,
        "ref_id": purpose.ref_id,
        "digest": digest(message) if isinstance(message, Message) else None,
    }
