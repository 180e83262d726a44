"""`supportbot workflows schema`: a JSON Schema editors use to complete and check files."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from supportbot.happenings import TRIGGERS
from supportbot.workflows.registry import Registry

CONDITION_REF = {"$ref": "#/$defs/Condition"}


def workflow_schema(registry: Registry) -> dict[str, Any]:
    steps: list[Any] = []
    for spec in registry.actions:
        step_model = create_model(
            f"Step_{spec.name}",
            __config__=ConfigDict(extra="forbid", populate_by_name=True, title=spec.name),
            __doc__=spec.doc or None,
            action=(Literal[spec.name], ...),  # type: ignore[arg-type]
            with_=(spec.params, Field(alias="with")),
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
    schema["title"] = "supportbot workflow file"
    return schema


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
