"""Japanese words: Sudachi with its small dictionary, loaded on first use and then kept.

Japanese is written without spaces, so a search needs a morphological analyser to find words
(会議, 請求書) that character n-grams miss or blur. SudachiPy ships its dictionary as a PyPI
package (`sudachidict-small`), so nothing is downloaded at run time. It also normalises spelling
variants (サーバ → サーバー), which customers mix freely.

The dictionary is memory-mapped (about 110 MB of shared, file-backed pages once warm, 9 MB of
private memory): load it once per process and hand the same segmenter to every index. Sudachi's
tokenizer is not safe to share between threads, and reloads build indexes in a worker thread
while questions are answered on the event loop, hence the lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sudachipy import Tokenizer

# Sudachi refuses inputs above about 49 KB of UTF-8; runs are cut well below that.
MAX_RUN = 4000


@dataclass(frozen=True, slots=True)
class Morpheme:
    normalized: str  # Sudachi's normalised form: the dictionary form, spelling variants unified
    pos: tuple[str, ...]  # part of speech, e.g. ("名詞", "普通名詞", "サ変可能", "*", "*", "*")


class JapaneseSegmenter:
    """Splits Japanese text into morphemes. Thread-safe; the dictionary loads on first use."""

    def __init__(self) -> None:
        self._tokenizer: Tokenizer | None = None
        self._lock = threading.Lock()
        self._pos: dict[int, tuple[str, ...]] = {}  # part-of-speech id → its names

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def morphemes(self, text: str) -> list[Morpheme]:
        out: list[Morpheme] = []
        with self._lock:
            tokenizer = self._tokenizer or self._load()
            for start in range(0, len(text), MAX_RUN):
                for m in tokenizer.tokenize(text[start : start + MAX_RUN]):
                    pos_id = m.part_of_speech_id()
                    pos = self._pos.get(pos_id) or self._pos.setdefault(pos_id, m.part_of_speech())
                    out.append(Morpheme(m.normalized_form(), pos))
        return out

    def _load(self) -> Tokenizer:
        from sudachipy import Dictionary, SplitMode

        self._tokenizer = Dictionary(dict="small").tokenizer(SplitMode.C)
        return self._tokenizer
