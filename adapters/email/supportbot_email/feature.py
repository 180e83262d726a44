"""The `email` feature (entry point `supportbot.features: email`): what mail adds to the desk
besides the adapter, through the plug-in hooks.

* `/support email #42 address`: the conversation with the requester moves to mail
  (`handover.py`).
* a bounce of our mail: a note in the ticket's thread (`on_bounce`; the adapter reads the
  delivery report in `bounces.py` and hands the desk an `email.bounced` event).

It registers on every desk where the distribution is installed; on a desk without e-mail
settings the command answers that mail is not set up.
"""

from __future__ import annotations

from supportbot.context import TurnContext
from supportbot.errors import InvalidValueError
from supportbot.events import ChoiceSubmitted
from supportbot.intents import PostToTicket
from supportbot.plugins import Hooks
from supportbot_email.handover import on_email
from supportbot_email.settings import BOUNCED, PLATFORM


class EmailFeature:
    name = "email"

    def setup(self, hooks: Hooks) -> None:
        hooks.command("email", on_email, usage="email #number address", takes_ticket=True)
        hooks.choice(BOUNCED, on_bounce)


async def on_bounce(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    """A mail of ours bounced (the adapter read the delivery report): audit it on the ticket
    and tell its team in the ticket's thread, since the customer never read that mail."""
    if ev.platform != PLATFORM:
        raise InvalidValueError("only the e-mail adapter reports bounces")
    desk = ctx.desk
    link = await desk.tickets.find_link(PLATFORM, ev.conversation.channel_id, ev.value)
    if link is None:
        return
    data = {k: ev.values.get(k, "") for k in ("recipient", "status", "diagnostic")}
    await desk.tickets.record_event(
        ticket_id=link.ticket_id, kind="email.bounced", data=data, source=PLATFORM
    )
    template = "email.bounce.note" if data["diagnostic"] else "email.bounce.note_short"
    note = desk.views.note(template, None, number=link.ticket_id, **data)
    ctx.emit(PostToTicket(link.ticket_id, note, audience="internal"))
