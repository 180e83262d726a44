"""The index is built at start-up and hot-reloaded; a broken edit never replaces a working one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from supportbot.knowledge import KnowledgeBase, KnowledgeError, ReloadResult
from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.base import build_snapshot
from supportbot.knowledge.index import ArticleIndex
from supportbot.knowledge.loader import load_folder
from supportbot.knowledge.segmenter import JapaneseSegmenter
from tests.knowledge.conftest import WriteArticle, article_text


def ids(kb: KnowledgeBase, text: str) -> list[str]:
    return [h.article.id for h in kb.search(text, limit=5)]


async def test_a_broken_edit_keeps_the_working_index(
    write_article: WriteArticle, tmp_path: Path
) -> None:
    reset = write_article("en/reset.md")
    kb = KnowledgeBase(tmp_path / "knowledge")
    kb.load_now()
    heard: list[tuple[ReloadResult, str]] = []

    async def listen(result: ReloadResult, who: str) -> None:
        heard.append((result, who))

    kb.listeners.append(listen)
    reset.write_text("---\ntitle: Reset\nlocale: en\n---\nno audience\n", encoding="utf-8")
    broken = await kb.reload("adam")
    assert not broken.ok and "audience: Field required" in str(broken.problems[0])
    assert ids(kb, "forgot password") == ["reset"]  # still the working version
    write_article("en/export.md", article_text("Export to CSV", "Open **Reports → Export**."))
    reset.write_text(article_text(), encoding="utf-8")
    fixed = await kb.reload("adam")
    assert fixed.ok and fixed.changed and fixed.articles == 2
    assert ids(kb, "csv export") == ["export"]
    assert [(r.ok, who) for r, who in heard] == [(False, "adam"), (True, "adam")]
    assert not (await kb.reload("adam")).changed


def test_start_up_refuses_a_broken_folder_and_accepts_a_missing_one(
    write_article: WriteArticle, tmp_path: Path
) -> None:
    write_article("en/reset.md", "no front matter")
    with pytest.raises(KnowledgeError, match=r"reset\.md:1:1: an article starts with front matter"):
        KnowledgeBase(tmp_path / "knowledge").load_now()
    empty = KnowledgeBase(tmp_path / "nowhere")
    empty.load_now()
    assert len(empty.index) == 0 and empty.search("password") == ()


async def test_the_watcher_reloads_when_a_file_changes(
    write_article: WriteArticle, tmp_path: Path
) -> None:
    write_article("en/reset.md")
    kb = KnowledgeBase(tmp_path / "knowledge")
    kb.load_now()
    watcher = asyncio.create_task(kb.watch(0.02))
    try:
        write_article(
            "ja/reset.md", article_text("パスワードの再設定", "再設定します。", locale="ja")
        )
        for _ in range(250):  # at most 5 s
            if kb.article("reset", "ja") is not None:
                break
            await asyncio.sleep(0.02)
        assert kb.article("reset", "ja") is not None
    finally:
        watcher.cancel()
        with pytest.raises(asyncio.CancelledError):
            await watcher


def test_a_reload_analyses_only_what_changed(write_article: WriteArticle, tmp_path: Path) -> None:
    write_article("en/reset.md")
    write_article("en/export.md", article_text("Export to CSV", "Open **Reports → Export**."))
    folder = tmp_path / "knowledge"
    first, _ = build_snapshot(folder, JapaneseSegmenter())
    assert first is not None
    write_article("en/export.md", article_text("Export to Excel", "Open **Reports → Export**."))
    counting = CountingAnalyzer(first.index.analyzer)
    second = ArticleIndex(load_folder(folder).articles, counting, reuse=first.index)
    assert counting.texts == ["Export to Excel", "", "Open **Reports → Export**."]  # one file
    assert second.search("excel", limit=1)[0].article.id == "export"


class CountingAnalyzer(Analyzer):
    def __init__(self, like: Analyzer) -> None:
        super().__init__(like.segmenter, like.synonyms)
        self.texts: list[str] = []

    def terms(self, text: str) -> list[str]:
        self.texts.append(text)
        return super().terms(text)
