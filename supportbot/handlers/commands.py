"""Running `/support …` commands: parse, check, act through the ticket service, answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from supportbot import commands as grammar
from supportbot import markup
from supportbot.events import AnyEvent, CommandInvoked
from supportbot.happenings import Turn
from supportbot.intents import OpenForm, PostToTicket
from supportbot.messages import Message
from supportbot.tickets.base import TicketChange
from supportbot.tickets.view import TicketView

if TYPE_CHECKING:
    from supportbot.desk import Desk


async def on_command(desk: Desk, ev: CommandInvoked, turn: Turn) -> None:
    link_ticket = None
    if ev.conversation.thread_id:
        link = await desk.tickets.find_link(
            ev.platform, ev.conversation.channel_id, ev.conversation.thread_id
        )
        link_ticket = link.ticket_id if link else None
    async with desk.db.sessions.begin() as s:
        handle = (await desk.people.resolve(s, ev.actor)).handle
    await run_text(desk, ev, ev.text, handle, turn, thread_ticket=link_ticket)


async def run_text(
    desk: Desk,
    ev: AnyEvent,
    text: str,
    handle: str,
    turn: Turn,
    *,
    thread_ticket: int | None = None,
) -> None:
    """Run command text typed by `handle` (already resolved by the caller)."""
    locale = desk.people.locale_of(handle)
    departments = tuple(d.name for d in desk.config.departments)
    try:
        cmd = grammar.parse(text, thread_ticket=thread_ticket, departments=departments)
    except grammar.CommandError as exc:
        desk.tell(turn, ev, Message(text=markup.escape(str(exc)), kind="error"))
        return
    await run(desk, ev, cmd, handle, locale, turn)


async def run(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, handle: str, locale: str, turn: Turn
) -> None:
    feature = desk.services.get(f"command.{cmd.name}")
    if feature is not None:  # commands that features (kudos, stats, …) register
        await feature(desk, ev, cmd, handle, turn)
        return
    simple = _SIMPLE.get(cmd.name)
    if simple is not None:
        await simple(desk, ev, cmd, handle, locale, turn)
        return
    desk.tell(turn, ev, desk.views.note("error.not_configured", locale, feature=cmd.name))


async def _help(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    desk.tell(turn, ev, desk.views.note("help.text", loc, kind="help"))


async def _new(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    turn.emit(
        OpenForm(
            ev.platform,
            ev.actor.user_id,
            getattr(ev, "trigger_id", None),
            desk.views.new_ticket_form(loc),
            ev.conversation,
        )
    )


async def _queue(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    team = cmd.option or None
    tickets = (
        await desk.tickets.list(team=team)
        if cmd.name == "queue"
        else (await desk.tickets.list(assignee=who))
    )
    title = desk.views.t("queue.title" if cmd.name == "queue" else "mine.title", loc, team=team)
    if not tickets:
        desk.tell(turn, ev, desk.views.note("queue.empty", loc, team=team))
        return
    lines = [
        desk.views.t("queue.line", loc, t=t, status=desk.views.t(f"card.status.{t.status}", loc))
        for t in tickets
    ]
    desk.tell(turn, ev, Message(title=title, text="\n".join(lines), kind="queue"))


async def _show(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    assert cmd.number is not None
    desk.tell(turn, ev, desk.views.ticket_card(await desk.tickets.get(cmd.number)))


async def _ticket_step(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    """claim, unclaim, assign, priority, note, resolve, reopen, wait: one service call each."""
    n, src, t = cmd.number, ev.platform, desk.tickets
    assert n is not None
    match cmd.name:
        case "assign":
            assignee = desk.people.handle_for(ev.platform, cmd.person or "")
            if desk.config.person(cmd.person or ""):
                assignee = cmd.person or ""
            change = await t.assign(ticket_id=n, assignee=assignee, actor=who, source=src)
        case "priority":
            change = await t.set_priority(ticket_id=n, priority=cmd.option, actor=who, source=src)
        case "note":
            change = await t.add_note(ticket_id=n, text=cmd.text, actor=who, source=src)
        case _:
            change = await simple_step(desk, cmd.name, n, who, src)
    ticket = desk.apply(turn, change)
    desk.tell(turn, ev, desk.views.note("done", loc, what=f"{cmd.name} #{ticket.number}"))


async def simple_step(desk: Desk, step: str, number: int, who: str, source: str) -> TicketChange:
    """A ticket step that needs nothing but the ticket and who asks (commands and buttons)."""
    t = desk.tickets
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


async def _reply(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    assert cmd.number is not None
    ticket: TicketView = desk.apply(
        turn,
        await desk.tickets.record_reply(
            ticket_id=cmd.number, text=cmd.text, actor=who, source=ev.platform
        ),
    )
    turn.emit(
        PostToTicket(
            ticket.number, Message(text=markup.escape(cmd.text), kind="reply"), audience="requester"
        )
    )
    note = desk.views.note("relay.reply_sent", name=desk.people.display_name(who), text=cmd.text)
    turn.emit(PostToTicket(ticket.number, note, audience="internal"))


async def _escalate(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    assert cmd.number is not None
    desk.apply(
        turn,
        await desk.tickets.request_escalation(
            ticket_id=cmd.number,
            actor=who,
            reason=cmd.text,
            department=cmd.option or None,
            source=ev.platform,
        ),
    )
    desk.tell(turn, ev, desk.views.note("done", loc, what=f"escalate #{cmd.number}"))


async def _decide(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    assert cmd.number is not None
    pending = await desk.tickets.pending_escalation(cmd.number)
    if pending is None:
        desk.tell(
            turn,
            ev,
            desk.views.note(
                "error.illegal", loc, message=f"#{cmd.number} has no pending escalation"
            ),
        )
        return
    desk.apply(
        turn,
        await desk.tickets.decide_escalation(
            escalation_id=pending.id,
            actor=who,
            approve=cmd.name == "approve",
            note=cmd.text,
            source=ev.platform,
        ),
    )
    desk.tell(turn, ev, desk.views.note("done", loc, what=f"{cmd.name} #{cmd.number}"))


async def _handoff(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    assert cmd.number is not None
    desk.apply(
        turn,
        await desk.tickets.open_handoff(
            ticket_id=cmd.number,
            department=cmd.option,
            note=cmd.text,
            actor=who,
            source=ev.platform,
        ),
    )
    desk.tell(turn, ev, desk.views.note("done", loc, what=f"handoff #{cmd.number} → {cmd.option}"))


async def _admin(
    desk: Desk, ev: AnyEvent, cmd: grammar.Command, who: str, loc: str, turn: Turn
) -> None:
    if not desk.people.is_admin(who):
        desk.tell(
            turn,
            ev,
            desk.views.note("error.not_allowed", loc, message="only admins can reload workflows"),
        )
        return
    reload = getattr(desk.engine, "reload", None)
    if reload is None:
        desk.tell(turn, ev, desk.views.note("error.not_configured", loc, feature="workflows"))
        return
    result = await reload()
    text = "\n".join(str(p) for p in getattr(result, "problems", ())) or "workflows reloaded"
    desk.tell(turn, ev, Message(text=markup.escape(text), kind="admin"))


Simple = Callable[["Desk", AnyEvent, grammar.Command, str, str, Turn], Awaitable[None]]
_SIMPLE: dict[str, Simple] = {
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
    "approve": _decide,
    "deny": _decide,
    "handoff": _handoff,
    "admin": _admin,
}
