"""The Japanese dictionary stays mostly out of the resident set: it is read at random (no
read-ahead), and the pages that indexing a corpus touched are given back afterwards; what
later questions read comes back page by page, and analysis is unchanged."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from supportbot.knowledge.segmenter import DICTIONARY_FILE, JapaneseSegmenter

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="madvise and /proc/self/smaps are Linux's"
)

TEXTS = [
    "請求書の金額が違うようです。注文番号を確認してください。",
    "ログインできません。パスワードをリセットしましたがエラーになります。",
    "先月のレポートをCSVでエクスポートする方法を教えてください。",
]


def _resident_kb() -> tuple[int, int]:
    """The dictionary mapping's size and its resident part, in KB."""
    size = resident = 0
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
            inside = line.rstrip().endswith(DICTIONARY_FILE)
        elif inside and head[0] == "Size:":
            size += int(head[1])
        elif inside and head[0] == "Rss:":
            resident += int(head[1])
    return size, resident


def test_released_pages_leave_and_analysis_is_unchanged() -> None:
    segmenter = JapaneseSegmenter()
    before = [[m.normalized for m in segmenter.morphemes(t)] for t in TEXTS]
    size, _ = _resident_kb()
    assert size > 50_000  # the whole dictionary is mapped …

    segmenter.release()
    assert _resident_kb()[1] <= 64  # … none of it resident once released

    after = [[m.normalized for m in segmenter.morphemes(t)] for t in TEXTS]
    assert after == before
    assert "請求" in after[0]
    assert 0 < _resident_kb()[1] < size // 2  # only what the questions read came back
