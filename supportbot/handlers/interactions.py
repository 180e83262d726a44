"""Buttons, menus and forms: the same steps as the commands, from cards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from supportbot.context import TurnContext
from supportbot.desk import Desk
from supportbot.events import ChoiceSubmitted, FormSubmitted
from supportbot.handlers.commands import simple_step
from supportbot.happenings import Turn
from supportbot.intents import OpenForm
from supportbot.tickets.errors import IllegalTransitionError, InvalidValueError
from supportbot.tickets.service import NewTicket

ChoiceHandler = Callable[[Desk, ChoiceSubmitted, str, Turn], Awaitable[None]]
FormHandler = Callable[[Desk, FormSubmitted, str, Turn], Awaitable[None]]


def _number(value: str) -> int:
    try:
        return int(value.lstrip("#"))
    except ValueError as exc:
        raise InvalidValueError(f"{value!r} is not a ticket number") from exc


async def on_choice(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    desk = ctx.desk
    handler = desk.services.get(f"choice.{ev.action}") or _CHOICES.get(ev.action)
    if handler is None:
        raise InvalidValueError(f"unknown action {ev.action!r}")
    await handler(desk, ev, await ctx.person(), ctx.turn)


async def _ticket_button(desk: Desk, ev: ChoiceSubmitted, who: str, turn: Turn) -> None:
    step = ev.action.removeprefix("ticket.")
    desk.apply(turn, await simple_step(desk.tickets, step, _number(ev.value), who, ev.platform))


async def _open_form(desk: Desk, ev: ChoiceSubmitted, who: str, turn: Turn) -> None:
    locale = desk.people.locale_of(who)
    match ev.action:
        case "ticket.escalate":
            form = desk.views.escalation_form(_number(ev.value), locale)
        case "ticket.handoff":
            form = desk.views.handoff_form(_number(ev.value), locale)
        case "escalation.deny":
            form = desk.views.deny_form(int(ev.value), locale)
        case "csat.comment":
            form = desk.views.csat_comment_form(int(ev.value), locale)
        case _:
            raise AssertionError(ev.action)
    if not desk.people.is_staff(who) and ev.action != "csat.comment":
        from supportbot.tickets.errors import NotAllowedError

        raise NotAllowedError("only support staff can do that")
    turn.emit(OpenForm(ev.platform, ev.actor.user_id, ev.trigger_id, form, ev.conversation))


async def _approve(desk: Desk, ev: ChoiceSubmitted, who: str, turn: Turn) -> None:
    desk.apply(
        turn,
        await desk.tickets.decide_escalation(
            escalation_id=int(ev.value), actor=who, approve=True, source=ev.platform
        ),
    )


async def _handoff_button(desk: Desk, ev: ChoiceSubmitted, who: str, turn: Turn) -> None:
    step = (
        desk.tickets.accept_handoff
        if ev.action == "handoff.accept"
        else (desk.tickets.close_handoff)
    )
    desk.apply(turn, await step(handoff_id=int(ev.value), actor=who, source=ev.platform))


_CHOICES: dict[str, ChoiceHandler] = {
    "ticket.claim": _ticket_button,
    "ticket.unclaim": _ticket_button,
    "ticket.resolve": _ticket_button,
    "ticket.resolve_anyway": _ticket_button,
    "ticket.reopen": _ticket_button,
    "ticket.wait": _ticket_button,
    "ticket.escalate": _open_form,
    "ticket.handoff": _open_form,
    "escalation.deny": _open_form,
    "csat.comment": _open_form,
    "escalation.approve": _approve,
    "handoff.accept": _handoff_button,
    "handoff.done": _handoff_button,
}


async def on_form(ctx: TurnContext, ev: FormSubmitted) -> None:
    desk = ctx.desk
    handler = desk.services.get(f"form.{ev.form}") or _FORMS.get(ev.form)
    if handler is None:
        raise InvalidValueError(f"unknown form {ev.form!r}")
    await handler(desk, ev, await ctx.person(), ctx.turn)


async def _new_ticket_form(desk: Desk, ev: FormSubmitted, who: str, turn: Turn) -> None:
    body = ev.values.get("body", "").strip()
    if not body:
        raise InvalidValueError("please say what you need")
    kind = "internal" if desk.people.is_staff(who) else "customer"
    await desk.open_ticket(
        NewTicket(
            requester=who,
            subject=ev.values.get("subject") or body,
            body=body,
            origin_platform=ev.platform,
            # a form from a channel: answer the requester by DM, not in the channel
            origin_channel=ev.conversation.channel_id if ev.conversation.is_direct else "",
            kind=kind,
            priority=ev.values.get("priority") or "P3",
        ),
        turn,
        source=ev.platform,
    )


async def _escalation_form(desk: Desk, ev: FormSubmitted, who: str, turn: Turn) -> None:
    desk.apply(
        turn,
        await desk.tickets.request_escalation(
            ticket_id=_number(ev.context),
            actor=who,
            reason=ev.values.get("reason", ""),
            department=ev.values.get("department") or None,
            source=ev.platform,
        ),
    )


async def _deny_form(desk: Desk, ev: FormSubmitted, who: str, turn: Turn) -> None:
    desk.apply(
        turn,
        await desk.tickets.decide_escalation(
            escalation_id=int(ev.context),
            actor=who,
            approve=False,
            note=ev.values.get("reason", ""),
            source=ev.platform,
        ),
    )


async def _handoff_form(desk: Desk, ev: FormSubmitted, who: str, turn: Turn) -> None:
    department = ev.values.get("department", "")
    if not department:
        raise IllegalTransitionError("choose a department to hand off to")
    desk.apply(
        turn,
        await desk.tickets.open_handoff(
            ticket_id=_number(ev.context),
            department=department,
            note=ev.values.get("note", ""),
            actor=who,
            source=ev.platform,
        ),
    )


_FORMS: dict[str, FormHandler] = {
    "ticket.new": _new_ticket_form,
    "escalation.request": _escalation_form,
    "escalation.deny": _deny_form,
    "handoff.open": _handoff_form,
}
