"""Measure search on a labelled set: hit@3, MRR, and what the confidence threshold keeps.

A set is YAML: a list of `{q: question, a: id or [ids]}` (any listed id counts as a hit).
Off-topic questions are a mapping `{en: [...], ja: [...]}`: none of them may yield a
confident result. Used by the tests (which hold the sets) and by `bench/knowledge.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from supportbot import yamldoc
from supportbot.knowledge.article import Locale
from supportbot.knowledge.index import Hit

Search = Callable[[str, Locale], Sequence[Hit]]


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    answers: frozenset[str]
    locale: Locale


@dataclass(frozen=True, slots=True)
class Score:
    questions: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    kept: float  # share of questions whose best hit is right AND above the threshold
    misses: tuple[tuple[str, tuple[str, ...]], ...]  # (question, what came first) outside top 3


def read_questions(path: Path, locale: Locale) -> list[Question]:
    doc = yamldoc.load(path.read_text(encoding="utf-8"), str(path))
    out: list[Question] = []
    for i, item in enumerate(doc.data or []):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or "a" not in item:
            raise yamldoc.ProblemsError([doc.problem((i,), "expected {q: question, a: ids}")])
        answers = item["a"] if isinstance(item["a"], list) else [item["a"]]
        out.append(Question(item["q"], frozenset(map(str, answers)), locale))
    return out


def read_offtopic(path: Path) -> dict[Locale, list[str]]:
    doc = yamldoc.load(path.read_text(encoding="utf-8"), str(path))
    data = doc.data or {}
    return {"en": list(data.get("en", [])), "ja": list(data.get("ja", []))}


def score(questions: Sequence[Question], search: Search, threshold: float) -> Score:
    ranks: list[int | None] = []
    kept = 0
    misses: list[tuple[str, tuple[str, ...]]] = []
    for q in questions:
        hits = search(q.text, q.locale)
        ids = [h.article.id for h in hits]
        rank = next((i + 1 for i, found in enumerate(ids) if found in q.answers), None)
        ranks.append(rank)
        kept += bool(rank == 1 and hits[0].score >= threshold)
        if rank is None or rank > 3:
            misses.append((q.text, tuple(ids[:3])))
    n = max(len(questions), 1)
    return Score(
        len(questions),
        sum(r == 1 for r in ranks) / n,
        sum(r is not None and r <= 3 for r in ranks) / n,
        sum(1 / r for r in ranks if r is not None) / n,
        kept / n,
        tuple(misses),
    )


def false_alarms(
    questions: Sequence[str], locale: Locale, search: Search, threshold: float
) -> list[tuple[str, str, float]]:
    """Off-topic questions that would get an article: (question, article id, score)."""
    out: list[tuple[str, str, float]] = []
    for text in questions:
        hits = search(text, locale)
        if hits and hits[0].score >= threshold:
            out.append((text, hits[0].article.id, hits[0].score))
    return out
