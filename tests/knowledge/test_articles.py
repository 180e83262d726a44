"""Articles are Markdown files with front matter; every mistake is reported at once, located."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.knowledge.base import build_snapshot
from supportbot.knowledge.frontmatter import ArticleProblems, parse_article
from supportbot.knowledge.loader import knowledge_folder, load_folder
from supportbot.knowledge.segmenter import JapaneseSegmenter
from tests.knowledge.conftest import STARTER, WriteArticle, article_text


def test_the_starter_set_is_valid_and_every_article_exists_in_both_languages() -> None:
    loaded = load_folder(STARTER)
    assert loaded.ok, "\n".join(map(str, loaded.problems))
    by_locale = {loc: {a.id for a in loaded.articles if a.locale == loc} for loc in ("en", "ja")}
    assert 15 <= len(by_locale["en"]) <= 25
    assert by_locale["en"] == by_locale["ja"]  # translations share their id
    audiences = {(a.id, a.audience) for a in loaded.articles}
    assert len(audiences) == len(by_locale["en"])  # a translation keeps its original's audience
    assert any(a.audience == "internal" for a in loaded.articles)


def test_an_article_reads_its_front_matter_and_takes_its_id_from_the_file_name(
    write_article: WriteArticle,
) -> None:
    body = "ログイン画面で **パスワードをお忘れですか？** をクリックします。"
    text = article_text(
        "パスワードを再設定する", body, locale="ja", extra="tags: [アカウント, ログイン]\n"
    )
    path = write_article("ja/password-reset.md", text)
    article = parse_article(path.read_text(encoding="utf-8"), str(path))
    assert (article.id, article.locale, article.audience) == ("password-reset", "ja", "public")
    assert article.tags == ("アカウント", "ログイン")
    assert article.body.startswith("ログイン画面で")
    assert not article.draft


def test_every_problem_in_a_folder_is_reported_with_file_line_and_column(
    write_article: WriteArticle, tmp_path: Path
) -> None:
    write_article("en/typo.md", "---\ntitle: Export\nlocale: en\naudiense: public\n---\nText\n")
    write_article("en/bad-locale.md", "---\ntitle: Export\nlocale: fr\naudience: public\n---\nx\n")
    write_article("en/no-front-matter.md", "# Just a heading\n")
    write_article("en/unclosed.md", "---\ntitle: Export\n")
    write_article("en/empty.md", "---\ntitle: Empty\nlocale: en\naudience: public\n---\n\n")
    write_article("en/Bad Name.md", article_text())
    write_article("en/twice.md", "---\ntitle: A\ntitle: B\nlocale: en\naudience: public\n---\nx\n")
    write_article("en/one.md", article_text(extra="id: shared\n"))
    write_article("en/two.md", article_text(extra="id: shared\n"))
    loaded = load_folder(tmp_path / "knowledge")
    found = {(Path(p.file).name, p.line, p.column, p.message) for p in loaded.problems}
    assert not loaded.ok and loaded.articles == ()  # nothing half-loaded
    messages = "\n".join(map(str, loaded.problems))
    assert ("typo.md", 4, 1) in {(f, line, col) for f, line, col, _ in found}
    assert "unknown key 'audiense' (did you mean 'audience'?)" in messages
    assert "bad-locale.md:3:1: locale: 'fr' is not allowed" in messages
    assert "no-front-matter.md:1:1: an article starts with front matter" in messages
    assert "unclosed.md:1:1: the front matter has no closing `---`" in messages
    assert "empty.md:5:1: the article has no text after `---`" in messages
    assert "'Bad Name' is not an article id" in messages
    assert "twice.md:3:1: title: duplicate key 'title' (first at line 2)" in messages
    assert "two.md:1:1: id: another en article has the id 'shared'" in messages


def test_drafts_are_validated_but_never_searched(write_article: WriteArticle) -> None:
    write_article("en/reset.md")
    write_article("drafts/ticket-7.en.md", article_text(
        "Reset the password of a locked account", "Unlock it, then reset the password.",
        extra="id: ticket-7\ndraft: true\n",
    ))  # fmt: skip
    snapshot, problems = build_snapshot(write_article("README.md", "notes").parent,
                                        JapaneseSegmenter())  # fmt: skip
    assert problems == () and snapshot is not None
    assert [a.id for a in snapshot.drafts] == ["ticket-7"]
    assert {h.article.id for h in snapshot.index.search("locked account password")} == {"reset"}


def test_synonym_problems_are_located_too(write_article: WriteArticle, tmp_path: Path) -> None:
    write_article("en/reset.md", "no front matter")
    (tmp_path / "knowledge" / "synonyms.yaml").write_text(
        "version: 1\nsynonyms:\n  - [invoice, bill]\n  - [lonely]\n  - [red green blue white, x]\n",
        encoding="utf-8",
    )
    snapshot, problems = build_snapshot(tmp_path / "knowledge", JapaneseSegmenter())
    assert snapshot is None
    text = "\n".join(map(str, problems))
    assert "synonyms.yaml:4:5: synonyms[1]: a group lists two or more words" in text
    assert "synonyms.yaml:5:5: synonyms[2]: 'red green blue white' gives 4 search terms" in text
    assert "reset.md:1:1: an article starts with front matter" in text  # all at once


def test_the_folder_is_relative_to_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config" / "supportbot.yaml"
    assert knowledge_folder("../knowledge", config) == tmp_path / "config" / ".." / "knowledge"
    assert knowledge_folder("knowledge", None) == Path("knowledge")
    assert knowledge_folder(str(tmp_path / "kb"), config) == tmp_path / "kb"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["", "---\n", "---\ntitle: x\nlocale: en\n"]))
def test_any_file_is_an_article_or_a_list_of_located_problems(text: str, head: str) -> None:
    try:
        article = parse_article(head + text, "k/any.md")
    except ArticleProblems as exc:
        assert exc.problems and all(p.file == "k/any.md" and p.line >= 1 for p in exc.problems)
    else:
        assert article.title and article.body
