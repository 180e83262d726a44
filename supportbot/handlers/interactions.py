"""Buttons, menus and forms: the same steps as the commands, from cards.

The core's buttons and forms are registered like any feature's (`register(hooks)`), so a
feature that registers one of these names fails with both owners named.
"""

from __future__ import annotations

from supportbot.context import TurnContext
from supportbot.errors import InvalidValueError, NotAllowedError
from supportbot.events import ChoiceSubmitted, FormSubmitted
from supportbot.handlers.commands import close_handoffs, resolve_or_offer, simple_step
from supportbot.intents import OpenForm
from supportbot.messages import Form
from supportbot.plugins import Hooks
from supportbot.tickets.service import NewTicket


def ticket_number(value: str) -> int:
    try:
        return int(value.lstrip("#"))
    except ValueError as exc:
        raise InvalidValueError(
            f"{value!r} is not a ticket number", "error.not_a_ticket_number", value=value
        ) from exc


async def on_choice(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    handler = ctx.desk.hooks.choices.get(ev.action)
    if handler is None:
        raise InvalidValueError(
            f"unknown action {ev.action!r}", "error.unknown_button", action=ev.action
        )
    await handler(ctx, ev)


async def on_form(ctx: TurnContext, ev: FormSubmitted) -> None:
    handler = ctx.desk.hooks.forms.get(ev.form)
    if handler is None:
        raise InvalidValueError(f"unknown form {ev.form!r}", "error.unknown_form", form=ev.form)
    await handler(ctx, ev)


async def open_form(ctx: TurnContext, ev: ChoiceSubmitted, form: Form, *, staff: bool) -> None:
    """Open `form` for the person who clicked (`staff`: only for support staff)."""
    if staff and not ctx.desk.people.is_staff(await ctx.person()):
        raise NotAllowedError("only support staff can do that", "error.staff_only")
    ctx.emit(OpenForm(ev.platform, ev.actor.user_id, ev.trigger_id, form, ev.conversation))


# -- buttons ----------------------------------------------------------------------------------
async def _ticket_button(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    step = ev.action.removeprefix("ticket.")
    number = ticket_number(ev.value)
    if step in ("resolve", "resolve_anyway"):
        change = await resolve_or_offer(ctx, step, number)
        if change is not None:
            ctx.apply(change)
        return
    ctx.apply(await simple_step(ctx.desk.tickets, step, number, await ctx.person(), ev.platform))


async def _close_handoffs_and_resolve(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    """*Close hand-off and resolve* (on the "open hand-off" refusal): every open hand-off of the
    ticket is closed, then the ticket resolved, in this one turn."""
    number = ticket_number(ev.value)
    if await ctx.desk.tickets.open_handoffs(number):
        await close_handoffs(ctx, number, every=True)
    change = await resolve_or_offer(ctx, "resolve", number)
    if change is not None:
        ctx.apply(change)


async def _escalate_button(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    form = ctx.desk.views.escalation_form(ticket_number(ev.value), await ctx.locale())
    await open_form(ctx, ev, form, staff=True)


async def _handoff_button(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    form = ctx.desk.views.handoff_form(ticket_number(ev.value), await ctx.locale())
    await open_form(ctx, ev, form, staff=True)


async def _handoff_step(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    tickets = ctx.desk.tickets
    step = tickets.accept_handoff if ev.action == "handoff.accept" else tickets.close_handoff
    ctx.apply(await step(handoff_id=int(ev.value), actor=await ctx.person(), source=ev.platform))


# -- forms ------------------------------------------------------------------------------------
async def _new_ticket_form(ctx: TurnContext, ev: FormSubmitted) -> None:
    body = ev.values.get("body", "").strip()
    if not body:
        raise InvalidValueError("please say what you need", "error.form.empty")
    who = await ctx.person()
    kind = "internal" if ctx.desk.people.is_staff(who) else "customer"
    await ctx.open_ticket(
        NewTicket(
            requester=who,
            subject=ev.values.get("subject") or body,
            body=body,
            origin_platform=ev.platform,
            # a form from a channel: answer the requester by DM, not in the channel
            origin_channel=ev.conversation.channel_id if ev.conversation.is_direct else "",
            kind=kind,
            priority=ev.values.get("priority") or "P3",
        )
    )


async def _escalation_form(ctx: TurnContext, ev: FormSubmitted) -> None:
    ctx.apply(
        await ctx.desk.tickets.request_escalation(
            ticket_id=ticket_number(ev.context),
            actor=await ctx.person(),
            reason=ev.values.get("reason", ""),
            department=ev.values.get("department") or None,
            source=ev.platform,
        )
    )


async def _handoff_form(ctx: TurnContext, ev: FormSubmitted) -> None:
    department = ev.values.get("department", "")
    if not department:
        raise InvalidValueError(
            "choose a department to hand off to", "error.handoff.department_missing"
        )
    ctx.apply(
        await ctx.desk.tickets.open_handoff(
            ticket_id=ticket_number(ev.context),
            department=department,
            note=ev.values.get("note", ""),
            actor=await ctx.person(),
            source=ev.platform,
        )
    )


def register(hooks: Hooks) -> None:
    for step in ("claim", "unclaim", "resolve", "resolve_anyway", "reopen", "wait"):
        hooks.choice(f"ticket.{step}", _ticket_button)
    hooks.choice("ticket.escalate", _escalate_button)
    hooks.choice("ticket.handoff", _handoff_button)
    hooks.choice("ticket.close_handoffs_and_resolve", _close_handoffs_and_resolve)
    hooks.choice("handoff.accept", _handoff_step)
    hooks.choice("handoff.done", _handoff_step)
    hooks.form("ticket.new", _new_ticket_form)
    hooks.form("escalation.request", _escalation_form)
    hooks.form("handoff.open", _handoff_form)
