"""Running `/support …` commands: parse, check, act through the ticket service, answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from supportbot import commands as grammar
from supportbot import markup
from supportbot.context import TurnContext
from supportbot.errors import IllegalTransitionError, InvalidValueError
from supportbot.events import CommandInvoked
from supportbot.intents import OpenForm, PostToTicket
from supportbot.messages import Button, Message, Style
from supportbot.plugins import Hooks
from supportbot.tickets.base import TicketChange
from supportbot.tickets.service import TicketService
from supportbot.views import Views


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
        ctx.tell(command_error(ctx, exc, await ctx.locale()))
        return
    await run(ctx, cmd)


def command_error(ctx: TurnContext, exc: grammar.CommandError, locale: str) -> Message:
    """A mistake in the command text, in the user's language, with the command's syntax."""
    command = exc.values.get("command")
    usage = usage_text(ctx, command, locale) if command else ""
    text = ctx.desk.views.t(exc.template, locale, values=exc.values, usage=usage)
    return Message(text=text, kind="error")


def usage_text(ctx: TurnContext, command: str, locale: str) -> markup.Safe:
    """The command's syntax: its `usage.<command>` template (the core's, or a feature's), else
    the usage the feature registered it with, as code."""
    views = ctx.desk.views
    if views.templates.has(f"usage.{command}"):
        return markup.Safe(views.t(f"usage.{command}", locale))
    spec = ctx.desk.hooks.command_for(command)
    syntax = (spec.usage if spec else "") or command
    return markup.Safe("`" + syntax.replace("`", "'") + "`")


async def run(ctx: TurnContext, cmd: grammar.Command) -> None:
    spec = ctx.desk.hooks.command_for(cmd.name)
    if spec is None:  # a feature's command, and that feature is not installed
        ctx.tell(ctx.desk.views.note("error.not_configured", await ctx.locale(), feature=cmd.name))
        return
    await spec.handler(ctx, cmd)


async def _help(ctx: TurnContext, cmd: grammar.Command) -> None:
    """The core's commands, then those features added (their usage and `help.command.<name>`)."""
    views, loc = ctx.desk.views, await ctx.locale()
    lines = [views.t("help.text", loc)]
    extra = [name for name in ctx.desk.hooks.commands.entries if name not in grammar.NAMES]
    if extra:
        lines.append(views.t("help.more", loc))
        for name in extra:
            key = f"help.command.{name}"
            about = markup.Safe(views.t(key, loc)) if views.templates.has(key) else None
            lines.append(views.t("help.more.line", loc, usage=usage_text(ctx, name, loc),
                                 description=about))  # fmt: skip
    ctx.tell(Message(text="\n".join(lines), kind="help"))


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
        case "resolve":
            step = "resolve_anyway" if cmd.option in grammar.ANYWAY else "resolve"
            resolved = await resolve_or_offer(ctx, step, n)
            if resolved is None:
                return
            change = resolved
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


async def resolve_or_offer(ctx: TurnContext, step: str, number: int) -> TicketChange | None:
    """Resolve (`resolve` or `resolve_anyway`); when a hand-off is still open, answer with the
    ways that work (the command forms, and buttons for both) and return None."""
    try:
        return await simple_step(ctx.desk.tickets, step, number, await ctx.person(), ctx.platform)
    except IllegalTransitionError as exc:
        if not exc.values.get("needs_confirmation"):
            raise
        ctx.tell(resolve_refusal(ctx.desk.views, exc, await ctx.locale()))
        return None


def resolve_refusal(views: Views, exc: IllegalTransitionError, locale: str) -> Message:
    """ "#12 has an open hand-off …": what to type, and the two buttons that do it."""
    n = str(exc.values["number"])
    anyway = views.t("error.resolve.button.anyway", locale)
    close = views.t("error.resolve.button.close_handoffs", locale)
    return Message(
        text=views.t(exc.template, locale, values=exc.values, message=str(exc)),
        buttons=(
            Button("ticket.resolve_anyway", anyway, n, Style.DANGER),
            Button("ticket.close_handoffs_and_resolve", close, n, Style.PRIMARY),
        ),
        kind="error",
    )


async def close_handoffs(
    ctx: TurnContext, number: int, department: str = "", *, every: bool = False
) -> None:
    """Close the ticket's open hand-off (to `department`; several open need one named, unless
    `every`): `handoff 12 done [department]` and the *Close hand-off and resolve* button."""
    tickets = ctx.desk.tickets
    await ctx.ticket(number)  # there is no ticket #999: say so, not "no open hand-off"
    handoffs = sorted(await tickets.open_handoffs(number), key=lambda h: h.id)
    open_ones = [h for h in handoffs if not department or h.department == department]
    if not open_ones:
        raise InvalidValueError(
            f"#{number} has no open hand-off" + (f" to {department}" if department else ""),
            "error.handoff.none_open",
            number=number,
            department=department,
        )
    if len(open_ones) > 1 and not department and not every:
        names = ", ".join(h.department for h in open_ones)
        raise InvalidValueError(
            f"#{number} has open hand-offs to {names}: say which one is done",
            "error.handoff.which",
            number=number,
            departments=names,
            first=open_ones[0].department,
        )
    who = await ctx.person()
    for h in open_ones:
        ctx.apply(await tickets.close_handoff(handoff_id=h.id, actor=who, source=ctx.platform))


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
    if cmd.option == grammar.DONE:  # `handoff 12 done [department]`
        await close_handoffs(ctx, cmd.number, cmd.text)
        what = f"handoff #{cmd.number} done" + (f" ({cmd.text})" if cmd.text else "")
        ctx.tell(ctx.desk.views.note("done", await ctx.locale(), what=what))
        return
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
        ctx.tell(desk.views.note("error.admin_only", loc, kind="error"))
        return
    hooks = desk.hooks.reload_hooks
    if not hooks:
        ctx.tell(desk.views.note("error.not_configured", loc, feature="workflows"))
        return
    problems = [problem for hook in hooks for problem in await hook.value(desk)]
    if not problems:
        ctx.tell(desk.views.note("admin.reloaded", loc, kind="admin"))
        return
    # file:line:col problems of the admin's own workflow files (as `workflows validate` prints)
    ctx.tell(Message(text=markup.escape("\n".join(problems)), kind="admin"))


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
