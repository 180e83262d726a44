"""YAML that cannot surprise: positions for every node, duplicate keys refused, clear errors.

`load(text, filename)` returns plain Python data plus a map from each value's path to where it
stands in the file, so a validation error on `workflows[2].steps[0].with.team` can be reported
as `workflows/triage.yaml:14:17: workflows[2].steps[0].with.team: …`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class ProblemsError(Exception):
    """One or more problems in a YAML file; `str()` lists them one per line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Document:
    file: str
    data: Any
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """Line and column (1-based) of the nearest node on `path` that has a position."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.marks:
                return self.marks[path[:cut]]
        return (1, 1)

    def problem(self, path: Path, message: str) -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, format_path(path), message)


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# libyaml's parser when PyYAML has it: ten times faster, with the same marks and resolvers
# (scenario runs and template catalogs parse hundreds of files).
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader whose booleans are only true/false: `on`, `yes`, `no` stay strings."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load(text: str, file: str) -> Document:
    """Parse YAML text; raise `ProblemsError` for syntax errors and duplicate keys."""
    doc, duplicates = load_lenient(text, file)
    if duplicates:
        raise ProblemsError(duplicates)
    return doc


def load_lenient(text: str, file: str) -> tuple[Document, list[Problem]]:
    """Like `load`, but a duplicate key is returned as a problem beside the document (its first
    value kept), so validation can go on and report every mistake in one run. A syntax error
    still raises `ProblemsError`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ProblemsError([Problem(file, line, col, "", f"invalid YAML: {exc.problem}")]) from exc
    doc = Document(file, None)
    duplicates: list[Problem] = []
    if node is not None:
        doc.data = _convert(node, (), doc, duplicates, yaml.constructor.SafeConstructor())
    return doc, duplicates


def _convert(
    node: yaml.Node,
    path: Path,
    doc: Document,
    problems: list[Problem],
    scalars: yaml.constructor.SafeConstructor,
) -> Any:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = scalars.construct_object(key_node)
            if key in out:
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(
                    Problem(
                        doc.file,
                        line,
                        col,
                        format_path((*path, str(key))),
                        f"duplicate key {key!r} (first at line {doc.marks[(*path, str(key))][0]})",
                    )
                )
                continue
            doc.marks[(*path, str(key))] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = _convert(value_node, (*path, str(key)), doc, problems, scalars)
            doc.marks[(*path, str(key))] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, i), doc, problems, scalars) for i, item in enumerate(node.value)
        ]
    return scalars.construct_object(node)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validation_problems(
    err: ValidationError, doc: Document, base: Path = (), model: type[BaseModel] | None = None
) -> list[Problem]:
    """Turn a pydantic error into positioned problems, with a 'did you mean' for unknown keys."""
    problems: list[Problem] = []
    for e in err.errors(include_url=False):
        loc: Path = (*base, *(p for p in e["loc"] if not _is_union_tag(p)))
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, e["loc"]) if model else []
            message = f"unknown key {str(loc[-1])!r}" + did_you_mean(str(loc[-1]), allowed)
            if allowed:
                message += f"; expected one of: {', '.join(sorted(allowed))}"
        elif e["type"] == "literal_error":
            expected = (e.get("ctx") or {}).get("expected", "")
            message = f"{e['input']!r} is not allowed; expected {expected}"
            options = [o.strip(" '") for o in str(expected).replace(" or ", ",").split(",")]
            message += did_you_mean(str(e["input"]), options)
        problems.append(doc.problem(loc, message))
    return problems


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith("function-") or "[" in part)


def _allowed_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if not fields:
            return []
        info = next((f for n, f in fields.items() if (f.alias or n) == part), None)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    fields = getattr(current, "model_fields", {})
    return [f.alias or n for n, f in fields.items()]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
