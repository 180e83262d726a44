"""Typos in questions: a word no document contains is replaced by the closest one that some do.

Only words of five letters or more are corrected, by one edit (two from eight letters on), where
a swap of neighbours counts as one edit (invocie → invoice). Among equally close words the more
common one wins. Shorter words are left alone: "rice" is not a typo for "price", nor "sick"
for "pick". Nor is a word with a digit in it: an order number, an error code or a version
("A10042", "err503", "v2") is an identifier, never a misspelt word.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LENGTH = 5
REMEMBERED = 20_000  # unknown words whose correction is kept (customers repeat their words)


class Speller:
    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self._frequencies = frequencies
        self._by_length: dict[int, list[str]] = {}
        for term in frequencies:
            self._by_length.setdefault(len(term), []).append(term)
        self._corrected: dict[str, str | None] = {}  # this index's answers for unknown words

    def correct(self, term: str) -> str | None:
        """The term itself when known, its closest known spelling, or None."""
        if term in self._frequencies:
            return term
        if len(term) < MIN_LENGTH or any(c.isdigit() for c in term):
            return None
        if term in self._corrected:
            return self._corrected[term]
        if len(self._corrected) >= REMEMBERED:
            self._corrected.clear()
        self._corrected[term] = found = self._closest(term)
        return found

    def _closest(self, term: str) -> str | None:
        limit = 1 if len(term) < 8 else 2
        lengths = range(len(term) - limit, len(term) + limit + 1)
        candidates = [t for n in lengths for t in self._by_length.get(n, ())]
        found = process.extract(term, candidates, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not found:
            return None
        best = min(found, key=lambda f: (f[1], -self._frequencies[f[0]], f[0]))
        return best[0]
