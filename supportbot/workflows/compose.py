"""Compile an `if:` tree into one predicate, reporting every problem with its position.

    if:                                  a mapping: every key must hold (and)
      priority: P1                       a registered condition
      any: [ {tags: vip}, … ]            at least one
      all: [ … ]                         every one
      not: {business_hours: true}        the opposite
A list of conditions means `all`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from supportbot.workflows.problems import problems_from
from supportbot.workflows.refs import References
from supportbot.workflows.registry import Predicate, Registry
from supportbot.yamldoc import Document, Path, Problem, did_you_mean


def always(_facts: Any) -> bool:
    return True


def never(_facts: Any) -> bool:
    return False


class ConditionCompiler:
    def __init__(self, registry: Registry, refs: References | None, doc: Document) -> None:
        self.registry = registry
        self.refs = refs
        self.doc = doc
        self.problems: list[Problem] = []

    def compile(self, node: Any, path: Path) -> Predicate:
        if node is None:
            return always
        if isinstance(node, list):
            return _all([self.compile(item, (*path, i)) for i, item in enumerate(node)])
        if not isinstance(node, dict) or not node:
            self._problem(path, "a condition must be a mapping such as {priority: P1}, or a list")
            return never
        return _all([self._key(str(k), v, (*path, str(k))) for k, v in node.items()])

    def _key(self, key: str, value: Any, path: Path) -> Predicate:
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                self._problem(path, f"`{key}` needs a non-empty list of conditions")
                return never
            parts = [self.compile(item, (*path, i)) for i, item in enumerate(value)]
            return _all(parts) if key == "all" else _any(parts)
        if key == "not":
            inner = self.compile(value, path)
            return lambda f: not inner(f)
        return self._condition(key, value, path)

    def _condition(self, name: str, value: Any, path: Path) -> Predicate:
        spec = self.registry.get_condition(name)
        if spec is None:
            names = sorted([c.name for c in self.registry.conditions] + ["all", "any", "not"])
            self._problem(
                path,
                f"unknown condition {name!r}{did_you_mean(name, names)}; expected one of: "
                + ", ".join(names),
            )
            return never
        try:
            validated = spec.value.validate_python(value, context=self.refs)
        except ValidationError as exc:
            self.problems += problems_from(exc, self.doc, base=path)
            return never
        return spec.factory(validated)

    def _problem(self, path: Path, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))


def _all(parts: Sequence[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    items = tuple(parts)

    def every(f: Any) -> bool:
        for p in items:  # noqa: SIM110 -- a plain loop: the innermost path, no generator
            if not p(f):
                return False
        return True

    return every


def _any(parts: Sequence[Predicate]) -> Predicate:
    items = tuple(parts)

    def some(f: Any) -> bool:
        for p in items:  # noqa: SIM110
            if p(f):
                return True
        return False

    return some
