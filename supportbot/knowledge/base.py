"""`KnowledgeBase`: the running version of the knowledge folder, searched by the desk.

A load reads and validates every file, analyses the synonyms, and indexes the published
articles; only a load without a single problem is swapped in, in one assignment, so a broken
edit never replaces a working index. The Japanese dictionary is loaded once, by the first load
that meets Japanese text, and kept across reloads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.article import Article, Audience, Locale
from supportbot.knowledge.confidence import DEFAULT_THRESHOLD, confident
from supportbot.knowledge.index import ArticleIndex, Hit
from supportbot.knowledge.loader import load_folder, signature
from supportbot.knowledge.segmenter import JapaneseSegmenter
from supportbot.knowledge.synonyms import synonym_map
from supportbot.workflows.watch import Signature
from supportbot.yamldoc import Problem, ProblemsError

log = logging.getLogger(__name__)


class KnowledgeError(ProblemsError):
    """The knowledge files are invalid (at start-up, when there is no working version to keep)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    index: ArticleIndex
    drafts: tuple[Article, ...] = ()
    digest: str = ""
    files: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    problems: tuple[Problem, ...] = ()
    changed: bool = False
    articles: int = 0


ReloadListener = Callable[[ReloadResult, str], Awaitable[None]]  # (result, who reloaded)


def build_snapshot(
    folder: Path, segmenter: JapaneseSegmenter, previous: ArticleIndex | None = None
) -> tuple[Snapshot | None, tuple[Problem, ...]]:
    """Read, validate and index a folder; (None, problems) when anything is wrong. Articles
    unchanged since `previous` are not analysed again."""
    loaded = load_folder(folder)
    synonyms, problems = synonym_map(loaded.synonyms, Analyzer(segmenter).terms)
    if problems or not loaded.ok:
        return None, (*loaded.problems, *problems)
    index = ArticleIndex(loaded.articles, Analyzer(segmenter, synonyms), reuse=previous)
    segmenter.release()  # the corpus is analysed: questions need far fewer dictionary pages
    return Snapshot(index, loaded.drafts, loaded.digest, loaded.files), ()


class KnowledgeBase:
    def __init__(
        self,
        folder: Path,
        *,
        segmenter: JapaneseSegmenter | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.folder = folder
        self.segmenter = segmenter or JapaneseSegmenter()
        self.threshold = threshold
        self.current = Snapshot(ArticleIndex((), Analyzer(self.segmenter)))
        self.listeners: list[ReloadListener] = []
        self._lock = asyncio.Lock()
        self._seen: Signature = ()

    # -- loading ----------------------------------------------------------------------------
    def load_now(self) -> None:
        """Load synchronously (start-up); raise `KnowledgeError` listing every problem."""
        self._seen = signature(self.folder)
        if not self.folder.is_dir():
            log.info("no knowledge folder at %s; the knowledge base is empty", self.folder)
            return
        snapshot, problems = build_snapshot(self.folder, self.segmenter)
        if snapshot is None:
            raise KnowledgeError(problems)
        self.current = snapshot

    async def reload(self, loaded_by: str) -> ReloadResult:
        async with self._lock:
            self._seen = await asyncio.to_thread(signature, self.folder)
            build = await asyncio.to_thread(
                build_snapshot, self.folder, self.segmenter, self.current.index
            )
            snapshot, problems = build
            if snapshot is None:
                log.warning("knowledge not reloaded:\n%s", "\n".join(map(str, problems)))
                outcome = ReloadResult(False, problems, False, len(self.current.index))
            else:
                changed = snapshot.digest != self.current.digest
                self.current = snapshot
                outcome = ReloadResult(True, (), changed, len(snapshot.index))
        for listener in self.listeners:
            await listener(outcome, loaded_by)
        return outcome

    async def watch(self, interval: float) -> None:
        """Poll the files' modification times; reload when they change. Runs until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                if await asyncio.to_thread(signature, self.folder) != self._seen:
                    await self.reload("watch")
            except Exception:  # the watcher must outlive any one bad pass
                log.exception("knowledge watcher failed; trying again")

    # -- reading ----------------------------------------------------------------------------
    @property
    def index(self) -> ArticleIndex:
        return self.current.index

    def search(
        self,
        text: str,
        *,
        locale: Locale | None = None,
        audience: Audience | None = None,
        limit: int = 5,
    ) -> tuple[Hit, ...]:
        return self.current.index.search(text, locale=locale, audience=audience, limit=limit)

    def suggest(
        self, text: str, *, locale: Locale | None, audience: Audience | None, limit: int = 3
    ) -> tuple[Hit, ...]:
        """What is worth showing: confident hits only, often none."""
        if not len(self.current.index):
            return ()  # nothing to find: the question is not even analysed
        return confident(
            self.search(text, locale=locale, audience=audience, limit=limit), self.threshold
        )

    def article(self, article_id: str, locale: Locale) -> Article | None:
        return self.current.index.article(article_id, locale)

    def in_locale(self, article: Article, locale: Locale) -> Article:
        """The article's translation into `locale` when there is one of the same audience."""
        other = self.article(article.id, locale)
        return other if other is not None and other.audience == article.audience else article
