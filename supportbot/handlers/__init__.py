"""Event handlers: what each kind of inbound event means to the desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportbot.events import (
    AnyEvent,
    BotInstalled,
    ChoiceSubmitted,
    CommandInvoked,
    FormSubmitted,
    MessageReceived,
    ReactionAdded,
    ThreadReplyReceived,
)
from supportbot.handlers import commands, conversations, interactions
from supportbot.happenings import Turn

if TYPE_CHECKING:
    from supportbot.desk import Desk


async def dispatch(desk: Desk, event: AnyEvent, turn: Turn) -> None:
    match event:
        case MessageReceived():
            await conversations.on_message(desk, event, turn)
        case ThreadReplyReceived():
            await conversations.on_thread_reply(desk, event, turn)
        case ReactionAdded():
            await conversations.on_reaction(desk, event, turn)
        case CommandInvoked():
            await commands.on_command(desk, event, turn)
        case ChoiceSubmitted():
            await interactions.on_choice(desk, event, turn)
        case FormSubmitted():
            await interactions.on_form(desk, event, turn)
        case BotInstalled():
            pass  # adapters keep what they need to post there later
