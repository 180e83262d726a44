"""Split an article file into its front matter and its text, with every problem located.

The front matter is parsed by `supportbot.yamldoc` (no YAML 1.1 booleans, duplicate keys
refused) on the file's own line numbers, so an error reads
`knowledge/en/password-reset.md:3:9: locale: 'fr' is not allowed; expected 'en' or 'ja'`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from supportbot import yamldoc
from supportbot.knowledge.article import Article, Audience, Locale
from supportbot.yamldoc import Problem

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,99}$"
_ID = re.compile(ID_PATTERN)
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    title: Text
    locale: Locale
    audience: Audience = Field(description="public: customers may see it; internal: agents only")
    id: Annotated[str, StringConstraints(pattern=ID_PATTERN)] | None = None
    tags: list[Text] = Field(default_factory=list)
    draft: bool = False


class ArticleProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def parse_article(text: str, file: str) -> Article:
    """Parse one article; raise `ArticleProblems` listing everything wrong with it."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ArticleProblems([_missing(file)])
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise ArticleProblems([Problem(file, 1, 1, "", "the front matter has no closing `---`")])
    try:
        doc, problems = yamldoc.load_lenient("\n".join(lines[:end]) + "\n", file)
    except yamldoc.ProblemsError as exc:
        raise ArticleProblems(list(exc.problems)) from exc
    meta = _validate(doc, problems)
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        problems.append(Problem(file, end + 1, 1, "", "the article has no text after `---`"))
    article_id = _article_id(meta, doc, file, problems)
    if problems or meta is None or article_id is None:
        raise ArticleProblems(problems)
    return Article(
        article_id,
        meta.locale,
        meta.title,
        body,
        tuple(meta.tags),
        meta.audience,
        file,
        end + 2,
        meta.draft,
    )


def _validate(doc: yamldoc.Document, problems: list[Problem]) -> FrontMatter | None:
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "the front matter must be a mapping: `title: …`"))
        return None
    try:
        return FrontMatter.model_validate(doc.data)
    except ValidationError as exc:
        problems += yamldoc.validation_problems(exc, doc, model=FrontMatter)
        return None


def _article_id(
    meta: FrontMatter | None, doc: yamldoc.Document, file: str, problems: list[Problem]
) -> str | None:
    if meta is not None and meta.id is not None:
        return meta.id
    stem = Path(file).stem
    if _ID.match(stem):
        return stem
    if meta is not None:  # otherwise the front matter's own problems come first
        problems.append(
            doc.problem(
                (),
                f"the file name {stem!r} is not an article id: name the file like "
                "`password-reset.md` (lower case, digits, - and _) or set `id:`",
            )
        )
    return None


def _missing(file: str) -> Problem:
    return Problem(
        file,
        1,
        1,
        "",
        "an article starts with front matter: a line `---`, then `title:`, `locale:` and "
        "`audience:`, then a line `---`",
    )
