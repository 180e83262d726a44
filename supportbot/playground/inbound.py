"""Pure translators: one browser action (already checked and resolved) → one core `Event`.

The browser posts JSON actions; the adapter validates them, stores what was said and looks up the
message or form acted on, then these functions build the event exactly as the Slack and Teams
adapters would, so the core cannot tell the playground from a real platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportbot.events import (
    Actor,
    ChoiceSubmitted,
    CommandInvoked,
    ConversationRef,
    FormSubmitted,
    MessageReceived,
    MessageRef,
    ReactionAdded,
    ThreadReplyReceived,
)
from supportbot.playground.personas import PLATFORM
from supportbot.playground.store import StoredMessage

COMMAND = "/support"
_BOT_MENTION = re.compile(r"^\s*@(?:supportbot|support|bot)\b[\s,:]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One action from a browser: its unique id (the inbox drops repeats) and who did it."""

    event_id: str
    actor: Actor

    @property
    def trigger_id(self) -> str:
        return f"trigger-{self.event_id}"


def command_text(text: str) -> str | None:
    """What follows `/support `, or None when the text is not a command."""
    stripped = text.strip()
    if stripped == COMMAND or stripped.startswith(COMMAND + " "):
        return stripped[len(COMMAND) :].strip()
    return None


def strip_bot_mention(text: str) -> tuple[bool, str]:
    """`@SupportBot claim 42` → (True, "claim 42")."""
    match = _BOT_MENTION.match(text)
    return (True, text[match.end() :]) if match else (False, text)


def conversation(channel_id: str, thread_id: str | None = None) -> ConversationRef:
    return ConversationRef(PLATFORM, channel_id, thread_id, channel_id.startswith("dm:"))


def message_ref(row: StoredMessage) -> MessageRef:
    return MessageRef(PLATFORM, row.channel_id, row.message_id, row.thread_id)


def post_event(d: Delivery, row: StoredMessage, text: str) -> MessageReceived | ThreadReplyReceived:
    mentioned, text = strip_bot_mention(text)
    where = conversation(row.channel_id, row.thread_id)
    if row.thread_id is not None:
        return ThreadReplyReceived(
            event_id=d.event_id,
            actor=d.actor,
            conversation=where,
            text=text,
            message_id=row.message_id,
            mentions_bot=mentioned,
        )
    return MessageReceived(
        event_id=d.event_id,
        actor=d.actor,
        conversation=where,
        text=text,
        message_id=row.message_id,
        mentions_bot=mentioned,
    )


def command_event(d: Delivery, where: ConversationRef, text: str) -> CommandInvoked:
    return CommandInvoked(
        event_id=d.event_id, actor=d.actor, conversation=where, text=text, trigger_id=d.trigger_id
    )


def click_event(d: Delivery, row: StoredMessage, action: str, value: str) -> ChoiceSubmitted:
    return ChoiceSubmitted(
        event_id=d.event_id,
        actor=d.actor,
        conversation=conversation(row.channel_id, row.thread_id),
        action=action,
        value=value,
        message=message_ref(row),
        trigger_id=d.trigger_id,
    )


def choice_event(
    d: Delivery, row: StoredMessage, action: str, value: str, context: str
) -> ChoiceSubmitted:
    return ChoiceSubmitted(
        event_id=d.event_id,
        actor=d.actor,
        conversation=conversation(row.channel_id, row.thread_id),
        action=action,
        value=value,
        message=message_ref(row),
        trigger_id=d.trigger_id,
        values={"context": context},
    )


def form_event(
    d: Delivery, where: ConversationRef, form: str, values: dict[str, str], context: str
) -> FormSubmitted:
    return FormSubmitted(
        event_id=d.event_id,
        actor=d.actor,
        conversation=where,
        form=form,
        values=values,
        context=context,
    )


def reaction_event(d: Delivery, row: StoredMessage, text: str, author: Actor) -> ReactionAdded:
    return ReactionAdded(
        event_id=d.event_id,
        actor=d.actor,
        conversation=conversation(row.channel_id, row.thread_id),
        reaction="ticket",
        message_id=row.message_id,
        text=text,
        author=author,
    )
