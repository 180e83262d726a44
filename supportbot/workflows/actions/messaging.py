"""Messages from workflows: `reply` to the requester, `post` to a channel, `notify` people."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict, Field

from supportbot.config import Config, PlatformIds
from supportbot.events import ConversationRef
from supportbot.intents import PostMessage, PostToTicket, SendDirect
from supportbot.markup import group_mention
from supportbot.messages import Message
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext
from supportbot.workflows.refs import ChannelName, Recipient, TemplateName
from supportbot.workflows.registry import Registrar
from supportbot.workflows.simulation import Simulation


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reply(Params):
    """Answer the requester where they asked, in their language, from a template."""

    template: TemplateName


class Post(Params):
    """Post a template to a support channel (in the desk's language)."""

    channel: ChannelName = Field(
        description="support_channel, leads_channel, kudos_channel, team:NAME, department:NAME, "
        "or thread (the ticket's thread in the support channel)"
    )
    template: TemplateName


class Notify(Params):
    """Tell people: a DM to each person of a role, a person or the assignee (in their
    language), or a post to a department's (mentioning its group) or a team's channel."""

    to: Recipient = Field(description="role:NAME, person:ID, department:NAME, team:NAME, assignee")
    template: TemplateName


async def reply(ctx: ActionContext, p: Reply) -> None:
    ticket = await ctx.ticket()
    text = ctx.render(p.template, ticket)
    # The courier resolves "requester" to where they asked: their thread, DM or intake callback.
    ctx.emit(PostToTicket(ticket.number, Message(text=text, kind="workflow.reply"), "requester"))


async def post(ctx: ActionContext, p: Post) -> None:
    ticket = await ctx.ticket() if ctx.happening.ticket_id is not None else None
    message = Message(text=ctx.render_internal(p.template, ticket), kind="workflow.post")
    if p.channel == "thread":
        if ticket is None:
            raise LookupError("`channel: thread` needs a ticket")
        ctx.emit(PostToTicket(ticket.number, message, "internal"))  # the card threads
        return
    for to in channel_refs(ctx.desk.config, p.channel, ticket, ctx.desk.adapters):
        ctx.emit(PostMessage(to, message))


async def notify(ctx: ActionContext, p: Notify) -> None:
    ticket = await ctx.ticket() if ctx.happening.ticket_id is not None else None
    kind, _, name = p.to.partition(":")
    if kind in ("department", "team"):
        text = ctx.render_internal(p.template, ticket)
        if kind == "department":
            text = f"{group_mention(name)} {text}"
        for to in channel_refs(ctx.desk.config, p.to, ticket, ctx.desk.adapters):
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
    holders = [p for p in config.people if name in p.roles]  # role:NAME
    on_duty = [p.id for p in holders if p.on_duty]
    return on_duty or [p.id for p in holders]  # nobody on duty: better everyone than no one


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
    return SendDirect(
        platform, person.identities[platform], Message(text=text, kind="workflow.notify")
    )


def channel_refs(
    config: Config, channel: str, ticket: TicketView | None, running: Collection[str]
) -> list[ConversationRef]:
    """Where a configured channel is: on the ticket's platform when it is there, else on every
    platform whose adapter runs (the first listed when none does, so the outbox keeps it)."""
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
    if ticket is not None and ticket.origin_platform in ids:
        platforms = [ticket.origin_platform]
    else:
        platforms = [p for p in ids if p in running] or [next(iter(ids))]
    return [ConversationRef(p, ids[p]) for p in platforms]


def _pick_platform(ids: PlatformIds, preferred: str | None) -> str:
    return preferred if preferred is not None and preferred in ids else next(iter(ids))


# -- what each would post in a replay ------------------------------------------------------------
def simulate_notify(sim: Simulation, p: Notify) -> None:
    kind = p.to.partition(":")[0]
    if kind in ("department", "team") or p.to == "requester":
        sim.post()
        return
    if p.to == "assignee":  # a replayed assignee may be "whoever round robin picks"
        sim.post(1 if sim.ticket.assignee is not None else 0)
        return
    config = sim.config
    handles = people_for(config, p.to, sim.ticket)
    reachable = [h for h in handles if (person := config.person(h)) and person.identities]
    sim.post(len(reachable))


def register(registry: Registrar) -> None:
    registry.action("reply", Reply, simulate=lambda sim, p: sim.post())(reply)
    registry.action("post", Post, needs_ticket=False, simulate=lambda sim, p: sim.post())(post)
    registry.action("notify", Notify, needs_ticket=False, simulate=simulate_notify)(notify)
