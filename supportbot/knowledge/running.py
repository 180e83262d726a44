"""What the knowledge feature keeps for one desk: its knowledge base, drafter and the index of
similar resolved tickets. One `Running` per `setup(hooks)` (one desk), never module state.

The knowledge base loads at start-up in a worker thread (`background`), or on first use when
nothing started it (a test desk, `workflows test`): a desk whose knowledge folder is missing
or empty answers nothing and never loads the Japanese dictionary.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from supportbot.errors import InvalidValueError
from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.base import KnowledgeBase, KnowledgeError, ReloadResult
from supportbot.knowledge.drafter import ArticleDrafter, Drafter
from supportbot.knowledge.precedents import PrecedentIndex
from supportbot.knowledge.tickets import read_resolved

if TYPE_CHECKING:
    from supportbot.desk import Desk

log = logging.getLogger(__name__)
PRECEDENTS_FRESH = timedelta(minutes=10)  # how old the similar-tickets index may get
PRECEDENTS_LIMIT = 2_000  # the most recent resolved tickets it holds
WATCH_INTERVAL = 5.0


@dataclass(slots=True)
class Running:
    kb: KnowledgeBase | None = None
    drafter: Drafter | None = None
    precedents: PrecedentIndex | None = None
    precedents_at: datetime | None = None
    loaded: bool = False
    serving: bool = False  # the background task runs: slow work stays off the turns
    loading: asyncio.Future[ReloadResult] | None = None
    _precedent_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _warm: asyncio.Event = field(default_factory=asyncio.Event)  # loaded and indexed once

    def attach(self, desk: Desk) -> None:
        kb = KnowledgeBase(
            Path(desk.config.knowledge_dir), threshold=desk.config.knowledge.threshold
        )
        self.kb = kb
        self.drafter = ArticleDrafter(kb, desk.templates)

    async def base(self) -> KnowledgeBase:
        """The knowledge base, loaded: waits for the start-up load when one is running, and
        loads synchronously when nothing started one (a test desk, `workflows test`)."""
        assert self.kb is not None, "the knowledge feature is not attached"
        if self.loading is not None:
            await asyncio.shield(self.loading)
        elif not self.loaded:
            self.loaded = True
            try:
                self.kb.load_now()
            except KnowledgeError as exc:  # the desk runs on; `supportbot kb validate` says why
                log.error("knowledge base not loaded:\n%s", exc)
        return self.kb

    async def start(self, desk: Desk) -> None:
        """The server's background task: load in a worker thread, then watch the folder and
        keep the similar-tickets index fresh, off the event loop."""
        kb = self.kb
        if kb is None:
            return
        self.serving = True
        if not self.loaded:
            self.loaded = True
            self.loading = asyncio.ensure_future(kb.reload("start-up"))
            result = await self.loading
            if not result.ok:
                log.error("knowledge base not loaded: %d problem(s)", len(result.problems))
        await asyncio.gather(kb.watch(WATCH_INTERVAL), self._keep_precedents(desk))

    async def warmed(self, _desk: Desk) -> None:
        """Until the start-up load and the first similar-tickets index are built (the server
        then moves them out of the garbage collector's sight: they last)."""
        if self.kb is not None:
            await self._warm.wait()

    async def _keep_precedents(self, desk: Desk) -> None:
        while True:
            try:
                await self._build_precedents(desk, in_thread=True)
            except Exception:  # the loop must outlive any one bad pass
                log.exception("similar-tickets index not rebuilt; trying again")
            self._warm.set()
            await asyncio.sleep(PRECEDENTS_FRESH.total_seconds())

    async def similar_tickets(self, desk: Desk) -> PrecedentIndex:
        """The index of resolved tickets. A server keeps it fresh in the background (a turn
        uses what is there); a desk without the background task (tests, `workflows test`)
        builds it here when it is older than `PRECEDENTS_FRESH`."""
        index, at = self.precedents, self.precedents_at
        if self.serving:
            return index if index is not None else PrecedentIndex((), self._analyzer())
        if index is not None and at is not None and desk.clock.now() - at < PRECEDENTS_FRESH:
            return index
        return await self._build_precedents(desk, in_thread=False)

    async def _build_precedents(self, desk: Desk, *, in_thread: bool) -> PrecedentIndex:
        async with self._precedent_lock:
            async with desk.db.reads() as s:
                found = await read_resolved(s, limit=PRECEDENTS_LIMIT)
            await self.base()
            analyzer = self._analyzer()  # its own: PyStemmer's stemmers are not thread-safe
            if in_thread:
                index = await asyncio.to_thread(PrecedentIndex, found, analyzer)
            else:
                index = PrecedentIndex(found, analyzer)
            analyzer.segmenter.release()  # as after indexing the articles
            self.precedents, self.precedents_at = index, desk.clock.now()
            return index

    def _analyzer(self) -> Analyzer:
        assert self.kb is not None
        return Analyzer(self.kb.segmenter, self.kb.index.analyzer.synonyms)


def question_of(subject: str, body: str) -> str:
    """What the requester asked: the body, with the subject when it is not the body's start."""
    head = subject.removesuffix("…").strip()
    return body.strip() if head and body.strip().startswith(head) else f"{subject}\n{body}".strip()


def ticket_number(value: str) -> int:
    """A ticket number from a button's value or a command (`42` or `#42`)."""
    text = value.strip().lstrip("#")
    if not text.isdigit():
        raise InvalidValueError(
            f"{value!r} is not a ticket number", "knowledge.error.not_a_number", value=value
        )
    return int(text)
