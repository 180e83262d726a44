"""Fixtures for the knowledge base: the shipped starter articles, loaded once per session, and
a helper to write article folders for tests that need their own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from supportbot.knowledge import KnowledgeBase
from supportbot.knowledge.segmenter import JapaneseSegmenter

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "knowledge"
EVAL = Path(__file__).parent / "eval"

WriteArticle = Callable[..., Path]


@pytest.fixture(scope="session")
def segmenter() -> JapaneseSegmenter:
    return JapaneseSegmenter()


@pytest.fixture(scope="session")
def starter(segmenter: JapaneseSegmenter) -> KnowledgeBase:
    """The shipped articles (read-only: never reload or change it in a test)."""
    kb = KnowledgeBase(STARTER, segmenter=segmenter)
    kb.load_now()
    return kb


def article_text(
    title: str = "Reset your password",
    body: str = "Click **Forgot password?** on the sign-in page.",
    *,
    locale: str = "en",
    audience: str = "public",
    extra: str = "",
) -> str:
    return f"---\ntitle: {title}\nlocale: {locale}\naudience: {audience}\n{extra}---\n{body}\n"


@pytest.fixture
def write_article(tmp_path: Path) -> WriteArticle:
    """`write_article("en/reset.md", text)` under a fresh knowledge folder; returns the path."""

    def write(name: str, text: str | None = None, **fields: str) -> Path:
        path = tmp_path / "knowledge" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text is not None else article_text(**fields), encoding="utf-8")
        return path

    (tmp_path / "knowledge").mkdir(exist_ok=True)
    return write
