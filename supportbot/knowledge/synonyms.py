"""`synonyms.yaml`: words that mean the same to a customer, searched as one word.

```yaml
version: 1
synonyms:
  - [webhook, ウェブフック, Webフック]
  - [excel, エクセル]
```
Each entry is analysed like any text (ウェブフック gives ウェブ + フック, "sign in" gives sign) and
may be a phrase of up to three terms; wherever an entry's terms appear in a row, in articles and
questions alike, they are replaced by the group's first entry, as one term.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from supportbot import yamldoc
from supportbot.yamldoc import Problem

SYNONYMS_FILE = "synonyms.yaml"
MAX_PHRASE = 3


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    words: tuple[str, ...]
    where: Problem  # file, line and column of the group (its message is unused)


SynonymGroups = tuple[SynonymGroup, ...]


def read_synonyms(path: Path, files: dict[str, str]) -> tuple[SynonymGroups, list[Problem]]:
    """The groups as written (analysis comes later); `files` records the text read."""
    if not path.is_file():
        return (), []
    try:
        text = path.read_text(encoding="utf-8")
        files[str(path)] = text
        doc = yamldoc.load(text, str(path))
    except (OSError, UnicodeDecodeError):
        return (), [Problem(str(path), 1, 1, "", "cannot read the file as UTF-8 text")]
    except yamldoc.ProblemsError as exc:
        return (), list(exc.problems)
    return _groups(doc)


def _groups(doc: yamldoc.Document) -> tuple[SynonymGroups, list[Problem]]:
    data = doc.data
    if data is None:
        return (), []
    if not isinstance(data, dict) or set(data) - {"version", "synonyms"}:
        return (), [doc.problem((), "expected `version: 1` and `synonyms:` (a list of lists)")]
    problems: list[Problem] = []
    if data.get("version") != 1:
        problems.append(doc.problem(("version",), "expected `version: 1`"))
    groups: list[SynonymGroup] = []
    items = data.get("synonyms") or []
    if not isinstance(items, list):
        return (), [*problems, doc.problem(("synonyms",), "`synonyms` must be a list of lists")]
    for i, group in enumerate(items):
        if not isinstance(group, list) or len(group) < 2:
            problems.append(doc.problem(("synonyms", i), "a group lists two or more words"))
        elif not all(isinstance(w, str) and w.strip() for w in group):
            problems.append(doc.problem(("synonyms", i), "every word must be text"))
        else:
            where = doc.problem(("synonyms", i), "")
            groups.append(SynonymGroup(tuple(w.strip() for w in group), where))
    return tuple(groups), problems


Phrases = dict[tuple[str, ...], str]


def synonym_map(
    groups: SynonymGroups, terms_of: Callable[[str], list[str]]
) -> tuple[Phrases, list[Problem]]:
    """The terms of each word (one, or a phrase of up to three) → its group's first word."""
    mapping: Phrases = {}
    problems: list[Problem] = []
    for group in groups:
        phrases: list[tuple[str, ...]] = []
        for word in group.words:
            found = tuple(terms_of(word))
            if not 1 <= len(found) <= MAX_PHRASE:
                message = (
                    f"{word!r} gives {len(found)} search terms {list(found)}; "
                    f"a synonym is one to {MAX_PHRASE} words"
                )
                problems.append(_at(group.where, message))
            else:
                phrases.append(found)
        if not phrases:
            continue
        canonical = " ".join(phrases[0])
        for phrase in phrases:
            if mapping.get(phrase, canonical) != canonical:
                problems.append(_at(group.where, f"{' '.join(phrase)!r} is in another group too"))
            mapping[phrase] = canonical
    return {k: v for k, v in mapping.items() if k != (v,)}, problems


def _at(where: Problem, message: str) -> Problem:
    return Problem(where.file, where.line, where.column, where.path, message)
