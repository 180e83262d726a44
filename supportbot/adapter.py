"""The chat-adapter port: what a platform must offer the core, and how adapters are found.

Adapters are plug-ins registered under the `supportbot.adapters` entry-point group. Each plug-in
gets an `AdapterContext` at start-up and returns a `ChatAdapter`, or None when it is not
configured (no token in the environment), so a desk runs with whichever platforms it has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from aiohttp import web

from supportbot.config import Config
from supportbot.events import AnyEvent, MessageRef
from supportbot.intents import Intent, UpdateMessage
from supportbot.messages import Message
from supportbot.store.db import SessionFactory
from supportbot.templates import Templates

ENTRY_POINT_GROUP = "supportbot.adapters"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can do, declared as data so the core degrades on purpose."""

    threads: bool = True
    modals: bool = True
    ephemeral: bool = True
    reactions: bool = True
    update_in_place: bool = True
    group_mentions: bool = True
    images: bool = True


@dataclass(frozen=True, slots=True)
class Delivery:
    """Which outbox row an intent leaves from.

    `key` names the row across attempts (an adapter may stamp it on what it posts); `retry` is
    set when an earlier attempt may have reached the platform before a crash kept it from being
    recorded: an adapter that can look its posts up returns the one it finds instead of posting
    again."""

    key: str
    retry: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What handling one event produced, for adapters that answer synchronously."""

    intents: tuple[Intent, ...] = ()
    duplicate: bool = False
    error: str | None = None  # the turn failed: nothing it would have changed was kept
    refusal: Message | None = None  # the desk said no; what it told the person, localized
    created: tuple[int, ...] = ()  # tickets the event opened

    @property
    def ok(self) -> bool:
        """The request did what was asked (neither refused nor failed)."""
        return self.error is None and self.refusal is None

    def card_update_for(self, ref: MessageRef) -> Message | None:
        """The newest rendering of the message `ref` (Teams answers invokes with it)."""
        found: Message | None = None
        for intent in self.intents:
            if isinstance(intent, UpdateMessage) and intent.ref.message_id == ref.message_id:
                found = intent.message
        return found


class Stored(Protocol):
    """What storing an event gave (`supportbot.pipeline.inbox.Receipt`)."""

    @property
    def duplicate(self) -> bool: ...


class EventSink(Protocol):
    """Where adapters hand their events: the desk's durable inbox.

    `accept` is the ack path: it returns once the event is stored (or known as a platform's
    retry); answer the platform only after it. Calling the sink stores the event and waits
    until its turn has committed, for platforms that want the outcome in their answer (Teams
    card actions, the intake API, the playground)."""

    async def accept(self, event: AnyEvent) -> Stored: ...

    async def __call__(self, event: AnyEvent) -> Outcome: ...


class Directory(Protocol):
    """Maps supportbot people and departments to platform ids, for mentions."""

    def user_id(self, person: str, platform: str) -> str | None: ...

    def group_id(self, group: str, platform: str) -> str | None: ...

    def display_name(self, person: str) -> str: ...


@runtime_checkable
class ChatAdapter(Protocol):
    platform: str
    capabilities: Capabilities

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        """Deliver one intent; raise `DeliveryError` (retryable or not) when it cannot."""
        ...

    async def complete(self, event: AnyEvent) -> AnyEvent:
        """Fill in what the ack path left out (a display name, the message a reaction is on),
        just before the event runs; the event unchanged when there is nothing to add."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class DeliveryError(Exception):
    """An intent could not be delivered. `retryable` errors are kept in the outbox and retried."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(slots=True)
class AdapterContext:
    config: Config
    env: Mapping[str, str]
    app: web.Application
    sink: EventSink
    directory: Directory
    sessions: SessionFactory  # writes (outside any turn: adapters keep their own rows)
    public_url: str = "http://127.0.0.1:8080"
    templates: Templates | None = None  # the desk's catalogs (admin overrides included)
    on_shutdown: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


class AdapterPlugin(Protocol):
    name: str

    def create(self, ctx: AdapterContext) -> ChatAdapter | None: ...


def discover_plugins() -> dict[str, AdapterPlugin]:
    """Every installed adapter plug-in, by name."""
    found: dict[str, AdapterPlugin] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        plugin_cls = ep.load()
        found[ep.name] = plugin_cls()
    return found
