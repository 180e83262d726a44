"""`supportbot workflows schema [--scenarios]`: JSON Schemas editors use to complete and check
workflow files and scenario files.

The schemas say what the loader accepts, no more and no less: a step's `with:` is required only
when its action has a required parameter, and durations are the loader's `30m`, `1h30m`, not
ISO 8601. Wire one into VS Code (Red Hat's YAML extension) or any YAML language server with a
first line in the file, e.g. `# yaml-language-server: $schema=../workflows.schema.json`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from supportbot.happenings import TRIGGERS
from supportbot.workflows.registry import Registry

CONDITION_REF = {"$ref": "#/$defs/Condition"}
DIALECT = "https://json-schema.org/draft/2020-12/schema"
WORKFLOWS_ID = "urn:supportbot:schema:workflow-file:1"
SCENARIOS_ID = "urn:supportbot:schema:scenario-file:1"


def workflow_schema(registry: Registry) -> dict[str, Any]:
    steps: list[Any] = []
    for spec in registry.actions:
        needs_params = any(f.is_required() for f in spec.params.model_fields.values())
        with_field: Any = (
            (spec.params, Field(alias="with"))
            if needs_params  # `- action: plan_sla` alone is a whole step
            else (spec.params | None, Field(default=None, alias="with"))
        )
        step_model = create_model(
            f"Step_{spec.name}",
            __config__=ConfigDict(extra="forbid", populate_by_name=True, title=spec.name),
            __doc__=spec.doc or None,
            action=(Literal[spec.name], ...),  # type: ignore[arg-type]
            with_=with_field,
        )
        steps.append(step_model)
    step_union: Any = steps[0]
    for model in steps[1:]:
        step_union = step_union | model

    class Workflow(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        name: str
        description: str = ""
        trigger: Literal[TRIGGERS]  # type: ignore[valid-type]
        cron: str | None = Field(default=None, description="for trigger: schedule")
        if_: dict[str, Any] | list[Any] | None = Field(default=None, alias="if")
        steps: list[step_union] = Field(min_length=1)
        enabled: bool = True

    class WorkflowFile(BaseModel):
        model_config = ConfigDict(extra="forbid")
        version: Literal[1]
        workflows: list[Workflow]

    schema = WorkflowFile.model_json_schema(by_alias=True)
    defs = schema.setdefault("$defs", {})
    defs["Condition"] = condition_schema(registry, defs)
    defs["Workflow"]["properties"]["if"] = {
        "anyOf": [CONDITION_REF, {"type": "array", "items": CONDITION_REF}]
    }
    return _headed(schema, WORKFLOWS_ID, "supportbot workflow file")


def scenario_schema() -> dict[str, Any]:
    """The schema of `workflows/scenarios/*.yaml` (what `supportbot workflows test` reads)."""
    from supportbot.workflows.scenarios import ScenarioFile

    return _headed(ScenarioFile.model_json_schema(by_alias=True), SCENARIOS_ID,
                   "supportbot workflow scenario file")  # fmt: skip


def _headed(schema: dict[str, Any], schema_id: str, title: str) -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": schema_id, **schema, "title": title}


def condition_schema(registry: Registry, defs: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "all": {"type": "array", "items": CONDITION_REF, "minItems": 1},
        "any": {"type": "array", "items": CONDITION_REF, "minItems": 1},
        "not": CONDITION_REF,
    }
    for spec in registry.conditions:
        sub = TypeAdapter(spec.schema_type).json_schema(ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        props[spec.name] = {**sub, "description": spec.doc} if spec.doc else sub
    return {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "minProperties": 1,
    }
