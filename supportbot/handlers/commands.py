"""Running `/support …` commands: parse, check, act through the ticket service, answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from supportbot import commands as grammar
from supportbot import markup
from supportbot.context import TurnContext
from supportbot.events import CommandInvoked
from supportbot.intents import OpenForm, PostToTicket
from supportbot.messages import Message
from supportbot.plugins import Hooks
from supportbot.tickets.base import TicketChange
from supportbot.tickets.service import TicketService


async def on_command(ctx: TurnContext, ev: CommandInvoked) -> None:
    link_ticket = None
    if ev.conversation.thread_id:
        link = await ctx.desk.tickets.find_link(
            ev.platform, ev.conversation.channel_id, ev.conversation.thread_id
        )
        link_ticket = link.ticket_id if link else None
    await run_text(ctx, ev.text, thread_ticket=link_ticket)


async def run_text(ctx: TurnContext, text: str, *, thread_ticket: int | None = None) -> None:
    """Run command text typed by the person behind the turn's event."""
    departments = tuple(d.name for d in ctx.desk.config.departments)
    commands = ctx.desk.hooks.commands.entries
    extra = {name: owned.value.takes_ticket for name, owned in commands.items()}
    try:
        cmd = grammar.parse(text, thread_ticket=thread_ticket, departments=departments, extra=extra)
    except grammar.CommandError as exc:
        ctx.tell(Message(text=markup.escape(str(exc)), kind="error"))
        return
    await run(ctx, cmd)


async def run(ctx: TurnContext, cmd: grammar.Command) -> None:
    spec = ctx.desk.hooks.command_for(cmd.name)
    if spec is None:  # a feature's command, and that feature is not installed
        ctx.tell(ctx.desk.views.note("error.not_configured", await ctx.locale(), feature=cmd.name))
        return
    await spec.handler(ctx, cmd)


async def _help(ctx: TurnContext, cmd: grammar.Command) -> None:
    ctx.tell(ctx.desk.views.note("help.text", await ctx.locale(), kind="help"))


async def _new(ctx: TurnContext, cmd: grammar.Command) -> None:
    ev = ctx.event
    ctx.emit(
        OpenForm(
            ev.platform,
            ev.actor.user_id,
            getattr(ev, "trigger_id", None),
            ctx.desk.views.new_ticket_form(await ctx.locale()),
            ev.conversation,
        )
    )


async def _queue(ctx: TurnContext, cmd: grammar.Command) -> None:
    desk, loc = ctx.desk, await ctx.locale()
    team = cmd.option or None
    tickets = (
        await desk.tickets.list(team=team)
        if cmd.name == "queue"
        else (await desk.tickets.list(assignee=await ctx.person()))
    )
    title = desk.views.t("queue.title" if cmd.name == "queue" else "mine.title", loc, team=team)
    if not tickets:
        ctx.tell(desk.views.note("queue.empty", loc, team=team))
        return
    lines = [
        desk.views.t("queue.line", loc, t=t, status=desk.views.t(f"card.status.{t.status}", loc))
        for t in tickets
    ]
    ctx.tell(Message(title=title, text="\n".join(lines), kind="queue"))


async def _show(ctx: TurnContext, cmd: grammar.Command) -> None:
    assert cmd.number is not None
    ctx.tell(await ctx.desk.card(await ctx.ticket(cmd.number)))


async def _ticket_step(ctx: TurnContext, cmd: grammar.Command) -> None:
    """claim, unclaim, assign, priority, note, resolve, reopen, wait: one service call each."""
    desk, who = ctx.desk, await ctx.person()
    n, src, t = cmd.number, ctx.platform, desk.tickets
    assert n is not None
    match cmd.name:
        case "assign":
            assignee = desk.people.handle_for(ctx.platform, cmd.person or "")
            if desk.config.person(cmd.person or ""):
                assignee = cmd.person or ""
            change = await t.assign(ticket_id=n, assignee=assignee, actor=who, source=src)
        case "priority":
            change = await t.set_priority(ticket_id=n, priority=cmd.option, actor=who, source=src)
        case "note":
            change = await t.add_note(ticket_id=n, text=cmd.text, actor=who, source=src)
        case _:
            change = await simple_step(t, cmd.name, n, who, src)
    ticket = ctx.apply(change)
    ctx.tell(desk.views.note("done", await ctx.locale(), what=f"{cmd.name} #{ticket.number}"))


async def simple_step(
    t: TicketService, step: str, number: int, who: str, source: str
) -> TicketChange:
    """A ticket step that needs nothing but the ticket and who asks (commands and buttons)."""
    match step:
        case "claim":
            return await t.claim(ticket_id=number, actor=who, source=source)
        case "unclaim":
            return await t.unclaim(ticket_id=number, actor=who, source=source)
        case "resolve" | "resolve_anyway":
            force = step == "resolve_anyway"
            return await t.resolve(ticket_id=number, actor=who, source=source, force=force)
        case "reopen":
            return await t.reopen(ticket_id=number, actor=who, source=source)
        case "wait":
            return await t.wait_for_customer(ticket_id=number, actor=who, source=source)
    raise AssertionError(step)


async def _reply(ctx: TurnContext, cmd: grammar.Command) -> None:
    assert cmd.number is not None
    desk, who = ctx.desk, await ctx.person()
    ticket = ctx.apply(
        await desk.tickets.record_reply(
            ticket_id=cmd.number, text=cmd.text, actor=who, source=ctx.platform
        )
    )
    ctx.emit(
        PostToTicket(
            ticket.number, Message(text=markup.escape(cmd.text), kind="reply"), audience="requester"
        )
    )
    note = desk.views.note("relay.reply_sent", name=desk.people.display_name(who), text=cmd.text)
    ctx.emit(PostToTicket(ticket.number, note, audience="internal"))


async def _escalate(ctx: TurnContext, cmd: grammar.Command) -> None:
    assert cmd.number is not None
    ctx.apply(
        await ctx.desk.tickets.request_escalation(
            ticket_id=cmd.number,
            actor=await ctx.person(),
            reason=cmd.text,
            department=cmd.option or None,
            source=ctx.platform,
        )
    )
    ctx.tell(ctx.desk.views.note("done", await ctx.locale(), what=f"escalate #{cmd.number}"))


async def _handoff(ctx: TurnContext, cmd: grammar.Command) -> None:
    assert cmd.number is not None
    ctx.apply(
        await ctx.desk.tickets.open_handoff(
            ticket_id=cmd.number,
            department=cmd.option,
            note=cmd.text,
            actor=await ctx.person(),
            source=ctx.platform,
        )
    )
    what = f"handoff #{cmd.number} → {cmd.option}"
    ctx.tell(ctx.desk.views.note("done", await ctx.locale(), what=what))


async def _admin(ctx: TurnContext, cmd: grammar.Command) -> None:
    desk, loc = ctx.desk, await ctx.locale()
    if not desk.people.is_admin(await ctx.person()):
        ctx.tell(
            desk.views.note("error.not_allowed", loc, message="only admins can reload workflows")
        )
        return
    hooks = desk.hooks.reload_hooks
    if not hooks:
        ctx.tell(desk.views.note("error.not_configured", loc, feature="workflows"))
        return
    problems = [problem for hook in hooks for problem in await hook.value(desk)]
    text = "\n".join(problems) or "workflows reloaded"
    ctx.tell(Message(text=markup.escape(text), kind="admin"))


Simple = Callable[[TurnContext, grammar.Command], Awaitable[None]]
_CORE: dict[str, Simple] = {
    "help": _help,
    "new": _new,
    "queue": _queue,
    "mine": _queue,
    "show": _show,
    "claim": _ticket_step,
    "unclaim": _ticket_step,
    "assign": _ticket_step,
    "priority": _ticket_step,
    "note": _ticket_step,
    "resolve": _ticket_step,
    "reopen": _ticket_step,
    "wait": _ticket_step,
    "reply": _reply,
    "escalate": _escalate,
    "handoff": _handoff,
    "admin": _admin,
}


def register(hooks: Hooks) -> None:
    """The core's commands (features add theirs: approve, kudos, stats, …)."""
    for name, handler in _CORE.items():
        hooks.command(name, handler, usage=grammar.USAGE.get(name, name))
