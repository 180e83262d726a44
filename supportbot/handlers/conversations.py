"""Messages, thread replies and reactions: new tickets, replies, relays and follow-ups."""

from __future__ import annotations

from sqlalchemy import select

from supportbot import commands as grammar
from supportbot import markup
from supportbot.context import TurnContext
from supportbot.events import (
    UNVERIFIED_TAG,
    MessageReceived,
    MessageRef,
    ReactionAdded,
    ThreadReplyReceived,
)
from supportbot.happenings import Happening
from supportbot.intents import PostToTicket
from supportbot.messages import Message
from supportbot.store.models import Person, Ticket
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView

REPLY_PREFIXES = ("reply:", "返信:", "返信：")
DEPARTMENT_PREFIXES = ("dept:", "部署:", "部署：")
TICKET_REACTIONS = ("ticket", "admission_tickets", "🎫")


def _is_command(ctx: TurnContext, text: str) -> bool:
    """`claim 42`, or a command a feature registered (`@bot tracker 42` is a command too)."""
    words = text.strip().split()
    if not words:
        return False
    name = words[0].lower()
    return name in grammar.NAMES or name in ctx.desk.hooks.commands.entries


async def on_message(ctx: TurnContext, ev: MessageReceived) -> None:
    desk = ctx.desk
    intake = desk.config.intake_channel(ev.platform, ev.conversation.channel_id)
    handle = await ctx.person()
    if (
        (ev.mentions_bot or ev.conversation.is_direct)
        and _is_command(ctx, ev.text)
        and desk.people.is_staff(handle)
    ):
        from supportbot.handlers.commands import run_text

        await run_text(ctx, ev.text)
        return
    if ev.conversation.is_direct:
        await _direct_message(ctx, ev, handle)
    elif intake is not None:
        await _new_ticket(ctx, ev, handle, team=intake.team)
    elif ev.mentions_bot:
        await _new_ticket(ctx, ev, handle, kind="internal")


async def _new_ticket(
    ctx: TurnContext,
    ev: MessageReceived,
    requester: str,
    *,
    kind: str = "customer",
    team: str | None = None,
) -> TicketView:
    thread = ev.conversation.thread_id or (None if ev.conversation.is_direct else ev.message_id)
    new = NewTicket(
        requester=requester,
        subject=ev.text,
        body=ev.text,
        origin_platform=ev.platform,
        origin_channel=ev.conversation.channel_id,
        origin_thread=thread,
        origin_message=ev.message_id,
        locale=ev.actor.locale,
        kind=kind,
        team=team,
        tags=() if ev.actor.verified else (UNVERIFIED_TAG,),  # hook: e-mail senders (issue #17)
    )
    ticket = await ctx.open_ticket(new)
    if thread is not None:
        await ctx.desk.tickets.link(
            ticket_id=ticket.number,
            kind="requester",
            ref=MessageRef(ev.platform, ev.conversation.channel_id, ev.message_id, thread),
        )
    return ticket


async def _direct_message(ctx: TurnContext, ev: MessageReceived, handle: str) -> None:
    """A DM continues the requester's latest ticket from this chat, or opens a new one."""
    latest = await _latest_ticket_in(ctx, ev, handle)
    if latest is not None and (latest.is_open or _within_reopen_window(ctx, latest)):
        await customer_wrote(ctx, latest, ev.text, handle)
    else:
        await _new_ticket(ctx, ev, handle)


async def _latest_ticket_in(
    ctx: TurnContext, ev: MessageReceived, handle: str
) -> TicketView | None:
    async with ctx.desk.db.reads() as s:
        number = await s.scalar(
            select(Ticket.id)
            .join(Person, Person.id == Ticket.requester_id)
            .where(
                Person.handle == handle,
                Ticket.origin_platform == ev.platform,
                Ticket.origin_channel == ev.conversation.channel_id,
            )
            .order_by(Ticket.id.desc())
            .limit(1)
        )
    return await ctx.ticket(number) if number is not None else None


def _within_reopen_window(ctx: TurnContext, ticket: TicketView) -> bool:
    if ticket.resolved_at is None:
        return False
    return ctx.desk.clock.now() - ticket.resolved_at <= ctx.desk.config.reopen_window


async def customer_wrote(ctx: TurnContext, ticket: TicketView, text: str, handle: str) -> None:
    """The requester wrote again: reopen a recently resolved ticket, relay to the team."""
    desk, source = ctx.desk, ctx.platform
    if not ticket.is_open:
        if not _within_reopen_window(ctx, ticket):
            return
        ticket = ctx.apply(
            await desk.tickets.reopen(
                ticket_id=ticket.number, actor=handle, source=source, reason=text
            )
        )
        ctx.emit(
            PostToTicket(
                ticket.number,
                desk.views.note(
                    "ack.reopened", ticket.locale, name=ticket.requester.name, number=ticket.number
                ),
                audience="requester",
            )
        )
    ctx.apply(
        await desk.tickets.record_customer_message(
            ticket_id=ticket.number, text=text, actor=handle, source=source
        )
    )
    relay = desk.views.note("relay.customer", name=desk.people.display_name(handle), text=text)
    ctx.emit(PostToTicket(ticket.number, relay, audience="internal"))


async def on_thread_reply(ctx: TurnContext, ev: ThreadReplyReceived) -> None:
    desk = ctx.desk
    thread = ev.conversation.thread_id or ""
    link = await desk.tickets.find_link(ev.platform, ev.conversation.channel_id, thread)
    if link is None:
        asked = ev.mentions_bot and _is_command(ctx, ev.text)
        if asked and desk.people.is_staff(await ctx.person()):
            from supportbot.handlers.commands import run_text

            ctx.answer_in = ev.conversation  # not a ticket's thread: answer where it was asked
            await run_text(ctx, ev.text)
        return
    handle = await ctx.person()
    ticket = await ctx.ticket(link.ticket_id)
    if link.kind == "requester":
        if desk.people.is_staff(handle) and handle != ticket.requester.handle:
            await _agent_replied(ctx, ticket, ev.text, handle, post=False)
        else:
            await customer_wrote(ctx, ticket, ev.text, handle)
    elif link.kind == "card":
        await _in_card_thread(ctx, ev, ticket, handle)
    elif link.kind == "handoff":
        await _in_handoff_thread(ctx, ev, ticket, link.ref_id, handle)


async def _in_card_thread(
    ctx: TurnContext, ev: ThreadReplyReceived, ticket: TicketView, handle: str
) -> None:
    desk = ctx.desk
    text = ev.text.strip()
    if ev.mentions_bot and _is_command(ctx, text):
        from supportbot.handlers.commands import run_text

        await run_text(ctx, text, thread_ticket=ticket.number)
        return
    if (body := _strip_prefix(text, REPLY_PREFIXES)) is not None:
        await _agent_replied(ctx, ticket, body, handle, post=True)
    elif (body := _strip_prefix(text, DEPARTMENT_PREFIXES)) is not None:
        relay = desk.views.note(
            "relay.agent_to_department", name=desk.people.display_name(handle), text=body
        )
        ctx.emit(PostToTicket(ticket.number, relay, audience="handoff"))
        await desk.tickets.record_event(
            ticket_id=ticket.number,
            kind="handoff.relayed",
            data={"text": body, "direction": "out"},
            source=ev.platform,
            actor=handle,
        )
    else:
        ctx.apply(
            await desk.tickets.add_note(
                ticket_id=ticket.number, text=text, actor=handle, source=ev.platform
            )
        )


async def _agent_replied(
    ctx: TurnContext, ticket: TicketView, text: str, handle: str, *, post: bool
) -> None:
    desk = ctx.desk
    if post:
        ctx.emit(
            PostToTicket(
                ticket.number, Message(text=markup.escape(text), kind="reply"), audience="requester"
            )
        )
    ctx.apply(
        await desk.tickets.record_reply(
            ticket_id=ticket.number, text=text, actor=handle, source=ctx.platform
        )
    )
    if post:
        note = desk.views.note("relay.reply_sent", name=desk.people.display_name(handle), text=text)
        ctx.emit(PostToTicket(ticket.number, note, audience="internal"))


async def _in_handoff_thread(
    ctx: TurnContext,
    ev: ThreadReplyReceived,
    ticket: TicketView,
    handoff_id: int | None,
    handle: str,
) -> None:
    desk = ctx.desk
    handoff = await desk.tickets.handoff(handoff_id) if handoff_id else None
    department = handoff.department if handoff else "?"
    relay = desk.views.note(
        "relay.department",
        name=desk.people.display_name(handle),
        department=department,
        text=ev.text,
    )
    ctx.emit(PostToTicket(ticket.number, relay, audience="internal"))
    await desk.tickets.record_event(
        ticket_id=ticket.number,
        kind="handoff.relayed",
        data={"text": ev.text, "direction": "in", "department": department},
        source=ev.platform,
        actor=handle,
    )


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str | None:
    lowered = text.lower()
    for prefix in prefixes:
        if lowered.startswith(prefix):
            return text[len(prefix) :].strip()
    return None


async def on_reaction(ctx: TurnContext, ev: ReactionAdded) -> None:
    """A 🎫 reaction turns the message it is on into a ticket for the message's author."""
    desk = ctx.desk
    if ev.reaction not in TICKET_REACTIONS or not ev.text.strip():
        return
    if await desk.tickets.find_link(ev.platform, ev.conversation.channel_id, ev.message_id):
        return  # that message is already a ticket's
    as_message = MessageReceived(
        event_id=ev.event_id,
        actor=ev.author or ev.actor,
        conversation=ev.conversation,
        text=ev.text,
        message_id=ev.message_id,
    )
    author = TurnContext(desk, ctx.turn, as_message)  # the requester is who wrote it
    requester = await author.person()
    intake = desk.config.intake_channel(ev.platform, ev.conversation.channel_id)
    kind = "customer" if intake or not desk.people.is_staff(requester) else "internal"
    ticket = await _new_ticket(
        author, as_message, requester, kind=kind, team=intake.team if intake else None
    )
    ctx.turn.happened(
        Happening(
            "reaction.added",
            ticket.number,
            requester,
            {"reaction": ev.reaction, "text": ev.text},
            ev.platform,
        )
    )
