"""Read workflow files into a `WorkflowSet`, reporting every problem at once with its position.

Files are read in name order and workflows keep file order, so evaluation is deterministic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from croniter import croniter
from pydantic import ValidationError

from supportbot import yamldoc
from supportbot.config import Config
from supportbot.happenings import TRIGGERS
from supportbot.templates import load_catalog
from supportbot.workflows.compose import ConditionCompiler
from supportbot.workflows.problems import problems_from
from supportbot.workflows.refs import References
from supportbot.workflows.registry import Registry
from supportbot.workflows.schema import (
    FILE_KEYS,
    STEP_KEYS,
    TICKETLESS_TRIGGERS,
    WORKFLOW_KEYS,
    Step,
    Workflow,
    WorkflowSet,
)
from supportbot.yamldoc import (
    Document,
    Problem,
    ProblemsError,
    did_you_mean,
)
from supportbot.yamldoc import (
    Path as YamlPath,
)

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"


@dataclass(frozen=True, slots=True)
class LoadResult:
    workflows: WorkflowSet | None  # None when there were problems
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def workflow_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, and those directly inside named folders, sorted by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [
                p
                for p in path.iterdir()
                if p.suffix in (".yaml", ".yml") and p.is_file() and not p.name.startswith(".")
            ]  # dot files are editors' swap and backup files
        else:
            found.append(path)
    return sorted(found, key=lambda p: (p.name, str(p)))


def references_for(
    config: Config, workflows_dir: Path, features: Sequence[Path] = ()
) -> tuple[References, list[Problem]]:
    """What names workflows may use: the config, plus the package's, the features' (`features`:
    their template folders) and the admin's templates."""
    folders = dict.fromkeys([PACKAGE_TEMPLATES, *features, workflows_dir / "templates"])
    try:
        catalog = load_catalog(list(folders))
    except ProblemsError as exc:
        return References(config, frozenset()), list(exc.problems)
    return References(config, frozenset(catalog.names())), []


def load_workflows(
    paths: Sequence[Path], *, registry: Registry, refs: References | None
) -> LoadResult:
    problems: list[Problem] = []
    workflows: list[Workflow] = []
    files: dict[str, str] = {}
    seen: dict[str, Workflow] = {}
    for path in workflow_files(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            problems.append(Problem(str(path), 1, 1, "", f"cannot read: {exc.strerror}"))
            continue
        files[str(path)] = text
        try:
            doc, duplicates = yamldoc.load_lenient(text, str(path))
        except ProblemsError as exc:
            problems += exc.problems
            continue
        problems += duplicates
        reader = _FileReader(doc, registry, refs, seen)
        workflows += reader.read()
        problems += reader.problems
    if problems:
        return LoadResult(None, tuple(problems))
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return LoadResult(WorkflowSet.of(tuple(workflows), files, digest), ())


class _FileReader:
    def __init__(
        self, doc: Document, registry: Registry, refs: References | None, seen: dict[str, Workflow]
    ) -> None:
        self.doc, self.registry, self.refs, self.seen = doc, registry, refs, seen
        self.problems: list[Problem] = []

    def problem(self, path: YamlPath, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def read(self) -> list[Workflow]:
        data = self.doc.data
        if data is None:
            return []  # an empty file is allowed: nothing to do
        if not isinstance(data, dict):
            self.problem((), "a workflow file is a mapping with `version: 1` and `workflows:`")
            return []
        self.unknown_keys(data, (), FILE_KEYS)
        if data.get("version") != 1:
            self.problem(("version",), f"expected `version: 1`, got {data.get('version')!r}")
        items = data.get("workflows")
        if not isinstance(items, list):
            self.problem(("workflows",), "`workflows` must be a list of workflows")
            return []
        out = [self.workflow(item, ("workflows", i)) for i, item in enumerate(items)]
        return [w for w in out if w is not None]

    def unknown_keys(self, data: dict[Any, Any], path: YamlPath, allowed: Sequence[str]) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed)
                if key in (True, "on"):  # YAML 1.1 reads `on:` as true: we name it `trigger:`
                    hint = " (write `trigger:`)"
                self.problem(
                    (*path, str(key)),
                    f"unknown key {str(key)!r}{hint}; expected one of: {', '.join(allowed)}",
                )

    def workflow(self, data: Any, path: YamlPath) -> Workflow | None:
        if not isinstance(data, dict):
            self.problem(path, "a workflow is a mapping with name, trigger and steps")
            return None
        before = len(self.problems)
        self.unknown_keys(data, path, WORKFLOW_KEYS)
        name = self.name(data, path)
        trigger = self.trigger(data, path)
        cron = self.cron(data, path, trigger)
        compiler = ConditionCompiler(self.registry, self.refs, self.doc)
        condition = compiler.compile(data.get("if"), (*path, "if"))
        self.problems += compiler.problems
        steps = self.steps(data.get("steps"), (*path, "steps"), trigger)
        enabled, description = self.flags(data, path)
        if len(self.problems) > before or name is None or trigger is None:
            return None
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        line = self.doc.where(path)[0]
        workflow = Workflow(
            name, trigger, condition, tuple(steps), self.doc.file, line, digest, cron,
            description, enabled,
        )  # fmt: skip
        self.seen[name] = workflow
        return workflow

    def flags(self, data: dict[str, Any], path: YamlPath) -> tuple[bool, str]:
        enabled = data.get("enabled", True)
        if not isinstance(enabled, bool):
            self.problem((*path, "enabled"), "`enabled` must be true or false")
        description = data.get("description", "")
        if not isinstance(description, str):
            self.problem((*path, "description"), "`description` must be text")
        return enabled is True, str(description)

    def name(self, data: dict[str, Any], path: YamlPath) -> str | None:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem((*path, "name") if "name" in data else path, "a workflow needs a `name`")
            return None
        if (first := self.seen.get(name)) is not None:
            self.problem(
                (*path, "name"),
                f"duplicate workflow name {name!r} (first in {first.file}:{first.line})",
            )
        return name

    def trigger(self, data: dict[str, Any], path: YamlPath) -> str | None:
        trigger = data.get("trigger")
        if trigger is None:
            self.problem(
                path, f"a workflow needs a `trigger`; expected one of: {', '.join(TRIGGERS)}"
            )
            return None
        if trigger not in TRIGGERS:
            self.problem(
                (*path, "trigger"),
                f"unknown trigger {trigger!r}{did_you_mean(str(trigger), TRIGGERS)}; "
                f"expected one of: {', '.join(TRIGGERS)}",
            )
            return None
        return str(trigger)

    def cron(self, data: dict[str, Any], path: YamlPath, trigger: str | None) -> str | None:
        cron = data.get("cron")
        if trigger == "schedule" and cron is None:
            self.problem(
                path, 'a `trigger: schedule` workflow needs `cron:`, e.g. "0 9 * * mon-fri"'
            )
        elif cron is not None and trigger != "schedule":
            self.problem((*path, "cron"), "`cron` only applies to `trigger: schedule`")
        elif cron is not None and (not isinstance(cron, str) or not croniter.is_valid(cron)):
            self.problem(
                (*path, "cron"),
                f"{cron!r} is not a cron expression (minute hour day month weekday)",
            )
        return cron if isinstance(cron, str) else None

    def steps(self, data: Any, path: YamlPath, trigger: str | None) -> list[Step]:
        if not isinstance(data, list) or not data:
            self.problem(path, "`steps` must be a non-empty list of `- action: NAME`")
            return []
        steps = [self.step(item, (*path, i), i, trigger) for i, item in enumerate(data)]
        return [s for s in steps if s is not None]

    def step(self, data: Any, path: YamlPath, index: int, trigger: str | None) -> Step | None:
        if not isinstance(data, dict):
            self.problem(path, "a step is a mapping: `- action: NAME` with optional `with:`")
            return None
        self.unknown_keys(data, path, STEP_KEYS)
        action = data.get("action")
        spec = self.registry.get_action(action) if isinstance(action, str) else None
        if spec is None:
            names = sorted(a.name for a in self.registry.actions)
            where = (*path, "action") if "action" in data else path
            self.problem(
                where,
                f"unknown action {action!r}{did_you_mean(str(action), names)}; "
                f"expected one of: {', '.join(names)}",
            )
            return None
        if spec.needs_ticket and trigger in TICKETLESS_TRIGGERS:
            self.problem(
                (*path, "action"), f"action {spec.name!r} needs a ticket; `{trigger}` has none"
            )
        params_data = data.get("with", {})
        if params_data is None:
            params_data = {}
        if not isinstance(params_data, dict):
            self.problem((*path, "with"), "`with` must be a mapping of parameters")
            return None
        try:
            params = spec.params.model_validate(params_data, context=self.refs)
        except ValidationError as exc:
            self.problems += problems_from(exc, self.doc, base=(*path, "with"), model=spec.params)
            return None
        return Step(index, spec, params, self.doc.where(path)[0])
