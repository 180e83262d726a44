"""Outbound intents: what the core asks an adapter to do. Imperative names.

An intent names a `purpose` when its result must be remembered (the ticket card's id, the
thread a hand-off lives in) so the core can record the returned `MessageRef`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from supportbot.events import ConversationRef, MessageRef
from supportbot.messages import Form, Message

# What a linked message is to its ticket (`ticket_threads.kind`): the card in a support channel,
# the requester's own thread, a department's hand-off thread, an approval card, a CSAT poll.
LinkKind = Literal["card", "requester", "handoff", "approval", "csat", "internal"]
# Who a ticket's message is for: the card threads, the requester, the open hand-off threads.
Audience = Literal["internal", "requester", "handoff"]


@dataclass(frozen=True, slots=True)
class Purpose:
    """Why a message is posted: the core links the resulting message to a ticket."""

    ticket_id: int
    kind: LinkKind
    ref_id: int | None = None  # the escalation, hand-off or poll it belongs to


@dataclass(frozen=True, slots=True)
class PostMessage:
    """Post into a conversation (a thread when `to.thread_id` is set)."""

    to: ConversationRef
    message: Message
    purpose: Purpose | None = None


@dataclass(frozen=True, slots=True)
class UpdateMessage:
    ref: MessageRef
    message: Message


@dataclass(frozen=True, slots=True)
class PostEphemeral:
    """Shown only to `user_id` (adapters without ephemerals send a DM)."""

    to: ConversationRef
    user_id: str
    message: Message


@dataclass(frozen=True, slots=True)
class SendDirect:
    """A direct message to a person's platform identity."""

    platform: str
    user_id: str
    message: Message
    purpose: Purpose | None = None


@dataclass(frozen=True, slots=True)
class OpenForm:
    """Open a dialog in answer to an interaction (`trigger_id` from the event)."""

    platform: str
    user_id: str
    trigger_id: str | None
    form: Form
    conversation: ConversationRef | None = None


@dataclass(frozen=True, slots=True)
class PostToTicket:
    """Post to a ticket's own conversations, resolved when delivered (on every platform).

    `audience`: "internal" = the card threads in the support channels; "requester" = where the
    requester asked (their thread, DM, or the intake callback); "handoff" = the open hand-off
    threads (all, or the one of `department`).
    """

    ticket_id: int
    message: Message
    audience: Audience = "internal"
    department: str | None = None
    purpose: Purpose | None = None


@dataclass(frozen=True, slots=True)
class CallService:
    """Call an outside service through the deliverer a feature registered under `service`
    (`hooks.deliverer`): after the turn's commit, from the outbox, retried while it fails."""

    service: str
    payload: dict[str, Any] = field(default_factory=dict)
    ticket_id: int | None = None


Intent = (
    PostMessage | UpdateMessage | PostEphemeral | SendDirect | OpenForm | PostToTicket | CallService
)
