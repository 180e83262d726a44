"""Self-service: up to 3 public articles shown to the requester, in their language and their
own conversation, with *This solved it* and *I still need a person*.

- Nothing scores above `knowledge.threshold`: nothing is posted (a wrong article is worse than
  none); the question is remembered as a search without a good result (`kb.unanswered`).
- *This solved it*: the ticket is resolved as self-served (`resolve_self_served`, audited).
- *I still need a person*: the ticket goes on; the card says the articles were declined and asks
  why (not related / related but did not answer: `kb.feedback`).
- Neither, no reply from the requester and no reopen within `knowledge.assume_solved_after`:
  counted as assumed solved (`kb.assumed`, by a timer).

Every state lives in the ticket's audit rows; the card is re-rendered from them (link kind
`kb_self`) whenever the ticket changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict, Field

from supportbot import markup
from supportbot.context import TurnContext
from supportbot.errors import InvalidValueError, NotAllowedError
from supportbot.events import ChoiceSubmitted
from supportbot.happenings import Turn
from supportbot.intents import LinkKind, PostToTicket, Purpose
from supportbot.knowledge.article import Article, as_locale
from supportbot.knowledge.prose import summary, to_markup
from supportbot.knowledge.running import Running, question_of, ticket_number
from supportbot.messages import Button, Message, Style
from supportbot.messages import Field as CardField
from supportbot.scheduler import DueTimer
from supportbot.store.models import TicketEvent, TicketThread
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext

if TYPE_CHECKING:
    from supportbot.desk import Desk

LINK = cast(LinkKind, "kb_self")
SOLVED, DECLINED, REASON = "kb.solved", "kb.declined", "kb.reason"
ASSUME = "kb.assume"
REASONS = ("not_related", "not_answered")
KINDS = ("kb.suggested", "kb.declined", "kb.feedback", "kb.assumed", "resolved", "reopened")


class SuggestArticles(BaseModel):
    """Show the requester up to `limit` public help-center articles that answer their question,
    in their language, with *This solved it* / *I still need a person*; posts nothing when no
    article scores above `knowledge.threshold`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: int = Field(default=3, ge=1, le=3, description="articles shown at most")
    internal: bool = Field(default=False, description="suggest on internal requests too")


# -- the action ------------------------------------------------------------------------------
async def suggest_articles(running: Running, ctx: ActionContext, p: SuggestArticles) -> None:
    desk = ctx.desk
    ticket = await ctx.ticket()
    if ticket.kind == "internal" and not p.internal:
        return
    kb = await running.base()
    question = question_of(ticket.subject, ticket.body)
    locale = as_locale(ticket.locale)
    hits = kb.suggest(question, locale=locale, audience="public", limit=p.limit)
    if not hits:
        await desk.tickets.record_event(
            ticket_id=ticket.number,
            kind="kb.unanswered",
            data={"query": question[:500], "locale": locale, "where": "self_service"},
            source=ctx.source,
        )
        return
    shown = [
        {"id": h.article.id, "locale": h.article.locale, "score": round(h.score, 3)} for h in hits
    ]
    await desk.tickets.record_event(
        ticket_id=ticket.number,
        kind="kb.suggested",
        data={"articles": shown, "locale": locale},
        source=ctx.source,
    )
    articles = tuple(h.article for h in hits)
    message = card(desk, ticket, articles, {"state": "shown"})
    ctx.emit(
        PostToTicket(ticket.number, message, "requester", purpose=Purpose(ticket.number, LINK))
    )
    await desk.timers.schedule(
        kind=ASSUME,
        due_at=desk.clock.now() + desk.config.knowledge.assume_solved_after,
        payload={},
        key=f"kb:{ticket.number}:assume",
        ticket_id=ticket.number,
    )


# -- the card --------------------------------------------------------------------------------
def card(
    desk: Desk, ticket: TicketView, articles: tuple[Article, ...], state: dict[str, Any]
) -> Message:
    loc = ticket.locale
    t = desk.templates.render
    fields = tuple(
        CardField(markup.escape(a.title), markup.escape(summary(a.body))) for a in articles[1:]
    )
    best = articles[0] if articles else None
    text = t("knowledge.self.intro", loc, count=len(articles))
    if best is not None:
        text = markup.Safe(f"{text}\n\n{markup.bold(best.title)}\n{to_markup(best.body)}")
    context = (t("knowledge.article.context", loc),)
    number = str(ticket.number)
    match state["state"]:
        case "solved":
            return Message(
                text=t("knowledge.self.solved", loc, number=ticket.number),
                title=t("knowledge.self.title", loc),
                accent="resolved",
                kind="kb_self_service",
            )
        case "declined":
            reason = state.get("reason")
            buttons: tuple[Button, ...] = ()
            if reason is None:
                buttons = tuple(
                    Button(REASON, t(f"knowledge.self.reason.{r}", loc), f"{number}:{r}")
                    for r in REASONS
                )
                note = t("knowledge.self.declined", loc)
            else:
                note = t("knowledge.self.thanks", loc)
            return Message(
                text=note,
                title=t("knowledge.self.title", loc),
                buttons=buttons,
                kind="kb_self_service",
            )
    buttons = ()
    if ticket.is_open:
        buttons = (
            Button(SOLVED, t("knowledge.self.button.solved", loc), number, Style.PRIMARY),
            Button(DECLINED, t("knowledge.self.button.person", loc), number),
        )
    return Message(
        text=text,
        title=t("knowledge.self.title", loc),
        fields=fields,
        buttons=buttons,
        context=context,
        kind="kb_self_service",
    )


def read_state(rows: list[TicketEvent]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(the articles shown, the card's state) from the ticket's audit rows."""
    shown: list[dict[str, Any]] = []
    state: dict[str, Any] = {"state": "shown"}
    for row in rows:
        data = row.data or {}
        if row.kind == "kb.suggested":
            shown = list(data.get("articles", []))
        elif row.kind == "kb.declined" and shown:
            state = {"state": "declined"}
        elif row.kind == "kb.feedback" and state["state"] == "declined":
            state = {"state": "declined", "reason": data.get("reason")}
        elif row.kind == "resolved" and data.get("self_served"):
            state = {"state": "solved"}
    return shown, state


async def articles_of(running: Running, shown: list[dict[str, Any]]) -> tuple[Article, ...]:
    kb = await running.base()
    found = (kb.article(str(a.get("id")), as_locale(str(a.get("locale")))) for a in shown)
    return tuple(a for a in found if a is not None and a.public and not a.draft)


async def render_link(
    running: Running, desk: Desk, link: TicketThread, ticket: TicketView
) -> Message | None:
    shown, state = read_state(await desk.tickets.history(ticket.number, KINDS))
    if not shown:
        return None
    return card(desk, ticket, await articles_of(running, shown), state)


# -- the buttons -----------------------------------------------------------------------------
async def _suggested(desk: Desk, ticket: TicketView, who: str) -> tuple[list[Any], dict[str, Any]]:
    if who != ticket.requester.handle:
        raise NotAllowedError(
            "only the person who asked can answer this", "knowledge.error.not_requester"
        )
    shown, state = read_state(await desk.tickets.history(ticket.number, KINDS))
    if not shown:
        raise InvalidValueError(
            f"no articles were suggested on #{ticket.number}",
            "knowledge.error.nothing_suggested",
            number=ticket.number,
        )
    return shown, state


async def on_solved(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    desk, who = ctx.desk, await ctx.person()
    ticket = await ctx.ticket(ticket_number(ev.value))
    shown, state = await _suggested(desk, ticket, who)
    if state["state"] != "shown" or not ticket.is_open:
        ctx.turn.touch(ticket.number)  # a second click: the card shows where it is
        return
    articles = [str(a.get("id")) for a in shown]
    ctx.apply(
        await desk.tickets.resolve_self_served(
            ticket_id=ticket.number, actor=who, articles=articles, source=ev.platform
        )
    )


async def on_declined(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    desk, who = ctx.desk, await ctx.person()
    ticket = await ctx.ticket(ticket_number(ev.value))
    shown, state = await _suggested(desk, ticket, who)
    if state["state"] != "shown":
        ctx.turn.touch(ticket.number)
        return
    await desk.tickets.record_event(
        ticket_id=ticket.number,
        kind="kb.declined",
        data={"articles": [str(a.get("id")) for a in shown]},
        source=ev.platform,
        actor=who,
    )
    ctx.turn.touch(ticket.number)
    note = desk.views.note("knowledge.self.declined_internal", desk.config.locale)
    ctx.emit(PostToTicket(ticket.number, note, "internal"))


async def on_reason(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    desk, who = ctx.desk, await ctx.person()
    number_text, _, reason = ev.value.partition(":")
    if reason not in REASONS:
        raise InvalidValueError(f"{reason!r} is not a reason", "knowledge.error.bad_reason")
    ticket = await ctx.ticket(ticket_number(number_text))
    shown, state = await _suggested(desk, ticket, who)
    if state["state"] != "declined" or state.get("reason") is not None:
        ctx.turn.touch(ticket.number)
        return
    await desk.tickets.record_event(
        ticket_id=ticket.number,
        kind="kb.feedback",
        data={"reason": reason, "articles": [str(a.get("id")) for a in shown]},
        source=ev.platform,
        actor=who,
    )
    ctx.turn.touch(ticket.number)


async def on_assume(running: Running, desk: Desk, timer: DueTimer, turn: Turn) -> None:
    """The window passed: no button, no word from the requester, no reopen → assumed solved."""
    if timer.ticket_id is None:
        return
    rows = await desk.tickets.history(timer.ticket_id, (*KINDS, "message"))
    shown, state = read_state(rows)
    suggested = next((r for r in rows if r.kind == "kb.suggested"), None)
    if not shown or suggested is None or state["state"] != "shown":
        return
    if any(r.kind in ("message", "reopened", "kb.assumed") and r.at >= suggested.at for r in rows):
        return
    await desk.tickets.record_event(
        ticket_id=timer.ticket_id,
        kind="kb.assumed",
        data={"articles": [str(a.get("id")) for a in shown]},
        source="timer",
    )
