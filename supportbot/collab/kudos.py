"""Shout-outs: `/support kudos @person reason`, automatic ones from workflows, the leaderboard.

The ticket service records points (no self-kudos, a daily limit per giver); this module posts
the shout-out in the kudos channel and ranks people by the points they received.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo
from sqlalchemy import select

from supportbot import markup
from supportbot.collab import clocks, reach
from supportbot.commands import USAGE, Command
from supportbot.context import TurnContext
from supportbot.errors import NotAllowedError
from supportbot.happenings import Happening, Turn
from supportbot.intents import PostMessage
from supportbot.messages import Message
from supportbot.plugins import Hooks
from supportbot.store.models import KudosAward, Person
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext
from supportbot.workflows.refs import References, TemplateName, known

if TYPE_CHECKING:
    from supportbot.commands import Command
    from supportbot.desk import Desk

log = logging.getLogger(__name__)
PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30)}
_PLATFORM_MENTION = re.compile(r"<@([A-Za-z0-9_.:-]+)(?:\|[^>]*)?>")  # Slack's and Teams' form
TOP = 10


def _receiver(value: str, info: ValidationInfo) -> str:
    if value not in ("assignee", "actor") and isinstance(info.context, References):
        known("person", value, info.context.people)
    return value


class Shoutout(BaseModel):
    """Give points to the assignee, the actor or a person, and post a shout-out in the kudos
    channel (once per ticket and workflow).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: Annotated[str, AfterValidator(_receiver)] = Field(
        default="assignee",
        description="assignee, actor (who caused the happening, e.g. closed the hand-off) "
        "or a person id",
    )
    points: int = Field(default=1, ge=1, le=100)
    template: TemplateName
    within_sla: bool = Field(
        default=False, description="only when the ticket was resolved inside its SLA target"
    )


# -- the workflow action -------------------------------------------------------------------------
async def shoutout(ctx: ActionContext, p: Shoutout) -> None:
    desk = ctx.desk
    ticket = await ctx.ticket() if ctx.happening.ticket_id is not None else None
    receiver = _who(p.to, ticket, ctx.happening.actor)
    if receiver is None or not desk.people.is_staff(receiver):
        log.info("%s: nobody on the staff to give a shout-out to", ctx.workflow)
        return
    if p.within_sla and (ticket is None or not await _met(desk, ticket)):
        return
    if ticket is not None and await _already(desk, ticket.number, ctx.source, receiver):
        return  # one automatic shout-out per ticket and workflow (a replaced 5 stays one)
    values = {**ctx.values(ticket), "receiver": markup.mention(receiver), "points": p.points}
    text = ctx.templates.render(p.template, desk.config.locale, **values)
    given = await desk.tickets.give_kudos(
        giver=None,
        receiver=receiver,
        reason=named(desk, text),
        source=ctx.source,
        points=p.points,
        ticket_id=ticket.number if ticket else None,
    )
    _post(desk, text, ticket.origin_platform if ticket else None, ctx.turn)
    h = given.happening
    ctx.turn.happened(
        Happening(h.trigger, h.ticket_id, h.actor, h.data, h.source, ctx.happening.depth + 1)
    )


def _who(to: str, ticket: TicketView | None, actor: str | None) -> str | None:
    if to == "assignee":
        return ticket.assignee.handle if ticket and ticket.assignee else None
    if to == "actor":
        return actor
    return to


async def _met(desk: Desk, ticket: TicketView) -> bool:
    rows = await reach.ticket_events(desk, ticket.number, clocks.PAUSE_KINDS)
    return bool(
        clocks.resolved_within(ticket, desk.config, clocks.pauses((r.kind, r.at) for r in rows))
    )


async def _already(desk: Desk, ticket_id: int, source: str, receiver: str) -> bool:
    async with desk.db.reads() as s:
        found = await s.scalar(
            select(KudosAward.id)
            .join(Person, Person.id == KudosAward.receiver_id)
            .where(
                KudosAward.ticket_id == ticket_id,
                KudosAward.source == source,
                Person.handle == receiver,
            )
            .limit(1)
        )
    return found is not None


def _post(desk: Desk, text: str, preferred: str | None, turn: Turn) -> None:
    where = reach.channel(desk, desk.config.kudos_channel, preferred)
    if where is not None:
        turn.emit(PostMessage(where, Message(text=text, kind="shoutout", accent="kudos")))


# -- `/support kudos @person reason` -------------------------------------------------------------
async def on_kudos(ctx: TurnContext, cmd: Command) -> None:
    desk, turn, ev, who = ctx.desk, ctx.turn, ctx.event, await ctx.person()
    locale = desk.people.locale_of(who)
    if not desk.people.is_staff(who):
        desk.tell(turn, ev, reach.note(desk, "collab.kudos.staff_only", locale, kind="error"))
        return
    token = cmd.person or ""
    receiver = token if desk.config.person(token) else desk.people.handle_for(ev.platform, token)
    reason = _reason(desk, ev.platform, cmd.text)
    try:
        given = await desk.tickets.give_kudos(
            giver=who,
            receiver=receiver,
            reason=named(desk, reason),
            source=ev.platform,
            day_start=_today(desk),
        )
    except NotAllowedError as refused:
        name = "collab.kudos.limit" if "limit" in refused.values else "collab.kudos.self"
        desk.tell(
            turn,
            ev,
            reach.note(desk, name, locale, kind="error", limit=refused.values.get("limit")),
        )
        return
    text = reach.render(
        desk,
        "collab.kudos.shoutout",
        giver=markup.mention(who),
        receiver=markup.mention(receiver),
        reason=reason,
        points=given.happening.data.get("points"),
    )
    _post(desk, text, ev.platform, turn)
    await desk.run_happening(given.happening, turn)
    desk.tell(
        turn,
        ev,
        reach.note(desk, "collab.kudos.sent", locale, name=desk.people.display_name(receiver)),
    )


def _reason(desk: Desk, platform: str, text: str) -> markup.Safe:
    """What the giver wrote, as markup: a platform mention in it (`<@U0…>`, `<@29:…>`) becomes
    a mention of that person, the rest shows literally."""
    parts, start = [], 0
    for found in _PLATFORM_MENTION.finditer(text):
        parts += [markup.escape(text[start : found.start()]),
                  markup.mention(desk.people.handle_for(platform, found.group(1)))]  # fmt: skip
        start = found.end()
    return markup.Safe("".join([*parts, markup.escape(text[start:])]))


def named(desk: Desk, source: str) -> str:
    """Markup as plain text with people by name: what the leaderboard keeps as the reason (a
    stored `@aiko` or `<@29:…>` would show an internal id on every platform)."""
    return "".join(_named_span(desk, span) for span in markup.parse(source))


def _named_span(desk: Desk, span: markup.Span) -> str:
    match span:
        case markup.Mention("person", ref):
            return desk.people.display_name(ref)
        case markup.Mention(_, ref):
            return ref
        case markup.Link(label, url):
            return f"{label} ({url})"
        case markup.Plain(text) | markup.Bold(text) | markup.Code(text):
            return text
    return ""


def _today(desk: Desk) -> datetime:
    """Midnight in the desk's time zone: the daily limit follows the team's day."""
    zone = desk.config.business_hours.zone
    local = desk.clock.now().astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)


# -- `/support leaderboard [week|month]` ----------------------------------------------------------
async def on_leaderboard(ctx: TurnContext, cmd: Command) -> None:
    desk, turn, ev, who = ctx.desk, ctx.turn, ctx.event, await ctx.person()
    locale = desk.people.locale_of(who)
    period = cmd.option or "week"
    ranking = await leaderboard(desk, desk.clock.now() - PERIODS[period])
    title = reach.render(desk, f"collab.leaderboard.title.{period}", locale)
    if not ranking:
        desk.tell(
            turn,
            ev,
            Message(
                title=title,
                text=reach.render(desk, "collab.leaderboard.empty", locale),
                kind="leaderboard",
            ),
        )
        return
    lines = [
        reach.render(
            desk,
            "collab.leaderboard.line",
            locale,
            rank=i,
            name=name,
            points=points,
            count=len(reasons),
            reasons="; ".join(reasons[:3]),
        )
        for i, (name, points, reasons) in enumerate(ranking, start=1)
    ]
    desk.tell(turn, ev, Message(title=title, text="\n".join(lines), kind="leaderboard"))


async def leaderboard(desk: Desk, since: datetime) -> list[tuple[str, int, list[str]]]:
    """(name, points, reasons newest first) for everyone who received points since `since`."""
    async with desk.db.reads() as s:
        rows = (
            await s.execute(
                select(Person.name, KudosAward.points, KudosAward.reason)
                .join(Person, Person.id == KudosAward.receiver_id)
                .where(KudosAward.at >= since)
                .order_by(KudosAward.at.desc(), KudosAward.id.desc())
            )
        ).all()
        table: dict[str, tuple[int, list[str]]] = {}
        for name, points, reason in rows:
            total, reasons = table.get(name, (0, []))
            table[name] = (total + points, [*reasons, reason])
    ranked = sorted(table.items(), key=lambda item: (-item[1][0], item[0]))
    return [(name, points, reasons) for name, (points, reasons) in ranked[:TOP]]


def register(hooks: Hooks) -> None:
    hooks.command("kudos", on_kudos, usage=USAGE["kudos"], takes_ticket=False)
    hooks.command(
        "leaderboard", on_leaderboard, usage="leaderboard [week|month]", takes_ticket=False
    )
