"""Pydantic errors as positioned problems, one per place.

A value checked against a union (`P1` or a list of priorities) fails once per branch; the admin
needs the one that matches what they wrote, not "should be a valid list" beside it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pydantic import BaseModel, ValidationError

from supportbot.yamldoc import Document, Path, Problem, validation_problems

# Pydantic names a union branch by its class (`.RegexOptions`); admins never wrote that.
_BRANCH = re.compile(r"\.[A-Z][A-Za-z]+(?=\.|$)")


def problems_from(
    err: ValidationError, doc: Document, base: Path = (), model: type[BaseModel] | None = None
) -> list[Problem]:
    problems = validation_problems(err, doc, base=base, model=model)
    chosen: dict[str, tuple[bool, Problem]] = {}
    for error, problem in zip(err.errors(include_url=False), problems, strict=True):
        wrong_branch = str(error["type"]).endswith("_type") or error["type"] == "union_tag_invalid"
        problem = replace(problem, path=_BRANCH.sub("", problem.path))
        current = chosen.get(problem.path)
        if current is None or (current[0] and not wrong_branch):
            chosen[problem.path] = (wrong_branch, problem)
    kept = [p for _, p in chosen.values()]
    # A branch that failed on its type beneath a real error at a parent path is noise.
    return [
        p
        for wrong, p in chosen.values()
        if not (wrong and any(_under(p.path, q.path) for q in kept if q is not p))
    ]


def _under(path: str, parent: str) -> bool:
    return path.startswith(parent) and path[len(parent) : len(parent) + 1] in (".", "[")
