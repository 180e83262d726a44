"""Event handlers: what each kind of inbound event means to the desk.

Each handler gets the turn's context (`supportbot.context.TurnContext`): the desk bound to the
turn's transaction, the event, the person behind it (resolved once), and the turn that
collects what happened. The pipeline calls `dispatch`; nothing here imports the pipeline.
"""

from __future__ import annotations

from supportbot.context import TurnContext
from supportbot.events import (
    BotInstalled,
    ChoiceSubmitted,
    CommandInvoked,
    FormSubmitted,
    MessageReceived,
    ReactionAdded,
    ThreadReplyReceived,
    TicketRequested,
)
from supportbot.handlers import commands, conversations, interactions, requests
from supportbot.plugins import Hooks


def register(hooks: Hooks) -> None:
    """The core's commands, buttons and forms (registered first, as `core`)."""
    commands.register(hooks)
    interactions.register(hooks)


async def dispatch(ctx: TurnContext) -> None:
    match ctx.event:
        case MessageReceived() as ev:
            await conversations.on_message(ctx, ev)
        case ThreadReplyReceived() as ev:
            await conversations.on_thread_reply(ctx, ev)
        case ReactionAdded() as ev:
            await conversations.on_reaction(ctx, ev)
        case CommandInvoked() as ev:
            await commands.on_command(ctx, ev)
        case ChoiceSubmitted() as ev:
            await interactions.on_choice(ctx, ev)
        case FormSubmitted() as ev:
            await interactions.on_form(ctx, ev)
        case TicketRequested() as ev:
            await requests.on_request(ctx, ev)
        case BotInstalled():
            pass  # adapters keep what they need to post there later
