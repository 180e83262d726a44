"""`/support email #42 dana@customer.example`: the conversation with the requester moves to mail.

One turn: the checks (staff, e-mail on, a real address, an allowed domain, not on mail yet),
then the ticket service links a new requester thread on platform `email` (its root is the
Message-ID the first mail will carry) and audits `channel.moved` with the address. The first
mail, posted to the requester like any answer, summarises the conversation so far; the
customer's reply to it threads by that Message-ID and lands in the ticket's thread. The mail
itself leaves from the outbox after the commit (`Outbound` builds the thread from the audit row).
"""

from __future__ import annotations

import re

from supportbot import markup
from supportbot.commands import Command
from supportbot.context import TurnContext
from supportbot.errors import IllegalTransitionError
from supportbot.events import MessageRef
from supportbot.intents import PostToTicket
from supportbot.messages import Message
from supportbot.tickets.channels import Said
from supportbot.tickets.view import TicketView
from supportbot_email import ids
from supportbot_email.settings import PLATFORM, EmailSettings, EmailSettingsError

KIND = "email.handover"
MAX_LINES = 50  # a long chat keeps its opening and its newest messages
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class Refusal(Exception):
    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


async def on_email(ctx: TurnContext, cmd: Command) -> None:
    desk, locale = ctx.desk, await ctx.locale()
    try:
        await _hand_over(ctx, cmd)
    except Refusal as refusal:
        text = desk.views.t(refusal.template, locale, **refusal.values)
        ctx.tell(Message(text=text, kind="error"))


async def _hand_over(ctx: TurnContext, cmd: Command) -> None:
    desk, who = ctx.desk, await ctx.person()
    if not desk.people.is_staff(who):
        raise Refusal("email.handover.staff_only")
    settings = _settings(ctx)
    if cmd.number is None or not cmd.text.strip():
        raise Refusal("email.handover.usage")
    address = address_in(cmd.text)
    if address is None:
        raise Refusal("email.handover.bad_address", address=cmd.text.strip())
    if not settings.sender_allowed(address):
        raise Refusal("email.handover.domain", domain=address.rpartition("@")[2])
    ticket = await ctx.ticket(cmd.number)
    root = ids.normalize(ids.new_message_id(settings.domain))
    ref = MessageRef(PLATFORM, settings.address, root, root)
    data = {"address": address, "name": ticket.requester.name, "locale": ticket.locale}
    try:
        change = await desk.tickets.move_requester(
            ticket_id=ticket.number, to=ref, actor=who, source=ctx.platform, data=data
        )
    except IllegalTransitionError as exc:  # resolved, or on mail already: the service's refusal
        raise Refusal(exc.template, values=exc.values) from exc
    said = await desk.tickets.conversation(ticket.number)
    ticket = ctx.apply(change)
    ctx.emit(PostToTicket(ticket.number, first_mail(ctx, ticket, said), audience="requester"))
    name = desk.people.display_name(who)
    note = desk.views.note("email.handover.note", None, name=name, address=address)
    ctx.emit(PostToTicket(ticket.number, note, audience="internal"))
    done = desk.views.t(
        "email.handover.done", await ctx.locale(), number=ticket.number, address=address
    )
    ctx.tell(Message(text=done))


def _settings(ctx: TurnContext) -> EmailSettings:
    try:
        settings = EmailSettings.from_env(ctx.desk.env, ctx.desk.config)
    except EmailSettingsError:
        settings = None
    if settings is None or PLATFORM not in ctx.desk.adapters:
        raise Refusal("email.handover.off")
    return settings


def address_in(text: str) -> str | None:
    """The address an agent typed (Slack sends `<mailto:a@b|a@b>`, others the bare address)."""
    plain = markup.to_plain(text).strip().strip("<>").removeprefix("mailto:")
    candidate = plain.split("|")[0].strip().lower()
    return candidate if len(candidate) <= 254 and _ADDRESS.match(candidate) else None


def first_mail(ctx: TurnContext, ticket: TicketView, said: list[Said]) -> Message:
    """The conversation so far, each message as `when · who: text`, customer text escaped."""
    desk, loc = ctx.desk, ticket.locale
    kept = said if len(said) <= MAX_LINES else [*said[:1], *said[-(MAX_LINES - 1) :]]
    lines = [
        desk.views.t(
            "email.handover.line",
            loc,
            when=s.at.astimezone(desk.config.business_hours.zone).strftime("%Y-%m-%d %H:%M"),
            name=s.name or ticket.requester.name,
            text=markup.to_plain(s.text, desk.people.display_name).strip(),
        )
        for s in kept
        if s.text.strip()
    ]
    intro = desk.views.t("email.handover.intro", loc, name=ticket.requester.name)
    outro = desk.views.t("email.handover.outro", loc)
    return Message(
        text="\n\n".join([intro, "\n\n".join(lines), outro]),
        title=desk.views.t(
            "email.handover.title", loc, number=ticket.number, subject=ticket.subject
        ),
        kind=KIND,
    )
