"""The one way to extend supportbot: a feature registers typed hooks.

    class Tracker:
        name = "tracker"

        def setup(self, hooks: Hooks) -> None:
            hooks.action("open_issue", OpenIssue)(open_issue)       # a workflow action
            hooks.condition("customer.plan", list[str])(plan_in)   # a workflow condition
            hooks.command("issue", on_issue, usage="issue #number title")
            hooks.deliverer("tracker", TrackerApi())                # sends CallService intents

A feature is any object with a `name` and `setup(hooks)`, registered in the entry-point group
`supportbot.features` (the built-in ones are: workflows, collaboration, insights, knowledge).
`setup` only registers: it runs for the server and for every CLI command that needs to know
the actions (`workflows validate`, `schema`, `reference`, `test`). What needs the running desk
goes in `hooks.on_attach(fn)` (after the desk is built, before it serves), `hooks.background(fn)`
(a task for the server's lifetime), `hooks.warm_up(fn)` (awaited in the background after
start-up: done once the feature's long-lived state is built, e.g. an index), `hooks.on_reload(fn)`
(`/support admin reload`, SIGHUP) and `hooks.on_shutdown(fn)`.

Every name is owned by one feature: registering a command, button, form, timer kind, link kind,
action, condition or deliverer that another feature (or the core) registered raises
`DuplicateRegistrationError` naming both owners.

The lifecycle, and what a feature may touch, is in `docs/plugins.md`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from supportbot.workflows.registry import Predicate, Registry

if TYPE_CHECKING:
    from supportbot.commands import Command
    from supportbot.context import TurnContext
    from supportbot.desk import Desk
    from supportbot.events import ChoiceSubmitted, FormSubmitted
    from supportbot.happenings import Turn
    from supportbot.intents import CallService
    from supportbot.messages import Message
    from supportbot.scheduler import DueTimer
    from supportbot.store.models import TicketThread
    from supportbot.tickets.view import TicketView
    from supportbot.workflows.context import ActionContext
    from supportbot.workflows.simulation import Simulation

FEATURE_GROUP = "supportbot.features"
CORE = "core"
T = TypeVar("T")
P = TypeVar("P", bound=BaseModel)

CommandHandler = Callable[["TurnContext", "Command"], Awaitable[None]]
ChoiceHandler = Callable[["TurnContext", "ChoiceSubmitted"], Awaitable[None]]
FormHandler = Callable[["TurnContext", "FormSubmitted"], Awaitable[None]]
TimerHandler = Callable[["Desk", "DueTimer", "Turn"], Awaitable[None]]
LinkRenderer = Callable[["Desk", "TicketThread", "TicketView"], Awaitable["Message | None"]]
SlaText = Callable[["Desk", "TicketView"], Awaitable[str | None]]
DeskHook = Callable[["Desk"], Coroutine[Any, Any, None]]
# A reload hook returns the problems that kept the running files (none: reloaded).
ReloadHook = Callable[["Desk"], Coroutine[Any, Any, Sequence[str]]]
AttachHook = Callable[["Desk"], None]


class Feature(Protocol):
    name: str

    def setup(self, hooks: Hooks) -> None: ...


class Deliverer(Protocol):
    """Sends `CallService` intents (after the turn's commit, from the outbox, with retries);
    raises `supportbot.adapter.DeliveryError` (retryable or not) when it cannot."""

    async def deliver(self, call: CallService) -> None: ...


class DuplicateRegistrationError(Exception):
    """Two features (or a feature and the core) registered the same name."""


@dataclass(frozen=True, slots=True)
class Owned(Generic[T]):
    owner: str
    value: T


@dataclass(frozen=True, slots=True)
class CommandSpec:
    handler: CommandHandler
    usage: str
    takes_ticket: bool  # `name #number text…`; else `name text…`


class _Table(Generic[T]):
    """Names of one kind, each with the feature that registered it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.entries: dict[str, Owned[T]] = {}

    def add(self, name: str, owner: str, value: T) -> None:
        if name in self.entries:
            first = self.entries[name].owner
            raise DuplicateRegistrationError(
                f"{self.kind} {name!r} is registered by {first} and again by {owner}"
            )
        self.entries[name] = Owned(owner, value)

    def get(self, name: str) -> T | None:
        found = self.entries.get(name)
        return found.value if found else None

    def names(self) -> list[str]:
        return list(self.entries)

    def owner_of(self, name: str) -> str | None:
        found = self.entries.get(name)
        return found.owner if found else None


class Hooks:
    """Everything the features registered, by kind. Built by `load_hooks(features)`."""

    def __init__(self) -> None:
        self.registry = Registry()  # workflow actions and conditions
        self.commands: _Table[CommandSpec] = _Table("command")
        self.choices: _Table[ChoiceHandler] = _Table("button action")
        self.forms: _Table[FormHandler] = _Table("form")
        self.timers: _Table[TimerHandler] = _Table("timer kind")
        self.links: _Table[LinkRenderer] = _Table("link kind")
        self.deliverers: _Table[Deliverer] = _Table("deliverer")
        self._actions: _Table[None] = _Table("workflow action")
        self._conditions: _Table[None] = _Table("workflow condition")
        self._sla: _Table[SlaText] = _Table("card SLA text")
        self.attach_hooks: list[Owned[AttachHook]] = []
        self.background_tasks: list[Owned[DeskHook]] = []
        self.warm_ups: list[Owned[DeskHook]] = []
        self.reload_hooks: list[Owned[ReloadHook]] = []
        self.shutdown_hooks: list[Owned[DeskHook]] = []
        self.template_folders: list[Path] = []
        self.features: list[str] = []
        self.owner = CORE

    @contextlib.contextmanager
    def owned_by(self, owner: str) -> Iterator[Hooks]:
        """Register as `owner` (the runner sets it around each feature's setup and attach)."""
        before, self.owner = self.owner, owner
        try:
            yield self
        finally:
            self.owner = before

    # -- chat ------------------------------------------------------------------------------------
    def command(
        self, name: str, handler: CommandHandler, *, usage: str = "", takes_ticket: bool = True
    ) -> None:
        """`/support name …` (and `@bot name …`). A command whose syntax the core's grammar
        does not know is read as `name #number text…` (or `name text…`)."""
        usage = usage or (f"{name} #number" if takes_ticket else name)
        spec = CommandSpec(handler, usage, takes_ticket)
        self.commands.add(name, self.owner, spec)

    def choice(self, action: str, handler: ChoiceHandler) -> None:
        """A button or menu on a card (`Button(action, …)`)."""
        self.choices.add(action, self.owner, handler)

    def form(self, name: str, handler: FormHandler) -> None:
        """A submitted form (`Form(name, …)`)."""
        self.forms.add(name, self.owner, handler)

    def timer(self, kind: str, handler: TimerHandler) -> None:
        """Durable timers of `kind` (`desk.timers.schedule(kind=…)`), each run as a turn."""
        self.timers.add(kind, self.owner, handler)

    def link(self, kind: str, renderer: LinkRenderer) -> None:
        """Re-renders messages linked to a ticket as `kind` (`Purpose(ticket, kind)`) when the
        ticket changes."""
        self.links.add(kind, self.owner, renderer)

    def sla(self, text: SlaText) -> None:
        """The ticket card's "SLA due" line (one feature provides it)."""
        self._sla.add("sla", self.owner, text)

    @property
    def sla_text(self) -> SlaText | None:
        return self._sla.get("sla")

    def deliverer(self, name: str, deliverer: Deliverer) -> None:
        """Sends the `CallService(name, …)` intents that actions emit."""
        self.deliverers.add(name, self.owner, deliverer)

    def templates(self, folder: Path) -> None:
        """A folder of message catalogs (`*.en.yaml`, `*.ja.yaml`) to load with the core's."""
        self.template_folders.append(folder)

    # -- workflows -------------------------------------------------------------------------------
    def action(
        self,
        name: str,
        params: type[P],
        *,
        needs_ticket: bool = True,
        pauses: bool = False,
        simulate: Callable[[Simulation, P], None] | None = None,
    ) -> Callable[[Callable[[ActionContext, P], Awaitable[None]]], Callable[..., Any]]:
        """A workflow action: `handler(ctx, params)`; `params` validates its `with:` block (and
        becomes its JSON Schema and its reference). `simulate(sim, params)`: what it would do
        to a ticket in a replay (`supportbot workflows replay`), purely in memory."""
        self._actions.add(name, self.owner, None)
        return self.registry.action(
            name, params, needs_ticket=needs_ticket, pauses=pauses, simulate=simulate
        )

    def condition(
        self, name: str, value_type: Any, doc: str = ""
    ) -> Callable[[Callable[[Any], Predicate]], Callable[[Any], Predicate]]:
        """A workflow condition: `factory(value) -> predicate(facts)`."""
        self._conditions.add(name, self.owner, None)
        return self.registry.condition(name, value_type, doc)

    # -- the running desk ------------------------------------------------------------------------
    def on_attach(self, hook: AttachHook) -> None:
        self.attach_hooks.append(Owned(self.owner, hook))

    def background(self, task: DeskHook) -> None:
        self.background_tasks.append(Owned(self.owner, task))

    def warm_up(self, hook: DeskHook) -> None:
        """`hook(desk)` returns once what the feature builds at start-up and keeps (an index)
        is there; the server then counts the desk as warm (`server.WARM`)."""
        self.warm_ups.append(Owned(self.owner, hook))

    def on_reload(self, hook: ReloadHook) -> None:
        self.reload_hooks.append(Owned(self.owner, hook))

    def on_shutdown(self, hook: DeskHook) -> None:
        self.shutdown_hooks.append(Owned(self.owner, hook))

    # -- looking up -----------------------------------------------------------------------------
    def command_for(self, name: str) -> CommandSpec | None:
        return self.commands.get(name)

    def owner_of_action(self, name: str) -> str | None:
        return self._actions.owner_of(name)


def discover_features() -> list[Feature]:
    """Every installed feature (entry-point group `supportbot.features`), by name."""
    found: list[Feature] = []
    for entry in sorted(entry_points(group=FEATURE_GROUP), key=lambda e: e.name):
        feature = entry.load()()
        found.append(feature)
    return found


def installed_registry() -> Registry:
    """The workflow actions and conditions of every installed feature (for the CLI's
    `workflows validate | schema | reference | test`)."""
    return load_hooks(discover_features()).registry


def load_hooks(
    features: Sequence[Feature], *, core: Callable[[Hooks], None] | None = None
) -> Hooks:
    """The hooks of the core (`core(hooks)`) and then of `features`, in their order."""
    hooks = Hooks()
    if core is not None:
        core(hooks)
    for feature in features:
        with hooks.owned_by(feature.name):
            feature.setup(hooks)
        hooks.features.append(feature.name)
    return hooks


def attach(hooks: Hooks, desk: Desk) -> None:
    """Run the features' attach hooks on the built desk (they may register more)."""
    for hook in list(hooks.attach_hooks):
        with hooks.owned_by(hook.owner):
            hook.value(desk)
