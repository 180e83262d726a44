"""Messages, thread replies and reactions: new tickets, replies, relays and follow-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportbot import commands as grammar
from supportbot import markup
from supportbot.events import (
    UNVERIFIED_TAG,
    AnyEvent,
    MessageReceived,
    ReactionAdded,
    ThreadReplyReceived,
)
from supportbot.happenings import Happening, Turn
from supportbot.intents import PostToTicket
from supportbot.messages import Message
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView

if TYPE_CHECKING:
    from supportbot.desk import Desk

REPLY_PREFIXES = ("reply:", "返信:", "返信：")
DEPARTMENT_PREFIXES = ("dept:", "部署:", "部署：")
TICKET_REACTIONS = ("ticket", "admission_tickets", "🎫")


async def on_message(desk: Desk, ev: MessageReceived, turn: Turn) -> None:
    intake = desk.config.intake_channel(ev.platform, ev.conversation.channel_id)
    # customers writing in an organisation's shared channel belong to that organisation
    handle = await _resolve(desk, ev, intake.organization if intake else None)
    words = ev.text.strip().split()
    if (
        (ev.mentions_bot or ev.conversation.is_direct)
        and words
        and words[0].lower() in (grammar.NAMES)
        and desk.people.is_staff(handle)
    ):
        from supportbot.handlers.commands import run_text

        await run_text(desk, ev, ev.text, handle, turn)
        return
    if ev.conversation.is_direct:
        await _direct_message(desk, ev, handle, turn)
    elif intake is not None:
        await _new_ticket(desk, ev, handle, turn, team=intake.team)
    elif ev.mentions_bot:
        await _new_ticket(desk, ev, handle, turn, kind="internal")


async def _resolve(desk: Desk, ev: AnyEvent, organization: str | None = None) -> str:
    async with desk.db.sessions.begin() as s:
        person = await desk.people.resolve(s, ev.actor, organization)
        return person.handle


async def _new_ticket(
    desk: Desk,
    ev: MessageReceived | ReactionAdded,
    requester: str,
    turn: Turn,
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
    ticket = await desk.open_ticket(new, turn, source=ev.platform)
    if thread is not None:
        from supportbot.events import MessageRef

        await desk.tickets.link(
            ticket_id=ticket.number,
            kind="requester",
            ref=MessageRef(ev.platform, ev.conversation.channel_id, ev.message_id, thread),
        )
    return ticket


async def _direct_message(desk: Desk, ev: MessageReceived, handle: str, turn: Turn) -> None:
    """A DM continues the requester's latest ticket from this chat, or opens a new one."""
    latest = await _latest_ticket_in(desk, ev, handle)
    if latest is not None and (latest.is_open or _within_reopen_window(desk, latest)):
        await customer_wrote(desk, latest, ev.text, handle, ev.platform, turn)
    else:
        await _new_ticket(desk, ev, handle, turn)


async def _latest_ticket_in(desk: Desk, ev: MessageReceived, handle: str) -> TicketView | None:
    from sqlalchemy import select

    from supportbot.store.models import Person, Ticket

    async with desk.db.reads() as s:
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
    return await desk.tickets.get(number) if number is not None else None


def _within_reopen_window(desk: Desk, ticket: TicketView) -> bool:
    if ticket.resolved_at is None:
        return False
    return desk.clock.now() - ticket.resolved_at <= desk.config.reopen_window


async def customer_wrote(
    desk: Desk, ticket: TicketView, text: str, handle: str, source: str, turn: Turn
) -> None:
    """The requester wrote again: reopen a recently resolved ticket, relay to the team."""
    if not ticket.is_open:
        if not _within_reopen_window(desk, ticket):
            return
        ticket = desk.apply(
            turn,
            await desk.tickets.reopen(
                ticket_id=ticket.number, actor=handle, source=source, reason=text
            ),
        )
        turn.emit(
            PostToTicket(
                ticket.number,
                desk.views.note(
                    "ack.reopened", ticket.locale, name=ticket.requester.name, number=ticket.number
                ),
                audience="requester",
            )
        )
    desk.apply(
        turn,
        await desk.tickets.record_customer_message(
            ticket_id=ticket.number, text=text, actor=handle, source=source
        ),
    )
    relay = desk.views.note("relay.customer", name=desk.people.display_name(handle), text=text)
    turn.emit(PostToTicket(ticket.number, relay, audience="internal"))


async def on_thread_reply(desk: Desk, ev: ThreadReplyReceived, turn: Turn) -> None:
    thread = ev.conversation.thread_id or ""
    link = await desk.tickets.find_link(ev.platform, ev.conversation.channel_id, thread)
    if link is None:
        return
    handle = await _resolve(desk, ev)
    ticket = await desk.tickets.get(link.ticket_id)
    if link.kind == "requester":
        if desk.people.is_staff(handle) and handle != ticket.requester.handle:
            await _agent_replied(desk, ticket, ev.text, handle, ev.platform, turn, post=False)
        else:
            await customer_wrote(desk, ticket, ev.text, handle, ev.platform, turn)
    elif link.kind == "card":
        await _in_card_thread(desk, ev, ticket, handle, turn)
    elif link.kind == "handoff":
        await _in_handoff_thread(desk, ev, ticket, link.ref_id, handle, turn)


async def _in_card_thread(
    desk: Desk, ev: ThreadReplyReceived, ticket: TicketView, handle: str, turn: Turn
) -> None:
    text = ev.text.strip()
    words = text.split()
    if ev.mentions_bot and words and words[0].lower() in grammar.NAMES:
        from supportbot.handlers.commands import run_text

        await run_text(desk, ev, text, handle, turn, thread_ticket=ticket.number)
        return
    if (body := _strip_prefix(text, REPLY_PREFIXES)) is not None:
        await _agent_replied(desk, ticket, body, handle, ev.platform, turn, post=True)
    elif (body := _strip_prefix(text, DEPARTMENT_PREFIXES)) is not None:
        relay = desk.views.note(
            "relay.agent_to_department", name=desk.people.display_name(handle), text=body
        )
        turn.emit(PostToTicket(ticket.number, relay, audience="handoff"))
        await desk.tickets.record_event(
            ticket_id=ticket.number,
            kind="handoff.relayed",
            data={"text": body, "direction": "out"},
            source=ev.platform,
            actor=handle,
        )
    else:
        desk.apply(
            turn,
            await desk.tickets.add_note(
                ticket_id=ticket.number, text=text, actor=handle, source=ev.platform
            ),
        )


async def _agent_replied(
    desk: Desk, ticket: TicketView, text: str, handle: str, source: str, turn: Turn, *, post: bool
) -> None:
    if post:
        turn.emit(
            PostToTicket(
                ticket.number, Message(text=markup.escape(text), kind="reply"), audience="requester"
            )
        )
    desk.apply(
        turn,
        await desk.tickets.record_reply(
            ticket_id=ticket.number, text=text, actor=handle, source=source
        ),
    )
    if post:
        note = desk.views.note("relay.reply_sent", name=desk.people.display_name(handle), text=text)
        turn.emit(PostToTicket(ticket.number, note, audience="internal"))


async def _in_handoff_thread(
    desk: Desk,
    ev: ThreadReplyReceived,
    ticket: TicketView,
    handoff_id: int | None,
    handle: str,
    turn: Turn,
) -> None:
    handoff = await desk.tickets.handoff(handoff_id) if handoff_id else None
    department = handoff.department if handoff else "?"
    relay = desk.views.note(
        "relay.department",
        name=desk.people.display_name(handle),
        department=department,
        text=ev.text,
    )
    turn.emit(PostToTicket(ticket.number, relay, audience="internal"))
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


async def on_reaction(desk: Desk, ev: ReactionAdded, turn: Turn) -> None:
    """A 🎫 reaction turns the message it is on into a ticket for the message's author."""
    if ev.reaction not in TICKET_REACTIONS or not ev.text.strip():
        return
    if await desk.tickets.find_link(ev.platform, ev.conversation.channel_id, ev.message_id):
        return  # that message is already a ticket's
    author = ev.author or ev.actor
    from supportbot.events import MessageReceived as Msg

    as_message = Msg(
        event_id=ev.event_id,
        actor=author,
        conversation=ev.conversation,
        text=ev.text,
        message_id=ev.message_id,
    )
    intake = desk.config.intake_channel(ev.platform, ev.conversation.channel_id)
    requester = await _resolve(desk, as_message, intake.organization if intake else None)
    kind = "customer" if intake or not desk.people.is_staff(requester) else "internal"
    ticket = await _new_ticket(
        desk, as_message, requester, turn, kind=kind, team=intake.team if intake else None
    )
    turn.happened(
        Happening(
            "reaction.added",
            ticket.number,
            requester,
            {"reaction": ev.reaction, "text": ev.text},
            ev.platform,
        )
    )
