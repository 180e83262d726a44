"""Read a knowledge folder: every article and the synonyms, with every problem at once.

Articles are the `*.md` files anywhere below the folder (so admins may keep `en/` and `ja/`
side by side), except dot files and `README.md`. `synonyms.yaml` at the top is optional.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from supportbot.knowledge.article import Article
from supportbot.knowledge.frontmatter import ArticleProblems, parse_article
from supportbot.knowledge.synonyms import SYNONYMS_FILE, SynonymGroups, read_synonyms
from supportbot.workflows.watch import Signature, files_signature
from supportbot.yamldoc import Problem

SKIPPED_NAMES = frozenset({"README.md", "readme.md"})


@dataclass(frozen=True, slots=True)
class LoadResult:
    articles: tuple[Article, ...] = ()  # published: what search sees
    drafts: tuple[Article, ...] = ()
    synonyms: SynonymGroups = ()
    problems: tuple[Problem, ...] = ()
    digest: str = ""
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def article_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.md") if p.is_file() and _visible(p, folder))


def _visible(path: Path, folder: Path) -> bool:
    parts = path.relative_to(folder).parts
    return path.name not in SKIPPED_NAMES and not any(p.startswith(".") for p in parts)


def signature(folder: Path) -> Signature:
    """Name, mtime and size of every file a load reads: a change means a reload is due."""
    return files_signature([*article_files(folder), folder / SYNONYMS_FILE])


def load_folder(folder: Path) -> LoadResult:
    problems: list[Problem] = []
    files: dict[str, str] = {}
    published: list[Article] = []
    drafts: list[Article] = []
    for path, text in _read(article_files(folder), problems):
        files[str(path)] = text
        try:
            article = parse_article(text, str(path))
        except ArticleProblems as exc:
            problems += exc.problems
            continue
        (drafts if article.draft else published).append(article)
    problems += _duplicates(published)
    synonyms, synonym_problems = read_synonyms(folder / SYNONYMS_FILE, files)
    problems += synonym_problems
    digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()
    if problems:
        return LoadResult(synonyms=synonyms, problems=tuple(problems), digest=digest, files=files)
    return LoadResult(tuple(published), tuple(drafts), synonyms, (), digest, files)


def _read(paths: list[Path], problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    for path in paths:
        try:
            yield path, path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            problems.append(Problem(str(path), 1, 1, "", f"cannot read: {reason}"))


def _duplicates(articles: list[Article]) -> list[Problem]:
    first: dict[tuple[str, str], Article] = {}
    problems: list[Problem] = []
    for article in articles:
        seen = first.setdefault(article.key, article)
        if seen is not article:
            message = (
                f"another {article.locale} article has the id {article.id!r} ({seen.file}); "
                "translations share an id, but each locale has one article"
            )
            problems.append(Problem(article.file, 1, 1, "id", message))
    return problems


def knowledge_folder(configured: str, config_file: Path | None) -> Path:
    """`knowledge_dir` from the config: relative to the config file's folder (to the working
    directory when there is no config file)."""
    path = Path(configured).expanduser()
    if path.is_absolute() or config_file is None:
        return path
    return config_file.parent / path
