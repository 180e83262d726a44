"""Messages from workflows: `reply` to the requester, `post` to a channel, `notify` people."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from supportbot.config import Config, PlatformIds
from supportbot.events import ConversationRef
from supportbot.intents import PostMessage, PostToTicket, Purpose, SendDirect
from supportbot.markup import group_mention
from supportbot.messages import Message
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext
from supportbot.workflows.refs import ChannelName, Recipient, TemplateName
from supportbot.workflows.registry import Registry


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reply(Params):
    template: TemplateName


class Post(Params):
    channel: ChannelName = Field(
        description="support_channel, leads_channel, kudos_channel, team:NAME, department:NAME, "
        "or thread (the ticket's thread in the support channel)"
    )
    template: TemplateName


class Notify(Params):
    to: Recipient = Field(description="role:NAME, person:ID, department:NAME, team:NAME, assignee")
    template: TemplateName


async def reply(ctx: ActionContext, p: Reply) -> None:
    ticket = await ctx.ticket()
    text = ctx.render(p.template, ticket)
    # The courier resolves "requester" to where they asked: their thread, DM or intake callback.
    ctx.emit(PostToTicket(ticket.number, Message(text=text, kind="workflow.reply"), "requester"))


async def post(ctx: ActionContext, p: Post) -> None:
    ticket = await ctx.ticket() if ctx.happening.ticket_id is not None else None
    message = Message(text=ctx.render(p.template, ticket), kind="workflow.post")
    if p.channel == "thread":
        if ticket is None:
            raise LookupError("`channel: thread` needs a ticket")
        ctx.emit(PostToTicket(ticket.number, message, "internal"))  # the card threads
        return
    ctx.emit(PostMessage(channel_ref(ctx.desk.config, p.channel, ticket), message))


async def notify(ctx: ActionContext, p: Notify) -> None:
    ticket = await ctx.ticket() if ctx.happening.ticket_id is not None else None
    kind, _, name = p.to.partition(":")
    if kind in ("department", "team"):
        to = channel_ref(ctx.desk.config, p.to, ticket)
        text = ctx.render(p.template, ticket)
        if kind == "department":
            text = f"{group_mention(name)} {text}"
        ctx.emit(PostMessage(to, Message(text=text, kind="workflow.notify")))
        return
    if p.to == "requester":
        if ticket is not None:
            await reply(ctx, Reply(template=p.template))
        return
    for handle in people_for(ctx.desk.config, p.to, ticket):
        direct = direct_message(ctx, handle, p.template, ticket)
        if direct is not None:
            ctx.emit(direct)


def people_for(config: Config, recipient: str, ticket: TicketView | None) -> list[str]:
    kind, _, name = recipient.partition(":")
    if recipient == "assignee":
        return [ticket.assignee.handle] if ticket and ticket.assignee else []
    if kind == "person":
        return [name]
    return [p.id for p in config.people if name in p.roles]  # role:NAME


def direct_message(
    ctx: ActionContext, handle: str, template: str, ticket: TicketView | None
) -> SendDirect | None:
    """A DM on the ticket's platform when the person has an identity there, else their first."""
    person = ctx.desk.config.person(handle)
    if person is None or not person.identities:
        return None
    platform = _pick_platform(person.identities, ticket.origin_platform if ticket else None)
    # Staff read notifications in their own language, not the requester's.
    text = ctx.templates.render(template, person.locale, **ctx.values(ticket))
    purpose = Purpose(ticket.number, "internal") if ticket else None
    return SendDirect(
        platform, person.identities[platform], Message(text=text, kind="workflow.notify"), purpose
    )


def channel_ref(config: Config, channel: str, ticket: TicketView | None) -> ConversationRef:
    """A configured channel, on the ticket's platform when it has one there."""
    preferred = ticket.origin_platform if ticket else None
    kind, _, name = channel.partition(":")
    ids: PlatformIds = {}
    if kind == "team":
        team = config.team(name)
        ids = (team.channel if team else {}) or config.support_channel
    elif kind == "department":
        department = config.department(name)
        ids = department.channel if department else {}
    else:
        ids = getattr(config, channel)
    if not ids:
        raise LookupError(f"no channel is configured for {channel!r}")
    platform = _pick_platform(ids, preferred)
    return ConversationRef(platform, ids[platform])


def _pick_platform(ids: PlatformIds, preferred: str | None) -> str:
    return preferred if preferred is not None and preferred in ids else next(iter(ids))


def register(registry: Registry) -> None:
    registry.action("reply", Reply)(reply)
    registry.action("post", Post, needs_ticket=False)(post)
    registry.action("notify", Notify, needs_ticket=False)(notify)
