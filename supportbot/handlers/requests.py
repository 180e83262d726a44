"""Requests from outside chat (the intake API: web forms, mail gateways) become tickets."""

from __future__ import annotations

from supportbot.context import TurnContext
from supportbot.events import TicketRequested
from supportbot.tickets.service import NewTicket


async def on_request(ctx: TurnContext, ev: TicketRequested) -> None:
    await ctx.open_ticket(
        NewTicket(
            requester=await ctx.person(),
            subject=ev.subject,
            body=ev.body,
            origin_platform=ev.platform,
            locale=ev.locale,
            callback_url=ev.callback_url,
            intake_key_id=ev.intake_key_id,
        )
    )
