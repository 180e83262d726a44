"""Where the knowledge base is missing: groups of resolved tickets that no article answers.

A customer ticket is answered when a public article is a confident hit for its question (an
internal ticket: any article). The unanswered ones are grouped by what they are about: each
ticket joins the group whose terms it shares most (cosine of TF-IDF vectors against the
group's sum), or starts a new one. Bigger groups first: those are the articles to write next.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.article import Audience
from supportbot.knowledge.base import KnowledgeBase
from supportbot.knowledge.tickets import ResolvedTicket

SIMILARITY = 0.25
_WORD = re.compile(r"\w+")

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class Gap:
    tickets: tuple[ResolvedTicket, ...]
    words: tuple[str, ...]  # what the group is about, most telling first


def unanswered(kb: KnowledgeBase, tickets: Sequence[ResolvedTicket]) -> list[ResolvedTicket]:
    def answered(t: ResolvedTicket) -> bool:
        audience: Audience | None = "public" if t.kind == "customer" else None
        return bool(kb.suggest(t.question, locale=t.locale, audience=audience, limit=1))

    return [t for t in tickets if not answered(t)]


def group_gaps(
    tickets: Sequence[ResolvedTicket], analyzer: Analyzer, *, similarity: float = SIMILARITY
) -> list[Gap]:
    terms = [Counter(analyzer.terms(t.question)) for t in tickets]
    frequency = Counter(term for counts in terms for term in counts)
    n = len(tickets)
    vectors = [
        _unit({k: c * math.log(1 + n / frequency[k]) for k, c in counts.items()})
        for counts in terms
    ]
    groups: list[tuple[list[int], Vector]] = []
    for i, vector in enumerate(vectors):
        best = max(range(len(groups)), key=lambda g: _cosine(vector, groups[g][1]), default=None)
        if best is not None and _cosine(vector, groups[best][1]) >= similarity:
            members, total = groups[best]
            members.append(i)
            for k, v in vector.items():
                total[k] = total.get(k, 0.0) + v
        else:
            groups.append(([i], dict(vector)))
    gaps = [
        Gap(
            tuple(tickets[i] for i in members),
            _words(total, [tickets[i] for i in members], analyzer),
        )
        for members, total in groups
    ]
    return sorted(gaps, key=lambda g: (-len(g.tickets), g.tickets[0].number))


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {k: v / norm for k, v in vector.items()}


def _cosine(vector: Vector, total: Vector) -> float:
    norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
    return sum(v * total.get(k, 0.0) for k, v in vector.items()) / norm


def _words(total: Vector, tickets: list[ResolvedTicket], analyzer: Analyzer) -> tuple[str, ...]:
    """The group's top terms; an English stem is shown as the word people wrote most for it
    (`arriv` → arrive). Japanese terms are already words."""
    top = [k for k, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
    written: dict[str, Counter[str]] = {k: Counter() for k in top}
    for ticket in tickets:
        for word in _WORD.findall(ticket.question.lower()):
            if not word.isascii():
                continue
            for term in analyzer.terms(word):
                if term in written:
                    written[term][word] += 1
    return tuple(written[k].most_common(1)[0][0] if written[k] else k for k in top)
