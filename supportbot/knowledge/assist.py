"""Suggested replies a person approves, in the ticket's internal thread (agents only).

`suggest_replies` (a workflow action) settles once where the ticket's turn ends (after triage
and routing), and posts, delivered from the outbox after the commit: the best matching articles
(public and internal; internal ones marked, never sendable), the 3 most similar resolved tickets
with how each was answered, and a drafted reply with *Send* / *Edit* / *Dismiss*.

Nothing reaches the customer without an agent's click. *Send* (a draft, or an article) is
recorded as that agent's reply (`record_reply`: audited, stops the first-response clock);
each draft's outcome is an audit row `kb.draft` {outcome: sent | edited | dismissed}.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict

from supportbot import markup
from supportbot.context import TurnContext
from supportbot.errors import InvalidValueError, NotAllowedError
from supportbot.events import ChoiceSubmitted, FormSubmitted
from supportbot.handlers.interactions import open_form
from supportbot.happenings import Turn
from supportbot.intents import LinkKind, PostToTicket, Purpose
from supportbot.knowledge import ai, views
from supportbot.knowledge.article import Article, Locale, as_locale
from supportbot.knowledge.base import KnowledgeBase
from supportbot.knowledge.drafter import Draft, draft_reply
from supportbot.knowledge.running import Running, question_of, ticket_number
from supportbot.messages import Button, Form, Message, Style, TextInput
from supportbot.store.models import TicketThread
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext

if TYPE_CHECKING:
    from supportbot.desk import Desk

LINK = cast(LinkKind, "kb_draft")
DRAFT_SEND, DRAFT_EDIT, DRAFT_DISMISS, DRAFT_FORM = (
    "kb.draft.send",
    "kb.draft.edit",
    "kb.draft.dismiss",
    "kb.draft",
)
DRAFT_KINDS = ("kb.drafted", "kb.draft")


class SuggestReplies(BaseModel):
    """Post, for agents only, in the ticket's internal thread: the best matching articles
    (public and internal), the 3 most similar resolved tickets and how they were answered, and a
    drafted reply with *Send* / *Edit* / *Dismiss*. Nothing reaches the customer without a click.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


async def suggest_replies(running: Running, ctx: ActionContext, p: SuggestReplies) -> None:
    desk, turn, number = ctx.desk, ctx.turn, ctx.ticket_id

    async def work() -> None:
        await assist(running, desk, number, turn)

    # once, where the turn ends: the ticket as triage and routing left it
    ctx.settle(("kb.assist", number), work, action="suggest_replies")


async def assist(running: Running, desk: Desk, number: int, turn: Turn) -> None:
    ticket = await desk.tickets.get(number)
    if not ticket.is_open:
        return
    kb = await running.base()
    question = question_of(ticket.subject, ticket.body)
    loc = desk.config.locale
    hits = kb.suggest(question, locale=None, audience=None, limit=3)
    similar = (await running.similar_tickets(desk)).similar(question, exclude=ticket.number)
    if hits:
        message = views.suggestions(desk.templates, hits, number=ticket.number, locale=loc)
        turn.emit(PostToTicket(ticket.number, message, "internal"))
    if similar:
        message = views.precedents(desk.templates, similar, locale=loc)
        turn.emit(PostToTicket(ticket.number, message, "internal"))
    locale = as_locale(ticket.locale)
    if ai.settings_of(desk) is not None:
        sources = public_sources(kb, question, locale)
        if sources:  # no confident source: the model is never asked
            ai.request_draft(desk, turn, ticket.number, question, locale, sources)
        return
    assert running.drafter is not None
    draft = await draft_reply(kb, running.drafter, question=question, locale=locale)
    if draft is not None:
        await post_draft(desk, turn, ticket, draft)


def public_sources(kb: KnowledgeBase, question: str, locale: Locale) -> tuple[Article, ...]:
    """What a draft may stand on: confident public articles, in the requester's language."""
    hits = kb.suggest(question, locale=None, audience="public", limit=3)
    return tuple(dict.fromkeys(kb.in_locale(h.article, locale) for h in hits))


async def post_draft(desk: Desk, turn: Turn, ticket: TicketView, draft: Draft) -> None:
    data = {
        "text": draft.text,
        "sources": [{"id": a.id, "locale": a.locale} for a in draft.sources],
        "drafter": draft.drafter,
    }
    await desk.tickets.record_event(
        ticket_id=ticket.number, kind="kb.drafted", data=data, source="workflow"
    )
    message = draft_card(desk, ticket, draft, None)
    turn.emit(
        PostToTicket(ticket.number, message, "internal", purpose=Purpose(ticket.number, LINK))
    )


def draft_card(
    desk: Desk, ticket: TicketView, draft: Draft, outcome: dict[str, Any] | None
) -> Message:
    loc = desk.config.locale
    base = views.draft_message(desk.templates, draft, number=ticket.number, locale=loc)
    t = desk.templates.render
    if outcome is not None:
        who = desk.people.display_name(str(outcome.get("by", "")))
        line = t(f"knowledge.draft.{outcome.get('outcome')}", loc, name=who)
        return Message(
            text=base.text, title=base.title, context=(*base.context[:1], line), kind=base.kind
        )
    if not ticket.is_open:
        return base
    n = str(ticket.number)
    buttons = (
        Button(DRAFT_SEND, t("knowledge.draft.button.send", loc), n, Style.PRIMARY),
        Button(DRAFT_EDIT, t("knowledge.draft.button.edit", loc), n),
        Button(DRAFT_DISMISS, t("knowledge.draft.button.dismiss", loc), n),
    )
    return Message(
        text=base.text,
        title=base.title,
        context=base.context,
        buttons=buttons,
        accent=base.accent,
        kind=base.kind,
    )


async def _draft_state(
    running: Running, desk: Desk, number: int
) -> tuple[Draft | None, dict[str, Any] | None]:
    rows = await desk.tickets.history(number, DRAFT_KINDS)
    drafted = next((r for r in reversed(rows) if r.kind == "kb.drafted"), None)
    if drafted is None:
        return None, None
    data = drafted.data or {}
    kb = await running.base()
    found = (
        kb.article(str(s.get("id")), as_locale(str(s.get("locale"))))
        for s in data.get("sources", [])
    )
    draft = Draft(
        markup.Safe(str(data.get("text", ""))),
        tuple(a for a in found if a is not None),
        str(data.get("drafter", "article")),
    )
    outcome = next((r.data for r in rows if r.kind == "kb.draft" and r.at >= drafted.at), None)
    return draft, outcome


async def render_link(
    running: Running, desk: Desk, link: TicketThread, ticket: TicketView
) -> Message | None:
    draft, outcome = await _draft_state(running, desk, ticket.number)
    return None if draft is None else draft_card(desk, ticket, draft, outcome)


# -- the agent's clicks ----------------------------------------------------------------------
async def _staff(ctx: TurnContext) -> str:
    who = await ctx.person()
    if not ctx.desk.people.is_staff(who):
        raise NotAllowedError("only support staff can do that", "knowledge.error.staff_only")
    return who


async def _pending(running: Running, ctx: TurnContext, value: str) -> tuple[str, int, Draft] | None:
    who = await _staff(ctx)
    number = ticket_number(value)
    draft, outcome = await _draft_state(running, ctx.desk, number)
    if draft is None:
        raise InvalidValueError(
            f"#{number} has no drafted reply", "knowledge.error.no_draft", number=number
        )
    if outcome is not None:
        ctx.turn.touch(number)  # decided already: the card shows by whom
        return None
    return who, number, draft


async def send_reply(
    ctx: TurnContext, number: int, text: str, message: Message, who: str
) -> TicketView:
    """`message` to the requester, recorded as `who`'s reply (first response, audit)."""
    desk = ctx.desk
    ticket = ctx.apply(
        await desk.tickets.record_reply(ticket_id=number, text=text, actor=who, source=ctx.platform)
    )
    ctx.emit(PostToTicket(ticket.number, message, audience="requester"))
    note = desk.views.note("relay.reply_sent", name=desk.people.display_name(who), text=text)
    ctx.emit(PostToTicket(ticket.number, note, audience="internal"))
    return ticket


async def _outcome(ctx: TurnContext, number: int, outcome: str, who: str, draft: Draft) -> None:
    await ctx.desk.tickets.record_event(
        ticket_id=number,
        kind="kb.draft",
        data={"outcome": outcome, "by": who, "drafter": draft.drafter},
        source=ctx.platform,
        actor=who,
    )
    ctx.turn.touch(number)


async def on_draft_send(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    pending = await _pending(running, ctx, ev.value)
    if pending is None:
        return
    who, number, draft = pending
    reply = Message(text=draft.text, kind="reply")
    await send_reply(ctx, number, markup.to_plain(draft.text), reply, who)
    await _outcome(ctx, number, "sent", who, draft)


async def on_draft_edit(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    pending = await _pending(running, ctx, ev.value)
    if pending is None:
        return
    _, number, draft = pending
    t, loc = ctx.desk.templates.render, await ctx.locale()
    form = Form(
        DRAFT_FORM,
        t("knowledge.draft.form.title", loc, number=number),
        (
            TextInput(
                "text",
                t("knowledge.draft.form.text", loc),
                multiline=True,
                initial=markup.to_plain(draft.text),
            ),
        ),
        submit_label=t("knowledge.draft.button.send", loc),
        context=str(number),
    )
    await open_form(ctx, ev, form, staff=True)


async def on_draft_form(running: Running, ctx: TurnContext, ev: FormSubmitted) -> None:
    pending = await _pending(running, ctx, ev.context)
    if pending is None:
        return
    who, number, draft = pending
    text = ev.values.get("text", "").strip()
    if not text:
        raise InvalidValueError("a reply needs some text", "knowledge.error.empty_reply")
    reply = Message(text=markup.escape(text), kind="reply")
    await send_reply(ctx, number, text, reply, who)
    await _outcome(ctx, number, "edited", who, draft)


async def on_draft_dismiss(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    pending = await _pending(running, ctx, ev.value)
    if pending is None:
        return
    who, number, draft = pending
    await _outcome(ctx, number, "dismissed", who, draft)


async def on_send_article(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    """*Send* on a suggested article (value `number:article-id`)."""
    number_text, _, article_id = ev.value.partition(":")
    await send_article(running, ctx, ticket_number(number_text), article_id)


async def send_article(running: Running, ctx: TurnContext, number: int, article_id: str) -> None:
    """An article to the requester, in their language; internal ones are refused."""
    who = await _staff(ctx)
    desk = ctx.desk
    ticket = await ctx.ticket(number)
    kb = await running.base()
    locale = as_locale(ticket.locale)
    other: Locale = "ja" if locale == "en" else "en"
    article = kb.article(article_id, locale) or kb.article(article_id, other)
    if article is None:
        raise InvalidValueError(
            f"there is no article {article_id!r}", "knowledge.error.no_article", article=article_id
        )
    article = kb.in_locale(article, locale)
    try:
        message = views.article_reply(desk.templates, article, locale=locale)
    except views.InternalArticleError as exc:
        raise NotAllowedError(
            f"article {article_id!r} is internal: it is never sent to customers",
            "knowledge.error.internal_article",
            article=article_id,
        ) from exc
    text = f"{article.title}\n\n{markup.to_plain(message.text)}"
    await send_reply(ctx, number, text, message, who)
    await desk.tickets.record_event(
        ticket_id=number,
        kind="kb.sent",
        data={"article": article.id, "locale": article.locale},
        source=ctx.platform,
        actor=who,
    )


async def on_dismiss(running: Running, ctx: TurnContext, ev: ChoiceSubmitted) -> None:
    who = await _staff(ctx)
    number = ticket_number(ev.value)
    await ctx.desk.tickets.record_event(
        ticket_id=number, kind="kb.dismissed", data={}, source=ctx.platform, actor=who
    )
    ctx.tell(ctx.desk.views.note("knowledge.suggest.dismissed", await ctx.locale()))
