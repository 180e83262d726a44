"""Workflow actions and conditions, each one handler plus its schema.

Adding an action never touches the engine. A feature (`supportbot.plugins`) writes a pydantic
model for its `with:` parameters and an async handler, and registers both in its `setup`:

    class ShoutoutParams(BaseModel, extra="forbid"):
        template: TemplateName
        points: int = 1

    async def shoutout(ctx: ActionContext, params: ShoutoutParams) -> None:
        ...  # change tickets only through ctx.desk.tickets; emit intents with ctx.emit()

    def register(hooks: Registrar) -> None:
        hooks.action("shoutout", ShoutoutParams)(shoutout)

Conditions work the same way: `hooks.condition(name, value_type)` decorates a function that
turns the validated value into a predicate over `Facts`. The registry of a desk is the one its
features filled (`Hooks.registry`); there is no module-level mutable state.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, TypeAdapter

if TYPE_CHECKING:
    from supportbot.workflows.context import ActionContext
    from supportbot.workflows.facts import Facts
    from supportbot.workflows.simulation import Simulation

log = logging.getLogger(__name__)
P = TypeVar("P", bound=BaseModel)
Predicate = Callable[["Facts"], bool]
ActionHandler = Callable[["ActionContext", Any], Awaitable[None]]
ConditionFactory = Callable[[Any], Predicate]
# What the action would do to a replayed ticket, purely in memory (`workflows replay`).
ActionSimulator = Callable[["Simulation", Any], None]


class Registrar(Protocol):
    """Where actions and conditions are registered: a feature's `Hooks`, or a bare `Registry`."""

    def action(
        self,
        name: str,
        params: type[P],
        *,
        needs_ticket: bool = True,
        pauses: bool = False,
        simulate: Callable[[Simulation, P], None] | None = None,
    ) -> Callable[[Callable[[ActionContext, P], Awaitable[None]]], Callable[..., Any]]: ...

    def condition(
        self, name: str, value_type: Any, doc: str = ""
    ) -> Callable[[ConditionFactory], ConditionFactory]: ...


class RegistryError(Exception):
    """An action or condition was registered twice, or under a reserved name."""


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    params: type[BaseModel]
    handler: ActionHandler
    needs_ticket: bool = True  # refused in workflows whose trigger carries no ticket
    pauses: bool = False  # the engine stops after it and resumes from a timer (`wait`)
    simulate: ActionSimulator | None = None  # its effect in a replay; None: not simulated

    @property
    def doc(self) -> str:
        """What the action does: the first paragraph of its parameter model's docstring."""
        return " ".join((self.params.__doc__ or "").strip().split("\n\n")[0].split())


@dataclass(frozen=True, slots=True)
class ConditionSpec:
    name: str
    value: TypeAdapter[Any]
    factory: ConditionFactory
    schema_type: Any  # the annotation, for the JSON Schema
    doc: str = ""


RESERVED_CONDITIONS = frozenset({"all", "any", "not"})


class Registry:
    """Actions and conditions by name (a desk's is `desk.hooks.registry`)."""

    def __init__(self) -> None:
        self._actions: dict[str, ActionSpec] = {}
        self._conditions: dict[str, ConditionSpec] = {}

    def action(
        self,
        name: str,
        params: type[P],
        *,
        needs_ticket: bool = True,
        pauses: bool = False,
        simulate: Callable[[Simulation, P], None] | None = None,
    ) -> Callable[[Callable[[ActionContext, P], Awaitable[None]]], Callable[..., Any]]:
        """Decorator registering `handler(ctx, params)` as the action `name`.

        `simulate(sim, params)` says what the action would do to a ticket in a replay, purely
        in memory (see `supportbot.workflows.simulation`); without it a replay counts the step
        as not simulated.
        """

        def add(handler: Callable[[ActionContext, P], Awaitable[None]]) -> Callable[..., Any]:
            if name in self._actions:
                raise RegistryError(f"action {name!r} is registered twice")
            spec = ActionSpec(name, params, handler, needs_ticket, pauses, simulate)
            self._actions[name] = spec
            return handler

        return add

    def condition(
        self, name: str, value_type: Any, doc: str = ""
    ) -> Callable[[ConditionFactory], ConditionFactory]:
        """Decorator registering `factory(value) -> predicate` as the condition `name`."""

        def add(factory: ConditionFactory) -> ConditionFactory:
            if name in self._conditions or name in RESERVED_CONDITIONS:
                raise RegistryError(f"condition {name!r} is registered twice or reserved")
            spec = ConditionSpec(name, TypeAdapter(value_type), factory, value_type, doc)
            self._conditions[name] = spec
            return factory

        return add

    def extend(self, *registrars: Callable[[Registry], None]) -> Registry:
        for register in registrars:
            register(self)
        return self

    def get_action(self, name: str) -> ActionSpec | None:
        return self._actions.get(name)

    def get_condition(self, name: str) -> ConditionSpec | None:
        return self._conditions.get(name)

    @property
    def actions(self) -> tuple[ActionSpec, ...]:
        return tuple(self._actions.values())

    @property
    def conditions(self) -> tuple[ConditionSpec, ...]:
        return tuple(self._conditions.values())
