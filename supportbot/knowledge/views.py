"""What the knowledge base shows, as neutral `Message`s: pure functions, texts from templates.

- `suggestions`: for agents in a ticket's thread; internal articles are marked and get no
  send button.
- `article_reply`: an article as sent to a customer; refuses internal articles.
- `draft_message`: a drafted reply for agents to check, with its sources.
- `search_results`, `precedents`: answers to an agent's search and "seen before".

The buttons are handled in `assist`: `kb.send` (value: `number:article-id`; sent in the
requester's language) and `kb.dismiss` (value: ticket number).
"""

from __future__ import annotations

from collections.abc import Sequence

from supportbot import markup
from supportbot.knowledge.article import Article, Locale
from supportbot.knowledge.drafter import Draft
from supportbot.knowledge.index import Hit
from supportbot.knowledge.precedents import Precedent
from supportbot.knowledge.prose import summary, to_markup
from supportbot.messages import Button, Field, Message, Style
from supportbot.templates import Templates

SEND, DISMISS = "kb.send", "kb.dismiss"
LABEL_LIMIT = 60  # button labels: Slack allows 75 characters, Teams shows fewer


class InternalArticleError(Exception):
    """An internal (agents-only) article was about to be shown to a customer."""

    def __init__(self, article: Article) -> None:
        self.article = article
        super().__init__(f"article {article.id!r} ({article.locale}) is internal: agents only")


def suggestions(
    templates: Templates, hits: Sequence[Hit], *, number: int, locale: Locale
) -> Message:
    t = templates.render
    fields = tuple(_hit_field(templates, h, locale) for h in hits)
    buttons = tuple(
        Button(
            SEND,
            _label(t("knowledge.button.send", locale, title=h.article.title)),
            f"{number}:{h.article.id}",
            Style.PRIMARY,
        )
        for h in hits
        if h.article.public
    )
    return Message(
        text=t("knowledge.suggest.text", locale, count=len(hits)),
        title=t("knowledge.suggest.title", locale, number=number),
        fields=fields,
        buttons=(*buttons, Button(DISMISS, t("knowledge.button.dismiss", locale), str(number))),
        kind="kb_suggestions",
    )


def article_reply(templates: Templates, article: Article, *, locale: Locale) -> Message:
    """The article for the customer. Raises `InternalArticleError` for an internal one."""
    if not article.public or article.draft:
        raise InternalArticleError(article)
    return Message(
        text=to_markup(article.body),
        title=markup.escape(article.title),
        context=(templates.render("knowledge.article.context", locale),),
        kind="kb_article",
    )


def draft_message(templates: Templates, draft: Draft, *, number: int, locale: Locale) -> Message:
    t = templates.render
    sources = markup.Safe(", ".join(markup.bold(a.title) for a in draft.sources))
    by = (
        t("knowledge.draft.by_ai", locale, model=draft.drafter.removeprefix("ai:"))
        if draft.drafter.startswith("ai:")
        else t("knowledge.draft.by_article", locale)
    )
    return Message(
        text=draft.text,
        title=t("knowledge.draft.title", locale, number=number),
        context=(
            t("knowledge.draft.sources", locale, sources=sources),
            by,
            t("knowledge.draft.note", locale),
        ),
        accent="warning",
        kind="kb_draft",
    )


def search_results(
    templates: Templates, query: str, hits: Sequence[Hit], *, locale: Locale
) -> Message:
    t = templates.render
    if not hits:
        return Message(text=t("knowledge.search.none", locale, query=query), kind="kb_search")
    return Message(
        text="",
        title=t("knowledge.search.title", locale, query=query),
        fields=tuple(_hit_field(templates, h, locale) for h in hits),
        kind="kb_search",
    )


def precedents(templates: Templates, found: Sequence[Precedent], *, locale: Locale) -> Message:
    t = templates.render
    fields = tuple(
        Field(
            t(
                "knowledge.precedents.ticket",
                locale,
                number=p.ticket.number,
                subject=p.ticket.subject,
            ),
            t("knowledge.precedents.answered", locale, answer=_short(p.ticket.answer))
            if p.ticket.answer
            else t("knowledge.precedents.unanswered", locale),
        )
        for p in found
    )
    return Message(
        text="", title=t("knowledge.precedents.title", locale), fields=fields, kind="kb_precedents"
    )


def _hit_field(templates: Templates, hit: Hit, locale: Locale) -> Field:
    a = hit.article
    notes = [templates.render("knowledge.suggest.match", locale, percent=round(hit.score * 100))]
    if not a.public:
        notes.insert(0, templates.render("knowledge.suggest.internal", locale))
    value = markup.escape(summary(a.body)) + "\n" + " · ".join(notes)
    return Field(f"{markup.escape(a.title)} ({a.locale})", value)


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


def _short(text: str, limit: int = 280) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
