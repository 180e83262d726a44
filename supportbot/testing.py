"""Test doubles shipped with the package: an in-memory adapter and a desk harness.

    async with DeskHarness.start(config, tmp_path) as h:
        await h.say("customers", "cust1", "My invoice is wrong")
        card = h.chat.last(kind="ticket_card")

`MemoryAdapter` records every intent it is asked to deliver and answers like a platform would
(message ids `m1`, `m2`, …), so scenario tests read "event in, messages out".
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportbot.adapter import AdapterContext, Capabilities, Delivery, DeliveryError, Outcome
from supportbot.clock import Clock, FrozenClock
from supportbot.config import Config
from supportbot.events import (
    Actor,
    AnyEvent,
    ChoiceSubmitted,
    CommandInvoked,
    ConversationRef,
    FormSubmitted,
    MessageReceived,
    MessageRef,
    ReactionAdded,
    ThreadReplyReceived,
)
from supportbot.intents import (
    Intent,
    OpenForm,
    PostEphemeral,
    PostMessage,
    SendDirect,
    UpdateMessage,
)
from supportbot.messages import Message
from supportbot.plugins import Feature


@dataclass(frozen=True, slots=True)
class Sent:
    """One delivered intent and where it landed."""

    intent: Intent
    ref: MessageRef | None

    @property
    def message(self) -> Message | None:
        return getattr(self.intent, "message", None)


@dataclass(slots=True)
class MemoryAdapter:
    platform: str = "chat"
    capabilities: Capabilities = field(default_factory=Capabilities)
    sent: list[Sent] = field(default_factory=list)
    failures: int = 0  # fail this many sends with a retryable error (outbox tests)
    keys: dict[str, MessageRef | None] = field(default_factory=dict)  # delivery key -> post
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def complete(self, event: AnyEvent) -> AnyEvent:
        return event

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        if delivery is not None and delivery.retry and delivery.key in self.keys:
            return self.keys[delivery.key]  # posted before a crash: found, not posted again
        if self.failures > 0:
            self.failures -= 1
            raise DeliveryError("platform is down (simulated)")
        ref = self._place(intent)
        self.sent.append(Sent(intent, ref))
        if delivery is not None:
            self.keys[delivery.key] = ref
        return ref

    def _place(self, intent: Intent) -> MessageRef | None:
        match intent:
            case PostMessage(to=to):
                return MessageRef(self.platform, to.channel_id, f"m{next(self._ids)}", to.thread_id)
            case SendDirect(user_id=user):
                return MessageRef(self.platform, f"dm:{user}", f"m{next(self._ids)}")
            case UpdateMessage(ref=ref):
                return ref
        return None

    # -- reading what was sent --------------------------------------------------------------
    def messages(self, kind: str | None = None, channel: str | None = None) -> list[Sent]:
        return [
            s
            for s in self.sent
            if s.message is not None
            and (kind is None or s.message.kind == kind)
            and (channel is None or _channel(s.intent) == channel)
        ]

    def last(self, kind: str | None = None, channel: str | None = None) -> Sent:
        found = self.messages(kind, channel)
        if not found:
            raise AssertionError(f"no message of kind {kind!r} in {channel!r}; sent: {self.sent}")
        return found[-1]

    def of_type(self, cls: type) -> list[Intent]:
        return [s.intent for s in self.sent if isinstance(s.intent, cls)]

    def forms(self) -> list[OpenForm]:
        return [s.intent for s in self.sent if isinstance(s.intent, OpenForm)]

    def ephemerals(self, user: str | None = None) -> list[PostEphemeral]:
        return [
            s.intent
            for s in self.sent
            if isinstance(s.intent, PostEphemeral) and (user is None or s.intent.user_id == user)
        ]

    def clear(self) -> None:
        self.sent.clear()


def _channel(intent: Intent) -> str | None:
    match intent:
        case PostMessage(to=to) | PostEphemeral(to=to):
            return to.channel_id
        case UpdateMessage(ref=ref):
            return ref.channel_id
        case SendDirect(user_id=user):
            return f"dm:{user}"
    return None


class MemoryPlugin:
    """Entry point `memory`: on only when `SUPPORTBOT_MEMORY_ADAPTER=1` (tests, dry runs)."""

    name = "memory"

    def create(self, ctx: AdapterContext) -> MemoryAdapter | None:
        if ctx.env.get("SUPPORTBOT_MEMORY_ADAPTER") != "1":
            return None
        return MemoryAdapter()


@dataclass(slots=True)
class DeskHarness:
    """A desk on SQLite with one in-memory platform, driven by events, read by intents."""

    desk: Any  # supportbot.desk.Desk (typed loosely to keep this module import-light)
    chat: MemoryAdapter
    clock: FrozenClock
    _events: Any = field(default_factory=lambda: itertools.count(1))

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls,
        config: Config,
        tmp_path: Path,
        *,
        clock: Clock | None = None,
        workflows_dir: Path | None = None,
        features: Sequence[Feature] | None = None,
        database_url: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> AsyncIterator[DeskHarness]:
        from datetime import UTC, datetime

        from supportbot.composition import build_desk
        from supportbot.server import prepare_database

        url = database_url or f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
        people = [  # staff are known on the in-memory platform by their config id
            p.model_copy(update={"identities": {**p.identities, "chat": p.id}})
            for p in config.people
        ]
        config = config.model_copy(update={"database_url": url, "people": people})
        frozen = (
            clock
            if isinstance(clock, FrozenClock)
            else FrozenClock(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
        )  # a Tuesday, 10:00 in Tokyo
        desk = build_desk(
            config,
            clock=frozen,
            workflows_dir=workflows_dir or tmp_path / "wf",
            features=features,
            env=env,
        )
        chat = MemoryAdapter()
        desk.adapters[chat.platform] = chat
        await prepare_database(desk, migrate=False)
        try:
            yield cls(desk, chat, frozen)
        finally:
            if desk.pipeline is not None:
                await desk.pipeline.stop()
            await desk.db.close()

    def actor(
        self, user: str, name: str = "", org: str | None = None, locale: str | None = None
    ) -> Actor:
        return Actor(self.chat.platform, user, name or user, organization=org, locale=locale)

    def _id(self) -> str:
        return f"ev{next(self._events)}"

    async def send(self, event: AnyEvent) -> Outcome:
        outcome: Outcome = await self.desk.handle(event)
        return outcome

    async def say(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        direct: bool = False,
        mention: bool = False,
        **actor: Any,
    ) -> Outcome:
        mid = self._id()
        return await self.send(
            MessageReceived(
                event_id=mid,
                actor=self.actor(user, **actor),
                conversation=ConversationRef(self.chat.platform, channel, None, direct),
                text=text,
                message_id=f"msg-{mid}",
                mentions_bot=mention,
            )
        )

    async def reply(
        self, channel: str, thread: str, user: str, text: str, mention: bool = False
    ) -> Outcome:
        mid = self._id()
        return await self.send(
            ThreadReplyReceived(
                event_id=mid,
                actor=self.actor(user),
                conversation=ConversationRef(self.chat.platform, channel, thread),
                text=text,
                message_id=f"msg-{mid}",
                mentions_bot=mention,
            )
        )

    async def command(
        self, user: str, text: str, channel: str = "support", thread: str | None = None
    ) -> Outcome:
        return await self.send(
            CommandInvoked(
                event_id=self._id(),
                actor=self.actor(user),
                conversation=ConversationRef(self.chat.platform, channel, thread),
                text=text,
                trigger_id="trigger",
            )
        )

    async def click(
        self, user: str, action: str, value: str, *, on: MessageRef | None = None, context: str = ""
    ) -> Outcome:
        conv = on.conversation if on else ConversationRef(self.chat.platform, "support")
        return await self.send(
            ChoiceSubmitted(
                event_id=self._id(),
                actor=self.actor(user),
                conversation=conv,
                action=action,
                value=value,
                message=on,
                trigger_id="trigger",
                values={"context": context} if context else {},
            )
        )

    async def submit(
        self, user: str, form: str, values: Mapping[str, str], context: str = ""
    ) -> Outcome:
        return await self.send(
            FormSubmitted(
                event_id=self._id(),
                actor=self.actor(user),
                conversation=ConversationRef(self.chat.platform, "support"),
                form=form,
                values=dict(values),
                context=context,
            )
        )

    async def react(
        self, user: str, channel: str, message_id: str, text: str, author: str
    ) -> Outcome:
        return await self.send(
            ReactionAdded(
                event_id=self._id(),
                actor=self.actor(user),
                conversation=ConversationRef(self.chat.platform, channel),
                reaction="ticket",
                message_id=message_id,
                text=text,
                author=self.actor(author),
            )
        )

    async def run_timers(self) -> int:
        """Run the due timers and wait until what they send was delivered."""
        ran: int = await self.desk.run_due_timers()
        await self.desk.courier.drain()
        return ran

    def card_ref(self, number: int | None = None) -> MessageRef:
        """Where the (latest, or ticket `number`'s) ticket card was posted."""
        cards = [s for s in self.chat.messages("ticket_card") if isinstance(s.intent, PostMessage)]
        if number is not None:
            cards = [s for s in cards if (s.message and s.message.title.startswith(f"#{number} "))]
        assert cards and cards[-1].ref is not None, "no ticket card was posted"
        return cards[-1].ref
