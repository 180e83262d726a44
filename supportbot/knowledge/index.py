"""The searchable form of the published articles: built once per load, then only read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.article import AUDIENCES, LOCALES, Article, Audience, Locale
from supportbot.knowledge.ranker import Mask, Ranker, Scored

TITLE_WEIGHT = 2  # a word of the title counts as often as this: titles say what an article is for


@dataclass(frozen=True, slots=True)
class Hit:
    article: Article
    score: float  # in [0, 1): comparable across questions (see `ranker`)


RECENT_QUESTIONS = 64  # questions whose analysis is kept (see ArticleIndex._questions)


class ArticleIndex:
    def __init__(
        self, articles: Sequence[Article], analyzer: Analyzer, *, reuse: ArticleIndex | None = None
    ) -> None:
        """Index `articles`. Analysis is most of the cost, so the terms of every article that
        is unchanged in `reuse` (an index built with the same synonyms) are taken from it: a
        reload after one edit analyses one file."""
        self.articles = tuple(articles)
        self.analyzer = analyzer
        known: dict[Article, tuple[str, ...]] = {}
        if reuse is not None and reuse.analyzer.synonyms == analyzer.synonyms:
            known = reuse._terms
        self._terms: dict[Article, tuple[str, ...]] = {
            a: known.get(a) or tuple(document_terms(a, analyzer)) for a in self.articles
        }
        self._ranker = Ranker([self._terms[a] for a in self.articles])
        self._by_key = {a.key: a for a in self.articles}
        self._masks: dict[tuple[Locale | None, Audience | None], Mask | None] = {
            (locale, audience): self._mask(locale, audience)
            for locale in (None, *LOCALES)
            for audience in (None, *AUDIENCES)
        }
        # A new ticket's question is searched three times in its turn (the requester's
        # suggestions, the agent's, the draft's sources): analyse and score it once.
        self._questions: dict[str, Scored | None] = {}

    def __len__(self) -> int:
        return len(self.articles)

    def search(
        self,
        text: str,
        *,
        locale: Locale | None = None,
        audience: Audience | None = None,
        limit: int = 5,
    ) -> tuple[Hit, ...]:
        """Articles best first. `audience="public"` never returns an internal article."""
        mask = self._masks[(locale, audience)]
        ranked = self._ranker.top(self._scored(text), mask=mask, limit=limit)
        hits = (Hit(self.articles[i], score) for i, score in ranked)
        return tuple(h for h in hits if _fits(h.article, locale, audience))

    def _scored(self, text: str) -> Scored | None:
        if text in self._questions:
            return self._questions[text]
        if len(self._questions) >= RECENT_QUESTIONS:
            self._questions.clear()
        scored = self._questions[text] = self._ranker.score(self.analyzer.terms(text))
        return scored

    def article(self, article_id: str, locale: Locale) -> Article | None:
        return self._by_key.get((article_id, locale))

    def translations(self, article_id: str) -> tuple[Article, ...]:
        return tuple(a for locale in LOCALES if (a := self.article(article_id, locale)))

    def _mask(self, locale: Locale | None, audience: Audience | None) -> Mask | None:
        if locale is None and audience is None:
            return None
        return self._ranker.mask([_fits(a, locale, audience) for a in self.articles])


def _fits(article: Article, locale: Locale | None, audience: Audience | None) -> bool:
    return (locale is None or article.locale == locale) and (
        audience is None or article.audience == audience
    )


def document_terms(article: Article, analyzer: Analyzer) -> list[str]:
    """Title (weighted), tags and body. The body is analysed as written: Markdown's marks
    (`#`, `**`, `[…](…)`) are not words, so the analyzer drops them, at no parsing cost."""
    title = analyzer.terms(article.title) * TITLE_WEIGHT
    tags = analyzer.terms(" ".join(t.replace("-", " ") for t in article.tags))
    return [*title, *tags, *analyzer.terms(article.body)]
