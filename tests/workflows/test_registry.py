"""The extension point: another area adds an action (or condition) without touching the engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.store.db import Database
from supportbot.workflows.context import ActionContext
from supportbot.workflows.loader import load_workflows, references_for
from supportbot.workflows.refs import DepartmentName
from supportbot.workflows.registry import Registry, RegistryError, default_registry
from supportbot.workflows.sandbox import build_sandbox

from .conftest import one_workflow, open_ticket


class Shout(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: DepartmentName
    loud: bool = False


def register_shout(registry: Registry, seen: list[tuple[str, int, bool]]) -> None:
    @registry.action("shout", Shout)
    async def shout(ctx: ActionContext, p: Shout) -> None:
        seen.append((p.department, ctx.ticket_id, p.loud))

    registry.condition("always", bool)(lambda v: lambda facts: v)


async def test_a_registered_action_is_validated_and_run(
    wf_dir: Path,
    config: Config,
    database: Database,
    clock: FrozenClock,
    write: Callable[[str, str], Path],
) -> None:
    seen: list[tuple[str, int, bool]] = []
    registry = default_registry().extend(lambda r: register_shout(r, seen))
    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            "[{action: shout, with: {department: sales, loud: true}}]",
            condition="{always: true}",
        ),
    )
    sb = await build_sandbox(config, database, clock, wf_dir, registry=registry)
    t = await open_ticket(sb, "hello")
    assert seen == [("sales", t.number, True)]

    write("t.yaml", one_workflow("ticket.created", "[{action: shout, with: {department: salse}}]"))
    refs, _ = references_for(config, wf_dir)
    problems = load_workflows([wf_dir], registry=registry, refs=refs).problems
    assert "unknown department 'salse' (did you mean 'sales'?)" in str(problems[0])


def test_names_cannot_be_registered_twice() -> None:
    registry = default_registry()
    with pytest.raises(RegistryError):
        registry.action("reply", Shout)
        registry.action("reply", Shout)(lambda ctx, p: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(RegistryError):
        registry.condition("not", bool)(lambda v: lambda f: True)


def test_each_registry_is_its_own() -> None:
    one, two = default_registry(), default_registry()
    one.action("extra", Shout)(lambda ctx, p: None)  # type: ignore[arg-type,return-value]
    assert one.get_action("extra") is not None and two.get_action("extra") is None
