"""Drafting a reply to a customer from the articles search found, behind one small interface.

A `Drafter` gets the question and the public articles that answer it, and returns a `Draft`
(text in neutral markup, and the articles it stands on) or None. `draft_reply` does the
retrieval first and never calls a drafter when nothing is confident: no source, no draft.
Only public articles are ever handed to a drafter, since a draft is meant for the customer.

`ArticleDrafter` needs nothing but the knowledge base: it replies with the best article, in the
requester's language when a translation exists. `ChatDrafter` (`chat_drafter.py`) asks an
OpenAI-compatible chat API, and is off unless configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from supportbot.knowledge.article import Article, Locale
from supportbot.knowledge.base import KnowledgeBase
from supportbot.knowledge.prose import to_markup
from supportbot.markup import Safe
from supportbot.templates import Templates


@dataclass(frozen=True, slots=True)
class DraftRequest:
    question: str  # what the customer wrote (plain text)
    locale: Locale  # the requester's language
    sources: tuple[Article, ...]  # public articles, best first


@dataclass(frozen=True, slots=True)
class Draft:
    text: str  # neutral markup
    sources: tuple[Article, ...]  # what the text stands on: always shown with it
    drafter: str  # "article", or "ai:<model>"


class Drafter(Protocol):
    async def draft(self, request: DraftRequest) -> Draft | None:
        """A draft standing on `request.sources`, or None (nothing to say, or a failure)."""
        ...


class ArticleDrafter:
    """The best source's own text, in the requester's language: no AI, nothing can drift."""

    def __init__(self, kb: KnowledgeBase, templates: Templates) -> None:
        self.kb, self.templates = kb, templates

    async def draft(self, request: DraftRequest) -> Draft | None:
        sources = public_only(request.sources)
        if not sources:
            return None
        article = self.kb.in_locale(sources[0], request.locale)
        intro = self.templates.render("knowledge.draft.intro", request.locale)
        return Draft(Safe(f"{intro}\n\n{to_markup(article.body)}"), (article,), "article")


async def draft_reply(
    kb: KnowledgeBase, drafter: Drafter, *, question: str, locale: Locale, limit: int = 3
) -> Draft | None:
    """Search the public articles; draft only from confident hits (None when there are none).

    Every language is searched (the question's words find the articles of its language); the
    drafter then answers in the requester's `locale`, from a translation when there is one."""
    hits = kb.suggest(question, locale=None, audience="public", limit=limit)
    if not hits:
        return None
    sources = tuple(dict.fromkeys(kb.in_locale(h.article, locale) for h in hits))
    return await drafter.draft(DraftRequest(question, locale, sources))


def public_only(sources: Sequence[Article]) -> tuple[Article, ...]:
    return tuple(a for a in sources if a.public and not a.draft)
