"""What the feature registers: names owned once, its schema and reference, its catalogs.

(`tests/test_example_plugin.py` in supportbot's suite installs the distribution and checks the
same through the CLI, as an admin would see it.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from supportbot.composition import build_desk
from supportbot.plugins import DuplicateRegistrationError, Hooks, discover_features, load_hooks
from supportbot.templates import load_catalog
from supportbot.workflows.jsonschema import workflow_schema
from supportbot.workflows.reference import reference

from supportbot_tracker import TrackerFeature
from supportbot_tracker.action import OpenTrackerIssue
from supportbot_tracker.feature import TEMPLATES
from tracker_desk import desk_config


class Copycat:
    """A second plug-in that wants a name the tracker owns."""

    name = "copycat"

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def setup(self, hooks: Hooks) -> None:
        async def nothing(*_: object) -> None: ...

        match self.kind:
            case "action":
                hooks.action("open_tracker_issue", OpenTrackerIssue)(nothing)
            case "command":
                hooks.command("tracker", nothing)
            case "timer":
                hooks.timer("tracker.link", nothing)


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("action", "workflow action 'open_tracker_issue'"),
        ("command", "command 'tracker'"),
        ("timer", "timer kind 'tracker.link'"),
    ],
)
def test_a_second_owner_of_a_name_is_refused_naming_both(kind: str, what: str) -> None:
    with pytest.raises(DuplicateRegistrationError) as refused:
        load_hooks([*discover_features(), TrackerFeature(), Copycat(kind)])
    assert str(refused.value) == f"{what} is registered by tracker and again by copycat"


def test_a_second_tracker_deliverer_is_refused_when_the_desk_is_built(tmp_path: Path) -> None:
    class Deliverer:
        name = "other-tracker"

        def setup(self, hooks: Hooks) -> None:
            hooks.deliverer("tracker", self)  # type: ignore[arg-type]

    config = desk_config().model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    )
    with pytest.raises(DuplicateRegistrationError, match="by other-tracker and again by tracker"):
        build_desk(config, features=[Deliverer(), TrackerFeature()], workflows_dir=tmp_path)


def test_the_action_and_condition_are_in_the_schema_and_the_reference() -> None:
    registry = load_hooks([*discover_features(), TrackerFeature()]).registry
    schema = json.dumps(workflow_schema(registry))
    assert '"const": "open_tracker_issue"' in schema
    assert '"tracker.linked"' in schema
    text = reference(registry)
    assert "### `open_tracker_issue`" in text
    assert "- `project` (`str`, required): the tracker project, owner/repository" in text
    assert "| `tracker.linked` | `bool or str` |" in text


def test_the_catalogs_have_every_message_in_english_and_japanese() -> None:
    sources = load_catalog([TEMPLATES]).sources
    assert set(sources["en"]) == set(sources["ja"])
    assert {"tracker.issue_body", "tracker.linked", "tracker.command.failed"} <= set(sources["en"])
