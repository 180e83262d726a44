"""Platform-neutral events: what an adapter hands the core after parsing a platform request.

Every event carries `event_id`, the platform's own id for the delivery, so the inbox can drop a
retry (Slack resends with the same `event_id`; Teams with the same activity id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, as the platform knows them."""

    platform: str
    user_id: str
    display_name: str = ""
    organization: str | None = (
        None  # platform org/tenant id when it differs from ours (Slack Connect)
    )
    locale: str | None = None
    # False when the platform could not vouch for who this is (an e-mail From that no DKIM,
    # SPF or DMARC result backs): tickets they open are tagged UNVERIFIED_TAG and marked.
    verified: bool = True


UNVERIFIED_TAG = "unverified-sender"


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """A place messages go: a channel, a DM, or a thread inside a channel (`thread_id`)."""

    platform: str
    channel_id: str
    thread_id: str | None = None
    is_direct: bool = False

    def in_thread(self, thread_id: str) -> ConversationRef:
        return ConversationRef(self.platform, self.channel_id, thread_id, self.is_direct)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message that was posted, so it can be updated or replied to later."""

    platform: str
    channel_id: str
    message_id: str
    thread_id: str | None = None

    @property
    def conversation(self) -> ConversationRef:
        return ConversationRef(self.platform, self.channel_id, self.thread_id)

    @property
    def as_thread(self) -> ConversationRef:
        """The thread this message starts (or lives in)."""
        return ConversationRef(self.platform, self.channel_id, self.thread_id or self.message_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    event_id: str
    actor: Actor
    conversation: ConversationRef
    occurred_at: datetime | None = None

    @property
    def platform(self) -> str:
        return self.conversation.platform


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageReceived(Event):
    """A top-level message: in an intake channel, a DM to the bot, or a mention of the bot."""

    text: str
    message_id: str
    mentions_bot: bool = False
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadReplyReceived(Event):
    """A reply inside a thread (`conversation.thread_id` is the thread's root)."""

    text: str
    message_id: str
    mentions_bot: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionAdded(Event):
    """A reaction on a message; `text` is filled by adapters that can fetch the message."""

    reaction: str
    message_id: str
    text: str = ""
    author: Actor | None = None  # who wrote the message that was reacted to


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked(Event):
    """`/support claim 42` or `@SupportBot claim 42`: `text` is what follows the command name."""

    text: str
    trigger_id: str | None = None  # lets the adapter open a form in answer


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceSubmitted(Event):
    """A button or menu on a card: `action` names what was chosen, `value` what it carried."""

    action: str
    value: str
    message: MessageRef | None = None
    trigger_id: str | None = None
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class FormSubmitted(Event):
    """A form (Slack modal, Teams card form, playground dialog) was submitted."""

    form: str
    values: dict[str, str]
    context: str = ""  # what the form was opened for (e.g. a ticket number)


@dataclass(frozen=True, slots=True, kw_only=True)
class BotInstalled(Event):
    """The bot was added to a conversation; adapters store what they need to post there later."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketRequested(Event):
    """A request from outside chat (a web form, a mail gateway): it becomes a ticket at once."""

    subject: str
    body: str
    locale: str = "en"
    callback_url: str | None = None
    intake_key_id: int | None = None


AnyEvent = (
    MessageReceived
    | ThreadReplyReceived
    | ReactionAdded
    | CommandInvoked
    | ChoiceSubmitted
    | FormSubmitted
    | BotInstalled
    | TicketRequested
)


def ordering_key(event: AnyEvent) -> str:
    """Events with the same key run one after another, in the order they arrived.

    A conversation's thread is the unit: replies in one ticket thread, a DM, clicks on one
    card. A top-level message starts a thread of its own; commands and forms outside a thread
    keep the order of the person who typed them.
    """
    conv = event.conversation
    place = f"{conv.platform}:{conv.channel_id}"
    match event:
        case MessageReceived() if not conv.is_direct:
            return f"{place}:{conv.thread_id or event.message_id}"
        case ThreadReplyReceived():
            return f"{place}:{conv.thread_id or event.message_id}"
        case ReactionAdded():
            return f"{place}:{conv.thread_id or event.message_id}"
        case ChoiceSubmitted(message=MessageRef() as on):
            return f"{place}:{on.thread_id or on.message_id}"
        case TicketRequested():
            return f"{conv.platform}:request:{event.event_id}"
    if conv.thread_id:
        return f"{place}:{conv.thread_id}"
    if conv.is_direct or isinstance(event, BotInstalled):
        return place
    return f"{conv.platform}:user:{event.actor.user_id}"
