"""The knowledge base: search quality per language, the analyzer choice, latency and memory.

1. Quality on the labelled sets in `tests/knowledge/eval/` (tuned on, and held out): hit@1,
   hit@3, MRR, and how many right answers clear the confidence threshold; off-topic questions
   that would wrongly get an article; a sweep of thresholds.
2. Japanese analyzers compared on the same questions: Sudachi words (what we ship), character
   bigrams, and character trigrams (what SQLite FTS5's trigram tokenizer indexes).
3. Latency with 10,000 articles (p50 / p95 / p99 of one search, filters on), and memory:
   private (RssAnon) and shared, file-backed (RssFile: the memory-mapped dictionary) pages.

Run: `python -m bench.knowledge [--articles 10000]`.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from supportbot.knowledge import KnowledgeBase
from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.article import Article, Locale
from supportbot.knowledge.evaluation import (
    Question,
    Search,
    false_alarms,
    read_offtopic,
    read_questions,
    score,
)
from supportbot.knowledge.index import ArticleIndex, Hit, document_terms
from supportbot.knowledge.prose import to_plain
from supportbot.knowledge.ranker import Ranker
from supportbot.knowledge.segmenter import JapaneseSegmenter

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "knowledge"
EVAL = ROOT / "tests" / "knowledge" / "eval"
LOCALES: tuple[Locale, ...] = ("en", "ja")
Analyze = Callable[[str], list[str]]


def memory() -> tuple[int, int]:
    """(private, file-backed) resident memory of this process, in MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("RssAnon", "RssFile")):
            found[line.split(":")[0]] = int(line.split()[1]) // 1024
    return found.get("RssAnon", 0), found.get("RssFile", 0)


SETS = (("tuned", ""), ("tuned 2", "tuning2."), ("held out", "heldout."))
TARGET = 0.9  # hit@3 on the held-out questions, per language


def sets() -> dict[str, dict[Locale, list[Question]]]:
    """The labelled sets that exist: tuned on (`tuned`, and the phase-2 `tuned 2`, Japanese
    only), and `held out` (never tuned on)."""
    return {
        name: {
            loc: read_questions(EVAL / f"{prefix}{loc}.yaml", loc)
            for loc in LOCALES
            if (EVAL / f"{prefix}{loc}.yaml").exists()
        }
        for name, prefix in SETS
    }


def quality(kb: KnowledgeBase) -> None:
    print("## Search quality (starter articles; every article, locale filter on)")
    print(f"{'set':10} {'lang':4} {'n':>3} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'kept':>6}")
    search: Search = lambda text, loc: kb.search(text, locale=loc, limit=10)  # noqa: E731
    for name, by_locale in sets().items():
        for loc, questions in by_locale.items():
            s = score(questions, search, kb.threshold)
            print(f"{name:10} {loc:4} {s.questions:3d} {s.hit_at_1:6.3f} {s.hit_at_3:6.3f} "
                  f"{s.mrr:6.3f} {s.kept:6.3f}")  # fmt: skip
            if name == "held out":
                verdict = "meets" if s.hit_at_3 >= TARGET else "MISSES"
                print(f"           held-out {loc}: hit@3 {s.hit_at_3:.3f}, MRR {s.mrr:.3f} "
                      f"({verdict} the target hit@3 >= {TARGET})")  # fmt: skip
    offtopic = read_offtopic(EVAL / "offtopic.yaml")
    for loc in LOCALES:
        alarms = false_alarms(offtopic[loc], loc, search, kb.threshold)
        print(f"off-topic {loc}: {len(alarms)} of {len(offtopic[loc])} would get an article")
    print("\n## Threshold sweep (tuned + held out, both languages)")
    print(f"{'threshold':>9} {'right answers kept':>19} {'off-topic answered':>19}")
    questions = [q for by_locale in sets().values() for qs in by_locale.values() for q in qs]
    off = [(q, loc) for loc in LOCALES for q in offtopic[loc]]
    for threshold in (0.10, 0.15, 0.18, 0.20, 0.22, 0.25, 0.30):
        kept = score(questions, lambda t, loc: kb.search(t, locale=loc, limit=3), threshold).kept
        wrong = sum(bool(false_alarms([q], loc, search, threshold)) for q, loc in off)
        mark = "  ← shipped" if abs(threshold - kb.threshold) < 1e-9 else ""
        print(f"{threshold:9.2f} {kept:19.3f} {wrong:12d} of {len(off)}{mark}")


# -- 2. analyzers ---------------------------------------------------------------------------
_JA = re.compile(r"[\u3005\u3040-\u30ff\u3400-\u9fff]+|[0-9a-z]+")


def ngrams(n: int) -> Analyze:
    def terms(text: str) -> list[str]:
        out: list[str] = []
        for run in _JA.findall(unicodedata.normalize("NFKC", text).casefold()):
            out += [run[i : i + n] for i in range(max(len(run) - n + 1, 0))] or []
        return out

    return terms


def compare_analyzers(articles: Sequence[Article], segmenter: JapaneseSegmenter) -> None:
    print("\n## Japanese analyzers (tuned + held-out Japanese questions, Japanese articles)")
    ja = [a for a in articles if a.locale == "ja"]
    questions = [q for by_locale in sets().values() for q in by_locale["ja"]]
    sudachi = Analyzer(segmenter).terms
    for name, terms in (("Sudachi words (shipped)", sudachi), ("character bigrams", ngrams(2)),
                        ("character trigrams (FTS5)", ngrams(3))):  # fmt: skip
        docs = [terms(a.title) * 2 + terms(" ".join(a.tags)) + terms(to_plain(a.body)) for a in ja]
        ranker = Ranker(docs)

        def search(
            text: str, _: Locale, ranker: Ranker = ranker, terms: Analyze = terms
        ) -> list[Hit]:
            return [Hit(ja[i], s) for i, s in ranker.rank(terms(text), limit=10)]

        s = score(questions, search, 0.0)
        print(f"{name:27} hit@1 {s.hit_at_1:.3f}  hit@3 {s.hit_at_3:.3f}  MRR {s.mrr:.3f}")
    print("(no synonyms for any of them, so the comparison is of the analyzers alone)")


# -- 3. latency and memory ------------------------------------------------------------------
def synthetic(articles: Sequence[Article], count: int, seed: int = 7) -> list[Article]:
    """`count` articles made of the starter set's sentences, shuffled and mixed, plus the real
    ones: a large help center's vocabulary and lengths, in both languages."""
    rng = random.Random(seed)
    sentences = {
        loc: [s for a in articles if a.locale == loc for s in re.split(r"(?<=[.。])\s*",
                                                                        to_plain(a.body)) if s]
        for loc in LOCALES
    }  # fmt: skip
    out = list(articles)
    for i in range(count - len(out)):
        loc = LOCALES[i % 2]
        body = " ".join(rng.sample(sentences[loc], 12)) + f" code{i} {rng.randrange(10**6)}"
        title = " ".join(rng.sample(sentences[loc], 1))[:80]
        out.append(Article(f"synthetic-{i}", loc, title, body, (f"t{i % 50}",),
                           "public" if i % 5 else "internal"))  # fmt: skip
    return out


def latency(articles: Sequence[Article], segmenter: JapaneseSegmenter, count: int) -> None:
    corpus = synthetic(articles, count)
    before = memory()
    started = time.perf_counter()
    index = ArticleIndex(corpus, Analyzer(segmenter))
    built = time.perf_counter() - started
    after = memory()
    questions = [q for by_locale in sets().values() for qs in by_locale.values() for q in qs]
    timings: list[float] = []
    for _ in range(5):
        for q in questions:
            t = time.perf_counter()
            index.search(q.text, locale=q.locale, audience="public", limit=5)
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    p = lambda share: timings[min(len(timings) - 1, int(share * len(timings)))]  # noqa: E731
    print(f"\n## Latency with {len(corpus):,} articles ({len(timings)} searches)")
    mean = statistics.mean(timings)
    print(f"index built in {built:.1f} s; one search: p50 {p(0.5):.2f} ms, p95 {p(0.95):.2f} ms, "
          f"p99 {p(0.99):.2f} ms, max {timings[-1]:.2f} ms (mean {mean:.2f})")  # fmt: skip
    print(f"the index adds {after[0] - before[0]} MiB private memory")
    edited = [*corpus[:-1], Article("edited", "en", "Edited", "A changed article.", (), "public")]
    started = time.perf_counter()
    ArticleIndex(edited, index.analyzer, reuse=index)
    print(f"a reload after one edit rebuilds it in {time.perf_counter() - started:.1f} s")
    terms = sum(len(document_terms(a, index.analyzer)) for a in corpus[:200]) / 200
    print(f"(about {terms:.0f} terms per article)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    start = memory()
    segmenter = JapaneseSegmenter()
    kb = KnowledgeBase(STARTER, segmenter=segmenter)
    kb.load_now()
    loaded = memory()
    quality(kb)
    compare_analyzers(kb.index.articles, segmenter)
    warm = memory()
    latency(kb.index.articles, segmenter, args.articles)
    print("\n## Memory (MiB: private RssAnon / shared file-backed RssFile)")
    print(f"after imports:                         {start[0]:4d} / {start[1]:4d}")
    print(f"+ dictionary + 48 starter articles:    {loaded[0]:4d} / {loaded[1]:4d}")
    print(f"after the evaluation (dictionary warm): {warm[0]:4d} / {warm[1]:4d}")
    print(f"with the {args.articles:,}-article index too:     {memory()[0]:4d} / {memory()[1]:4d}")


if __name__ == "__main__":
    main()
