"""BM25 over term lists (bm25s), with scores that mean the same across questions.

A raw BM25 score grows with the length and rarity of the question, so no single threshold fits
it. We divide it by the most the question could score: each term adds at most its IDF, so the
ceiling is the sum of the IDFs of the question's terms (a word no document contains counts at
the IDF of a word one document contains). The result lies in [0, 1): roughly, how much of what
the question is about a document covers, weighted by how telling each word is. Ranking is
unchanged (one question, one ceiling), and a threshold on it is meaningful.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import numpy.typing as npt

from supportbot.knowledge.speller import Speller

K1, B = 1.2, 0.75

Mask = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Scored:
    """One question's raw BM25 score of every document, and its ceiling (see above)."""

    scores: npt.NDArray[np.float32]
    ceiling: float


class Ranker:
    """An immutable BM25 index of documents given as term lists."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.size = len(documents)
        frequencies = Counter(t for doc in documents for t in set(doc))
        self._idf = {t: _idf(n, self.size) for t, n in frequencies.items()}
        self._unknown_idf = _idf(1, max(self.size, 1))
        self.speller = Speller(frequencies)
        self._bm25: bm25s.BM25 | None = None
        # bm25s sets its logger to DEBUG when imported; let it follow the desk's logging again.
        logging.getLogger("bm25s").setLevel(logging.NOTSET)
        if self.size and frequencies:
            self._bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
            self._bm25.index([list(doc) for doc in documents], show_progress=False)

    def prepare(self, terms: Sequence[str]) -> tuple[list[str], float]:
        """The question's distinct known terms (typos corrected), and the most a document could
        score for the question: unknown words count in that ceiling but match nothing."""
        known: list[str] = []
        ceiling = 0.0
        for term in dict.fromkeys(terms):
            corrected = self.speller.correct(term)
            if corrected is None:
                ceiling += self._unknown_idf
            elif corrected not in known:
                known.append(corrected)
                ceiling += self._idf[corrected]
        return known, ceiling

    def score(self, terms: Sequence[str]) -> Scored | None:
        """Every document's score for the question (None: nothing can match). Computed once
        per question and kept by the caller: each mask then only multiplies it."""
        known, ceiling = self.prepare(terms)
        if self._bm25 is None or not known or ceiling <= 0:
            return None
        return Scored(self._bm25.get_scores(known), ceiling)

    def top(
        self, scored: Scored | None, *, mask: Mask | None = None, limit: int = 5
    ) -> list[tuple[int, float]]:
        """Best documents first as (position, score in [0, 1)); only those that match at all."""
        if scored is None or limit <= 0:
            return []
        scores = scored.scores if mask is None else scored.scores * mask
        count = min(limit, self.size)
        top = np.argpartition(-scores, count - 1)[:count]
        ordered = sorted(top.tolist(), key=lambda i: (-float(scores[i]), i))
        return [(i, float(scores[i]) / scored.ceiling) for i in ordered if scores[i] > 0]

    def rank(
        self, terms: Sequence[str], *, mask: Mask | None = None, limit: int = 5
    ) -> list[tuple[int, float]]:
        """Best documents first as (position, score in [0, 1)); only those that match at all."""
        return self.top(self.score(terms), mask=mask, limit=limit)

    def mask(self, keep: Sequence[bool]) -> Mask:
        return np.asarray(keep, dtype=np.float32)


def _idf(frequency: int, size: int) -> float:
    return math.log(1 + (size - frequency + 0.5) / (frequency + 0.5))
