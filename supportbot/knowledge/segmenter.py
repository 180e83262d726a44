"""Japanese words: Sudachi with its small dictionary, loaded on first use and then kept.

Japanese is written without spaces, so a search needs a morphological analyser to find words
(会議, 請求書) that character n-grams miss or blur. SudachiPy ships its dictionary as a PyPI
package (`sudachidict-small`), so nothing is downloaded at run time. It also normalises spelling
variants (サーバ → サーバー), which customers mix freely.

The dictionary is memory-mapped (110 MB of shared, file-backed pages, of which only what
analysis reads stays resident: see `mapping`; 9 MB of private memory): load it once per
process and hand the same segmenter to every index. Sudachi's
tokenizer is not safe to share between threads, and reloads build indexes in a worker thread
while questions are answered on the event loop, hence the lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportbot.knowledge import mapping

if TYPE_CHECKING:
    from sudachipy import Tokenizer

# Sudachi refuses inputs above about 49 KB of UTF-8; runs are cut well below that.
MAX_RUN = 4000
DICTIONARY_FILE = "sudachidict_small/resources/system.dic"


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

    def release(self) -> None:
        """Give back the dictionary pages analysis touched so far (after indexing a corpus):
        what later questions read faults back in, page by page (see `mapping`)."""
        with self._lock:
            if self._tokenizer is not None:
                mapping.release(DICTIONARY_FILE)

    def _load(self) -> Tokenizer:
        from sudachipy import Dictionary, SplitMode

        self._tokenizer = Dictionary(dict="small").tokenizer(SplitMode.C)
        mapping.random(DICTIONARY_FILE)  # no read-ahead: lookups land all over the file
        mapping.release(DICTIONARY_FILE)  # nor the pages loading it touched
        return self._tokenizer
