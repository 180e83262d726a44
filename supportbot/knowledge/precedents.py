"""Similar resolved tickets, each with how it was answered: "this came up before".

The index holds each resolved ticket's question and public answers, analysed like articles, so
a new ticket finds the old ones that asked the same thing in other words. Results are for
agents only (they show other customers' tickets).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.article import Locale
from supportbot.knowledge.ranker import Ranker
from supportbot.knowledge.tickets import ResolvedTicket

THRESHOLD = 0.15  # below this a "similar" ticket shares a word or two, not a question


@dataclass(frozen=True, slots=True)
class Precedent:
    ticket: ResolvedTicket
    score: float


class PrecedentIndex:
    def __init__(self, tickets: Sequence[ResolvedTicket], analyzer: Analyzer) -> None:
        self.tickets = tuple(tickets)
        self.analyzer = analyzer
        self._ranker = Ranker([self._terms(t) for t in self.tickets])

    def __len__(self) -> int:
        return len(self.tickets)

    def similar(
        self,
        text: str,
        *,
        locale: Locale | None = None,
        exclude: int | None = None,
        limit: int = 3,
        threshold: float = THRESHOLD,
    ) -> tuple[Precedent, ...]:
        """The `limit` most similar resolved tickets above `threshold`, best first."""
        keep = [locale in (None, t.locale) and t.number != exclude for t in self.tickets]
        mask = self._ranker.mask(keep) if locale is not None or exclude is not None else None
        ranked = self._ranker.rank(self.analyzer.terms(text), mask=mask, limit=limit + 1)
        found = [Precedent(self.tickets[i], s) for i, s in ranked if keep[i] and s >= threshold]
        return tuple(found[:limit])

    def _terms(self, ticket: ResolvedTicket) -> list[str]:
        return self.analyzer.terms(
            f"{ticket.subject}\n{ticket.subject}\n{ticket.body}\n" + "\n".join(ticket.answers)
        )
