"""Delivery of intents to adapters, with an outbox so nothing is lost when a platform is down.

Adapters retry quick failures themselves (429 with Retry-After, 5xx). What still fails with a
retryable `DeliveryError` is written to the `outbox` table and retried with back-off by
`retry_outbox`, which any replica may run (rows are claimed with SKIP LOCKED).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from supportbot import codec
from supportbot.adapter import ChatAdapter, DeliveryError
from supportbot.clock import Clock
from supportbot.events import ConversationRef, MessageRef
from supportbot.intents import (
    Intent,
    OpenForm,
    PostEphemeral,
    PostMessage,
    PostToTicket,
    SendDirect,
    UpdateMessage,
)
from supportbot.store.models import OutboxMessage
from supportbot.tickets import TicketService

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12


def platform_of(intent: Intent) -> str:
    match intent:
        case PostMessage(to=to) | PostEphemeral(to=to):
            return to.platform
        case UpdateMessage(ref=ref):
            return ref.platform
        case SendDirect(platform=p) | OpenForm(platform=p):
            return p
    raise TypeError(f"no single platform for {type(intent).__name__}")


@dataclass(slots=True)
class Courier:
    adapters: Mapping[str, ChatAdapter]
    sessions: async_sessionmaker[AsyncSession]
    tickets: TicketService
    clock: Clock
    delivered: list[tuple[Intent, MessageRef | None]] = field(default_factory=list)

    async def deliver(self, intent: Intent) -> list[MessageRef | None]:
        """Deliver one intent now (resolving ticket targets); failures go to the outbox."""
        return [await self._send(concrete) for concrete in await self.resolve(intent)]

    async def resolve(self, intent: Intent) -> list[Intent]:
        if not isinstance(intent, PostToTicket):
            return [intent]
        if intent.audience == "requester":
            return [await self._to_requester(intent)]
        return [
            PostMessage(to=to, message=intent.message, purpose=intent.purpose)
            for to in await self._ticket_targets(intent)
        ]

    async def _ticket_targets(self, intent: PostToTicket) -> list[ConversationRef]:
        kinds = {"internal": "card", "handoff": "handoff"}
        links = await self.tickets.links(intent.ticket_id, kinds.get(intent.audience, "card"))
        if intent.audience == "handoff":
            wanted = {
                h.id
                for h in await self.tickets.open_handoffs(intent.ticket_id)
                if intent.department in (None, h.department)
            }
            links = [ln for ln in links if ln.ref_id in wanted]
        return [
            ConversationRef(ln.platform, ln.channel_id, ln.thread_id)
            for ln in links
            if ln.platform in self.adapters
        ]

    async def _to_requester(self, intent: PostToTicket) -> Intent:
        """Where the requester asked: their thread, their direct chat, or a DM to them."""
        t = await self.tickets.get(intent.ticket_id)
        if t.origin_platform == "intake":
            return PostMessage(
                ConversationRef("intake", str(t.number)), intent.message, intent.purpose
            )
        links = await self.tickets.links(intent.ticket_id, "requester")
        thread = links[0].thread_id if links else t.origin_thread
        if thread:
            return PostMessage(
                ConversationRef(t.origin_platform, t.origin_channel, thread),
                intent.message,
                intent.purpose,
            )
        if t.origin_channel:  # a ticket opened in a direct chat with the bot
            return PostMessage(
                ConversationRef(t.origin_platform, t.origin_channel, None, True),
                intent.message,
                intent.purpose,
            )
        user = self.tickets.people.user_id(t.requester.handle, t.origin_platform)
        return SendDirect(
            t.origin_platform, user or t.requester.handle, intent.message, intent.purpose
        )

    async def _send(self, intent: Intent) -> MessageRef | None:
        platform = platform_of(intent)
        adapter = self.adapters.get(platform)
        if adapter is None:
            log.warning("no %s adapter is running; dropping %s", platform, type(intent).__name__)
            return None
        try:
            ref = await adapter.send(intent)
        except DeliveryError as exc:
            if not exc.retryable:
                log.error("cannot deliver %s on %s: %s", type(intent).__name__, platform, exc)
                return None
            await self._keep(platform, intent, str(exc))
            return None
        self.delivered.append((intent, ref))
        await self._link(intent, ref)
        return ref

    async def _link(self, intent: Intent, ref: MessageRef | None) -> None:
        purpose = getattr(intent, "purpose", None)
        if ref is not None and purpose is not None:
            await self.tickets.link(
                ticket_id=purpose.ticket_id, kind=purpose.kind, ref=ref, ref_id=purpose.ref_id
            )

    async def _keep(self, platform: str, intent: Intent, error: str) -> None:
        log.warning("keeping %s for %s in the outbox: %s", type(intent).__name__, platform, error)
        async with self.sessions.begin() as s:
            s.add(
                OutboxMessage(
                    platform=platform,
                    intent=codec.encode(intent),
                    last_error=error,
                    attempts=1,
                    next_attempt_at=self.clock.now() + timedelta(seconds=30),
                )
            )

    async def retry_outbox(self, limit: int = 50) -> int:
        """Try the due outbox rows again; return how many were delivered.

        Rows are claimed in one short transaction (marked `sending`, so other replicas skip
        them), sent with no transaction open, then settled one by one.
        """
        sent = 0
        for row_id, platform, data, attempts in await self._claim(limit):
            error, retryable = None, True
            try:
                intent = codec.decode(data)
                adapter = self.adapters.get(platform)
                if adapter is None:
                    raise DeliveryError(f"no {platform} adapter is running")
                ref = await adapter.send(intent)
            except DeliveryError as exc:
                error, retryable = str(exc), exc.retryable
            else:
                self.delivered.append((intent, ref))
                await self._link(intent, ref)
                sent += 1
            await self._settle(row_id, attempts, error, retryable)
        return sent

    async def _claim(self, limit: int) -> list[tuple[int, str, dict[str, Any], int]]:
        now = self.clock.now()
        async with self.sessions.begin() as s:
            rows = (
                await s.scalars(
                    select(OutboxMessage)
                    .where(
                        or_(
                            (OutboxMessage.status == "pending")
                            & (OutboxMessage.next_attempt_at <= now),
                            (OutboxMessage.status == "sending")
                            & (OutboxMessage.next_attempt_at <= now - timedelta(minutes=5)),
                        )
                    )
                    .order_by(OutboxMessage.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in rows:
                row.status, row.next_attempt_at = "sending", now
            return [(r.id, r.platform, dict(r.intent), r.attempts) for r in rows]

    async def _settle(self, row_id: int, attempts: int, error: str | None, retryable: bool) -> None:
        async with self.sessions.begin() as s:
            row = await s.get(OutboxMessage, row_id)
            if row is None:
                return
            if error is None:
                row.status = "sent"
                return
            row.attempts = attempts + 1
            row.last_error = error
            row.status = "failed" if (row.attempts >= MAX_ATTEMPTS or not retryable) else "pending"
            row.next_attempt_at = self.clock.now() + timedelta(seconds=30 * 2 ** min(attempts, 8))
