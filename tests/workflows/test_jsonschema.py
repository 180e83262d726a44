"""The JSON Schemas agree with the loader: every shipped file passes them, and they accept and
refuse what the loader accepts and refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from supportbot.plugins import installed_registry
from supportbot.workflows.jsonschema import scenario_schema, workflow_schema
from supportbot.yamldoc import load

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW_FILES = sorted((ROOT / "workflows").glob("*.yaml"))
SCENARIO_FILES = sorted((ROOT / "workflows" / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def workflows() -> Draft202012Validator:
    schema = workflow_schema(installed_registry())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def as_json(path: Path) -> Any:
    """What an editor's YAML language server sees: dates and times are strings there."""
    data = load(path.read_text(encoding="utf-8"), str(path)).data
    return json.loads(json.dumps(data, default=str))


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_shipped_workflow_file_passes_the_schema(
    workflows: Draft202012Validator, path: Path
) -> None:
    assert errors(workflows, as_json(path)) == []


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_shipped_scenario_file_passes_the_scenario_schema(path: Path) -> None:
    schema = scenario_schema()
    Draft202012Validator.check_schema(schema)
    assert errors(Draft202012Validator(schema), as_json(path)) == []


def flow(steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": 1,
        "workflows": [{"name": "w", "trigger": "ticket.resolved", "steps": steps}],
    }


def test_steps_without_parameters_need_no_with_and_durations_are_the_loaders(
    workflows: Draft202012Validator,
) -> None:
    assert errors(workflows, flow([{"action": "plan_sla"}, {"action": "offer_reopen"}])) == []
    for good in ("30m", "1h30m", "3d", "2w", "90s", 45):
        assert errors(workflows, flow([{"action": "wait", "with": {"for": good}}])) == [], good
    for bad in ("PT30M", "thirty minutes", "30"):
        assert errors(workflows, flow([{"action": "wait", "with": {"for": bad}}])), bad
    assert errors(workflows, flow([{"action": "wait"}]))  # `for` is required: so is `with`


def test_the_schemas_name_their_dialect_and_identity() -> None:
    for schema in (workflow_schema(installed_registry()), scenario_schema()):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].startswith("urn:supportbot:schema:")
