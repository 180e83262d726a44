"""Text to search terms, the same way for articles and for questions, in English and Japanese.

1. NFKC folds full-width and half-width forms (ＣＳＶ → CSV, ｴｸｽﾎﾟｰﾄ → エクスポート) and case.
2. Latin runs are English words: stop words out, Snowball stems in (exports → export).
3. Japanese runs go through Sudachi: content words only (nouns, verbs, adjectives), in their
   normalised form, so 失敗する / 失敗しました / 失敗した all give 失敗. A noun followed by a
   suffix, and two katakana nouns in a row, also give the compound: 請求 + 書 → 請求書, and
   クレジット + ノート → クレジットノート, so a ノートパソコン does not look like a credit note.
4. Synonyms from the knowledge folder map a word or phrase to its group's first word
   (ウェブ フック → webhook), which is how katakana loan words meet their English spelling.

Mixed text such as "CSVエクスポートが失敗する" simply yields csv, エクスポート, 失敗.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from supportbot.knowledge.segmenter import JapaneseSegmenter, Morpheme

_JAPANESE = "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[0-9a-z]+|[{_JAPANESE}]+")
_HAS_JAPANESE = re.compile(rf"[{_JAPANESE}]")
_APOSTROPHES = re.compile(r"['’]")

# What people write around a question in a support chat, beside the usual stop words.
# NLTK's English stop words (as bm25s ships them, apostrophes dropped as we drop them), and
# what people write around a question in a support chat.
_KEPT = {"down", "off", "out"}  # "the site is down", "turn it off", "didn't go out"
_ENGLISH_STOP = (frozenset(w.replace("'", "") for w in STOPWORDS_EN_PLUS) - _KEPT) | {
    "hi", "hello", "hey", "thanks", "thank", "please", "pls", "help", "regards", "cheers",
    "dear", "team", "support", "im", "ive", "cant", "cannot", "would", "could", "get", "got",
    "getting", "want", "wanted", "need", "needs", "trying", "tried", "anyone", "something",
    "still", "also", "way", "know", "let", "tell", "us", "anymore", "keep", "keeps", "say",
    "says", "said", "think", "like", "really", "today", "now", "since",
}  # fmt: skip
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
_SKIPPED_SUBTYPES = frozenset({"非自立可能", "数詞", "固有名詞-人名"})
# Nouns and verbs that carry no topic: how a question is asked, not what it is about.
_JAPANESE_STOP = frozenset(
    {
        "こと", "もの", "ため", "よう", "ところ", "方", "方法", "やり方", "場合", "件", "際",
        "様", "さん", "皆様", "世話", "質問", "問い合わせ", "問合せ", "願い", "お願い",
        "教える", "下さる", "思う", "言う", "困る", "分かる", "今", "今日", "今回", "全部",
        "全て", "前", "後", "どう", "何", "事", "時", "感じ", "大丈夫",
    }
)  # fmt: skip


class Analyzer:
    """Turns text into terms. Cheap to make; share one `JapaneseSegmenter` between them, but
    not an analyzer between threads (PyStemmer's stemmers are not thread-safe): each index
    build makes its own."""

    def __init__(
        self,
        segmenter: JapaneseSegmenter,
        synonyms: Mapping[tuple[str, ...], str] | None = None,
    ) -> None:
        self.segmenter = segmenter
        self.synonyms = dict(synonyms or {})
        self._longest = max(map(len, self.synonyms), default=0)
        self._stemmer = Stemmer.Stemmer("english")

    def terms(self, text: str) -> list[str]:
        """The text's terms in order. Interned: an index of 10,000 articles holds a million
        term occurrences, and one string per distinct term keeps that small."""
        folded = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
        if not _HAS_JAPANESE.search(folded):
            return [sys.intern(t) for t in self._canonical(self._english(_RUN.findall(folded)))]
        out: list[str] = []
        for run in _RUN.findall(folded):
            if run[0].isascii():
                out += self._english([run])
            else:
                out += japanese_terms(self.segmenter.morphemes(run))
        return [sys.intern(t) for t in self._canonical(out)]

    def _english(self, words: list[str]) -> list[str]:
        kept = [w for w in words if w not in _ENGLISH_STOP and (len(w) > 1 or w.isdigit())]
        return list(self._stemmer.stemWords(kept))

    def _canonical(self, terms: list[str]) -> list[str]:
        """Replace synonyms, longest phrase first: ウェブ フック → webhook."""
        if not self.synonyms:
            return terms
        out: list[str] = []
        i = 0
        while i < len(terms):
            for size in range(min(self._longest, len(terms) - i), 0, -1):
                found = self.synonyms.get(tuple(terms[i : i + size]))
                if found is not None:
                    out.append(found)
                    i += size
                    break
            else:
                out.append(terms[i])
                i += 1
        return out


def japanese_terms(morphemes: list[Morpheme]) -> list[str]:
    out: list[str] = []
    previous = ""  # the noun before, for compounds
    for m in morphemes:
        noun = m.pos[0] == "名詞"
        if m.pos[0] == "接尾辞" and previous:
            out.append(previous + m.normalized)  # 請求 + 書 → 請求書 as well
        elif noun and _katakana(previous) and _katakana(m.normalized):
            out.append(previous + m.normalized)  # クレジット + ノート → クレジットノート as well
        if _is_content(m):
            out.append(m.normalized)
        previous = m.normalized if noun else ""
    return out


def _katakana(word: str) -> bool:
    return bool(word) and all("\u30a0" <= c <= "\u30ff" for c in word)


def _is_content(m: Morpheme) -> bool:
    if m.pos[0] not in _CONTENT_POS or m.normalized in _JAPANESE_STOP:
        return False
    subtype = m.pos[1] if len(m.pos) > 1 else ""
    if subtype in _SKIPPED_SUBTYPES or "-".join(m.pos[1:3]) in _SKIPPED_SUBTYPES:
        return False
    return not (len(m.normalized) == 1 and "\u3040" <= m.normalized <= "\u309f")  # lone kana
