"""CSAT polls: asked in the requester's own conversation a while after resolution.

At most one poll per ticket (the table's unique key); a second answer replaces the first; no
poll for a requester asked within the cool-down, nor for tickets the sample leaves out. The
poll message is re-rendered in place as it is answered, commented on, or expires.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from supportbot.collab import reach
from supportbot.context import TurnContext
from supportbot.durations import Duration
from supportbot.errors import IllegalTransitionError, InvalidValueError
from supportbot.events import ChoiceSubmitted, FormSubmitted
from supportbot.handlers.interactions import open_form
from supportbot.happenings import Turn
from supportbot.intents import PostToTicket, Purpose
from supportbot.messages import Button, Choice, Message, Option, Style
from supportbot.plugins import Hooks
from supportbot.scheduler import DueTimer
from supportbot.store.models import CsatPoll, TicketThread
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext
from supportbot.workflows.refs import TemplateName

if TYPE_CHECKING:
    from supportbot.desk import Desk

SEND = "collab.csat.send"
EXPIRE = "collab.csat.expire"
FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
SCALES = {5: (1, 2, 3, 4, 5), 3: (1, 3, 5)}


class CsatPollParams(BaseModel):
    """After `delay`, ask the requester how satisfied they are (1–5) in their own conversation; one
    poll per ticket, sampling and cool-down from the config.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scale: Literal[3, 5] = Field(default=5, description="5 faces (1–5) or 3 (scored 1, 3, 5)")
    comment_below: int | None = Field(
        default=None, ge=1, le=5, description="ask for a comment below this score (config)"
    )
    expires: Duration | None = Field(default=None, description="default: config csat.expires")
    delay: Duration | None = Field(default=None, description="default: config csat.delay")
    internal: bool = Field(default=False, description="poll internal requests too")


class OfferReopen(BaseModel):
    """Post in the ticket's thread, mentioning the team's leads, with a button to reopen the
    ticket.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    template: TemplateName = "collab.csat.offer_reopen"


# -- actions -------------------------------------------------------------------------------------
async def csat_poll(ctx: ActionContext, p: CsatPollParams) -> None:
    desk = ctx.desk
    ticket = await ctx.ticket()
    if ticket.kind == "internal" and not p.internal:
        return
    csat = desk.config.csat
    payload = {
        "scale": p.scale,
        "comment_below": p.comment_below or csat.comment_below,
        "expires": (p.expires or csat.expires).total_seconds(),
    }
    delay = csat.delay if p.delay is None else p.delay
    if delay <= timedelta(0):
        await send(desk, ticket.number, payload, ctx.turn)
        return
    await desk.timers.schedule(
        kind=SEND,
        due_at=desk.clock.now() + delay,
        payload=payload,
        key=f"csat:{ticket.number}:send",
        ticket_id=ticket.number,
    )


async def offer_reopen(ctx: ActionContext, p: OfferReopen) -> None:
    """After a low score: offer the team a Reopen button in the ticket's thread."""
    desk = ctx.desk
    ticket = await ctx.ticket()
    leads = reach.mentions(desk.people.leads_of(ticket.team))
    text = ctx.templates.render(p.template, desk.config.locale, **ctx.values(ticket), leads=leads)
    label = reach.render(desk, "collab.csat.button.reopen")
    button = Button("ticket.reopen", label, str(ticket.number), Style.PRIMARY)
    message = Message(text=text, buttons=(button,) if not ticket.is_open else (), kind="csat.low")
    ctx.emit(PostToTicket(ticket.number, message, "internal"))


# -- sending and expiring --------------------------------------------------------------------------
async def on_send(desk: Desk, timer: DueTimer, turn: Turn) -> None:
    if timer.ticket_id is not None:
        await send(desk, timer.ticket_id, timer.payload, turn)


async def send(desk: Desk, ticket_id: int, options: dict[str, Any], turn: Turn) -> None:
    ticket = await desk.tickets.get(ticket_id)
    reason = await _why_not(desk, ticket)
    if reason is not None:
        await desk.tickets.record_event(
            ticket_id=ticket_id, kind="csat.skipped", data={"reason": reason}, source="timer"
        )
        return
    expires_at = desk.clock.now() + timedelta(seconds=float(options["expires"]))
    try:
        change = await desk.tickets.open_csat_poll(
            ticket_id=ticket_id, expires_at=expires_at, source="timer"
        )
    except IllegalTransitionError:
        return  # polled already: one poll per ticket
    poll_id = change.ref_id
    assert poll_id is not None
    shown = {
        "poll_id": poll_id,
        "scale": options["scale"],
        "comment_below": options["comment_below"],
    }
    await desk.tickets.record_event(
        ticket_id=ticket_id, kind="csat.options", data=shown, source="timer"
    )
    ticket = desk.apply(turn, change)
    message = poll_message(desk, ticket, await desk.tickets.csat_poll(poll_id), shown)
    turn.emit(
        PostToTicket(ticket_id, message, "requester", purpose=Purpose(ticket_id, "csat", poll_id))
    )
    await desk.timers.schedule(
        kind=EXPIRE,
        due_at=expires_at,
        payload={"poll_id": poll_id},
        key=f"csat:{poll_id}:expire",
        ticket_id=ticket_id,
    )


async def _why_not(desk: Desk, ticket: TicketView) -> str | None:
    if ticket.is_open:
        return "reopened"
    last = await desk.tickets.last_polled(ticket.requester.handle)
    if last is not None and desk.clock.now() - last < desk.config.csat.cooldown:
        return "cooldown"
    if not sampled(ticket.number, desk.config.csat.sample_rate):
        return "sampled_out"
    return None


def sampled(ticket_id: int, rate: float) -> bool:
    """A stable draw per ticket, so a retried timer makes the same choice."""
    if rate >= 1:
        return True
    digest = hashlib.sha256(f"csat:{ticket_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < rate


async def on_expire(desk: Desk, timer: DueTimer, turn: Turn) -> None:
    expired = await desk.tickets.expire_csat(poll_id=int(timer.payload["poll_id"]), source="timer")
    if expired and timer.ticket_id is not None:
        turn.touch(timer.ticket_id)  # re-render the poll as closed


# -- the poll ------------------------------------------------------------------------------------
def poll_message(desk: Desk, ticket: TicketView, poll: CsatPoll, shown: dict[str, Any]) -> Message:
    loc = ticket.locale
    r = reach.render
    scale = SCALES.get(int(shown.get("scale", 5)), SCALES[5])
    comment_below = int(shown.get("comment_below") or desk.config.csat.comment_below)
    choice = Choice(
        "csat.score",
        r(desk, "collab.csat.choose", loc),
        tuple(Option(f"{FACES[n]} {n}", str(n)) for n in scale),
        context=str(poll.id),
    )
    until = reach.local_time(desk, poll.expires_at)
    if poll.status == "expired" or (poll.status == "sent" and desk.clock.now() >= poll.expires_at):
        return Message(text=r(desk, "collab.csat.closed", loc), kind="csat_poll")
    if poll.status == "answered" and poll.score is not None:
        buttons: tuple[Button, ...] = ()
        if poll.score < comment_below and not poll.comment:
            buttons = (
                Button("csat.comment", r(desk, "collab.csat.button.comment", loc), str(poll.id)),
            )
        text = r(desk, "collab.csat.thanks", loc, score=poll.score, comment=poll.comment or "")
        return Message(
            text=text,
            choices=(choice,),
            buttons=buttons,
            context=(r(desk, "collab.csat.until", loc, until=until),),
            kind="csat_poll",
        )
    text = r(
        desk,
        "collab.csat.question",
        loc,
        name=ticket.requester.name,
        number=ticket.number,
        subject=ticket.subject,
    )
    return Message(
        text=text,
        choices=(choice,),
        context=(r(desk, "collab.csat.until", loc, until=until),),
        kind="csat_poll",
    )


async def render_link(desk: Desk, link: TicketThread, ticket: TicketView) -> Message | None:
    if link.ref_id is None:
        return None
    poll = await desk.tickets.csat_poll(link.ref_id)
    rows = await reach.ticket_events(desk, ticket.number, ["csat.options"])
    shown = next((r.data for r in rows if r.data.get("poll_id") == poll.id), {})
    return poll_message(desk, ticket, poll, shown)


# -- answers -------------------------------------------------------------------------------------
async def on_score(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    desk, turn, who = ctx.desk, ctx.turn, await ctx.person()
    poll = await desk.tickets.csat_poll(await _poll_id(desk, ev))
    try:
        score = int(ev.value)
    except ValueError as exc:
        raise InvalidValueError(
            f"{ev.value!r} is not a score", "error.csat.not_a_score", value=ev.value
        ) from exc
    await _answer(desk, ev, who, turn, poll, score, None)


async def on_comment(ctx: TurnContext, ev: FormSubmitted) -> None:
    desk, turn, who = ctx.desk, ctx.turn, await ctx.person()
    poll = await desk.tickets.csat_poll(int(ev.context))
    comment = ev.values.get("comment", "").strip()
    if poll.score is None or not comment:
        locale = desk.people.locale_of(who)
        desk.tell(turn, ev, reach.note(desk, "collab.csat.score_first", locale, kind="error"))
        return
    await _answer(desk, ev, who, turn, poll, poll.score, comment)


async def _answer(
    desk: Desk,
    ev: ChoiceSubmitted | FormSubmitted,
    who: str,
    turn: Turn,
    poll: CsatPoll,
    score: int,
    comment: str | None,
) -> None:
    ticket = await desk.tickets.get(poll.ticket_id)
    if who != ticket.requester.handle:
        desk.tell(
            turn,
            ev,
            reach.note(desk, "collab.csat.not_yours", desk.people.locale_of(who), kind="error"),
        )
        return
    try:
        change = await desk.tickets.record_csat(
            poll_id=poll.id, actor=who, score=score, comment=comment, source=ev.platform
        )
    except IllegalTransitionError:
        desk.tell(turn, ev, reach.note(desk, "collab.csat.closed", ticket.locale, kind="error"))
        turn.touch(ticket.number)
        return
    desk.apply(turn, change)
    if desk.metrics is not None and comment is None:
        desk.metrics.observe_csat(score, team=ticket.team)


async def _poll_id(desk: Desk, ev: ChoiceSubmitted) -> int:
    context = ev.values.get("context", "")
    if context.isdigit():
        return int(context)
    if ev.message is not None:  # a platform that does not carry the choice's context back
        async with desk.db.reads() as s:
            ref_id = await s.scalar(
                select(TicketThread.ref_id).where(
                    TicketThread.platform == ev.message.platform,
                    TicketThread.channel_id == ev.message.channel_id,
                    TicketThread.message_id == ev.message.message_id,
                    TicketThread.kind == "csat",
                )
            )
        if ref_id is not None:
            return int(ref_id)
    raise InvalidValueError("this answer does not belong to a survey", "error.csat.unknown_poll")


async def on_comment_button(ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    """*Add a comment*: the requester's form (not staff only)."""
    form = ctx.desk.views.csat_comment_form(int(ev.value), await ctx.locale())
    await open_form(ctx, ev, form, staff=False)


def register(hooks: Hooks) -> None:
    hooks.timer(SEND, on_send)
    hooks.timer(EXPIRE, on_expire)
    hooks.link("csat", render_link)
    hooks.choice("csat.score", on_score)
    hooks.choice("csat.comment", on_comment_button)
    hooks.form("csat.comment", on_comment)
