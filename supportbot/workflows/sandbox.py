"""A desk with no chat platforms attached: for scenario tests, dry runs and the benchmark.

Everything real (ticket service, scheduler, templates, engine) on a database of your choice;
intents stay in the turns, which the runner collects instead of delivering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from supportbot.clock import Clock
from supportbot.composition import build_desk
from supportbot.config import Config
from supportbot.desk import Desk
from supportbot.events import Actor
from supportbot.happenings import Happening, Turn
from supportbot.intents import Intent
from supportbot.pipeline.runner import Pipeline
from supportbot.plugins import Feature
from supportbot.store.db import Database
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView
from supportbot.workflows.engine import WorkflowEngine


@dataclass(slots=True)
class Sandbox:
    desk: Desk
    engine: WorkflowEngine
    intents: list[Intent] = field(default_factory=list)  # everything every turn emitted

    def __post_init__(self) -> None:
        self._pipeline.on_turn(lambda turn: self.intents.extend(turn.intents))

    async def happen(self, happening: Happening) -> Turn:
        turn = Turn(source=happening.source or "sandbox")
        turn.happened(happening)
        await self.desk.finish(turn)
        return turn

    async def open_ticket(self, new: NewTicket, *, source: str = "sandbox") -> TicketView:
        async def opening(desk: Desk, turn: Turn) -> TicketView:
            return await desk.open_ticket(new, turn, source=source)

        return await self._pipeline.run(opening, source=source)

    async def run_due_timers(self) -> int:
        """Run what is due now, each timer as its own turn (what the turns would send is
        collected in `intents`: the sandbox has no chat platforms to send it to)."""
        return await self.desk.run_due_timers()

    @property
    def _pipeline(self) -> Pipeline:
        assert isinstance(self.desk.pipeline, Pipeline)
        return self.desk.pipeline


async def customer(
    desk: Desk,
    platform: str,
    user_id: str,
    *,
    name: str = "",
    locale: str | None = None,
    organization: str | None = None,
) -> str:
    """Make sure a customer exists (as if they had written in); return their handle."""
    async with desk.db.sessions.begin() as session:
        actor = Actor(platform, user_id, name or user_id, None, locale)
        person = await desk.people.resolve(session, actor, organization)
        return person.handle


async def build_sandbox(
    config: Config,
    db: Database,
    clock: Clock,
    directory: Path,
    *,
    features: Sequence[Feature] | None = None,
) -> Sandbox:
    """A desk on `db` (every installed feature, or `features`) whose engine runs the workflows
    in `directory` (raises when they are invalid)."""
    desk = build_desk(config, clock=clock, workflows_dir=directory, features=features, db=db)
    async with db.sessions.begin() as session:
        await desk.people.sync(session)
    engine = desk.engine
    if not isinstance(engine, WorkflowEngine):
        raise RuntimeError("the sandbox needs the workflows feature")
    await engine.start()
    return Sandbox(desk, engine)
