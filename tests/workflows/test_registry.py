"""The extension point: another area adds an action (or condition) without touching the engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.plugins import Hooks, discover_features, installed_registry, load_hooks
from supportbot.store.db import Database
from supportbot.workflows.context import ActionContext
from supportbot.workflows.loader import load_workflows, references_for
from supportbot.workflows.refs import DepartmentName
from supportbot.workflows.registry import RegistryError
from supportbot.workflows.sandbox import build_sandbox

from .conftest import one_workflow, open_ticket


class Shout(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: DepartmentName
    loud: bool = False


class Shouting:
    """A plug-in feature, as a third party writes one."""

    name = "shouting"

    def __init__(self, seen: list[tuple[str, int, bool]]) -> None:
        self.seen = seen

    def setup(self, hooks: Hooks) -> None:
        @hooks.action("shout", Shout)
        async def shout(ctx: ActionContext, p: Shout) -> None:
            self.seen.append((p.department, ctx.ticket_id, p.loud))

        hooks.condition("always", bool)(lambda v: lambda facts: v)


async def test_a_registered_action_is_validated_and_run(
    wf_dir: Path,
    config: Config,
    database: Database,
    clock: FrozenClock,
    write: Callable[[str, str], Path],
) -> None:
    seen: list[tuple[str, int, bool]] = []
    features = [*discover_features(), Shouting(seen)]
    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            "[{action: shout, with: {department: sales, loud: true}}]",
            condition="{always: true}",
        ),
    )
    sb = await build_sandbox(config, database, clock, wf_dir, features=features)
    t = await open_ticket(sb, "hello")
    assert seen == [("sales", t.number, True)]

    write("t.yaml", one_workflow("ticket.created", "[{action: shout, with: {department: salse}}]"))
    refs, _ = references_for(config, wf_dir)
    registry = load_hooks(features).registry
    problems = load_workflows([wf_dir], registry=registry, refs=refs).problems
    assert "unknown department 'salse' (did you mean 'sales'?)" in str(problems[0])


def test_names_cannot_be_registered_twice() -> None:
    registry = installed_registry()
    with pytest.raises(RegistryError):
        registry.action("reply", Shout)
        registry.action("reply", Shout)(lambda ctx, p: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(RegistryError):
        registry.condition("not", bool)(lambda v: lambda f: True)


def test_each_registry_is_its_own() -> None:
    one, two = installed_registry(), installed_registry()
    one.action("extra", Shout)(lambda ctx, p: None)  # type: ignore[arg-type,return-value]
    assert one.get_action("extra") is not None and two.get_action("extra") is None
