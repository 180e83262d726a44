"""`supportbot kb validate` and `kb search`: exit codes, JSON, and sentences from templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportbot.knowledge.cli import main
from tests.knowledge.conftest import STARTER, WriteArticle, article_text


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A Japanese desk whose articles are the starter set (relative to the config file)."""
    folder = tmp_path / "config"
    folder.mkdir()
    path = folder / "supportbot.yaml"
    path.write_text(f"locale: ja\nknowledge_dir: {STARTER}\n", encoding="utf-8")
    return path


def test_validate_counts_the_articles(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--config", str(config)]) == 0
    assert capsys.readouterr().out.startswith("ok: 記事 48 件（英語 24 件、日本語 24 件）")


def test_validate_lists_every_problem_and_fails(
    write_article: WriteArticle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_article("en/a.md", article_text(audience="everyone"))
    write_article("en/b.md", "---\ntitle: B\n")
    assert main(["validate", "--dir", str(tmp_path / "knowledge")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("a.md:4:1: audience: 'everyone' is not allowed; expected 'public' or "
                           "'internal'")  # fmt: skip
    assert err[1].endswith("b.md:1:1: the front matter has no closing `---`")
    assert err[2] == "2 problem(s)"
    assert main(["validate", "--dir", str(tmp_path / "nowhere")]) == 1
    assert "There is no knowledge folder" in capsys.readouterr().err


def test_search_prints_json_best_first(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["search", "ＣＳＶエクスポートが失敗する", "--format", "json", "--limit", "3"]
    assert main([*args, "--config", str(config)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [set(r) for r in rows] == [{"id", "title", "locale", "score"}] * len(rows)
    assert rows[0]["id"] == "export-csv" and rows[0]["locale"] == "ja"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    public = ["search", "refund policy", "--audience", "public", "--locale", "en", "--format",
              "json", "--config", str(config)]  # fmt: skip
    assert main(public) == 0
    assert all(r["id"] != "refund-approval-policy" for r in json.loads(capsys.readouterr().out))


def test_search_as_a_table_and_on_a_broken_folder(
    config: Path, write_article: WriteArticle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "webhook retries", "--limit", "1", "--config", str(config)]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header == "スコア  id / 言語  タイトル" and " webhooks / en  " in row
    write_article("en/a.md", "broken")
    assert main(["search", "x", "--dir", str(tmp_path / "knowledge")]) == 2
    err = capsys.readouterr().err
    assert "nothing was searched" in err and "a.md:1:1: an article starts" in err
    with pytest.raises(SystemExit):
        main(["search", "x", "--limit", "0"])
