"""Workflows once validated: typed, compiled, immutable. The engine only ever sees these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from supportbot.happenings import TRIGGERS
from supportbot.workflows.registry import ActionSpec, Predicate

FILE_KEYS = ("version", "workflows")
WORKFLOW_KEYS = ("name", "description", "trigger", "cron", "if", "steps", "enabled")
STEP_KEYS = ("action", "with")
# Triggers whose happenings carry no ticket: ticket actions make no sense there.
TICKETLESS_TRIGGERS = frozenset({"schedule", "trend.spike"})
assert set(TRIGGERS) >= TICKETLESS_TRIGGERS


@dataclass(frozen=True, slots=True)
class Step:
    index: int
    spec: ActionSpec
    params: BaseModel
    line: int

    @property
    def action(self) -> str:
        return self.spec.name


@dataclass(frozen=True, slots=True)
class Workflow:
    name: str
    trigger: str
    condition: Predicate
    steps: tuple[Step, ...]
    file: str
    line: int
    digest: str  # of this workflow's own definition: a resumed `wait` checks it is unchanged
    cron: str | None = None
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class WorkflowSet:
    """One consistent version of every workflow file, swapped in as a whole."""

    workflows: tuple[Workflow, ...] = ()
    files: dict[str, str] = field(default_factory=dict)  # file -> content, for the record
    digest: str = ""
    by_trigger: dict[str, tuple[Workflow, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, workflows: tuple[Workflow, ...], files: dict[str, str], digest: str) -> WorkflowSet:
        by_trigger: dict[str, list[Workflow]] = {}
        for wf in workflows:
            if wf.enabled:
                by_trigger.setdefault(wf.trigger, []).append(wf)
        return cls(workflows, files, digest, {k: tuple(v) for k, v in by_trigger.items()})

    def get(self, name: str) -> Workflow | None:
        return next((w for w in self.workflows if w.name == name), None)

    def for_trigger(self, trigger: str) -> tuple[Workflow, ...]:
        return self.by_trigger.get(trigger, ())

    def summary(self) -> dict[str, Any]:
        return {"files": sorted(self.files), "workflows": [w.name for w in self.workflows]}
