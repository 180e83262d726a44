"""A desk with no chat platforms attached: for scenario tests, dry runs and the benchmark.

Everything real (ticket service, scheduler, templates, engine) on a database of your choice;
intents stay in the turns, which the runner collects instead of delivering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from supportbot.clock import Clock
from supportbot.composition import build_desk
from supportbot.config import Config
from supportbot.desk import Desk
from supportbot.events import Actor
from supportbot.happenings import Happening, Turn
from supportbot.intents import Intent
from supportbot.scheduler import DueTimer
from supportbot.store.db import Database
from supportbot.tickets.service import NewTicket
from supportbot.tickets.view import TicketView
from supportbot.workflows.engine import WorkflowEngine
from supportbot.workflows.registry import Registry


@dataclass(slots=True)
class Sandbox:
    desk: Desk
    engine: WorkflowEngine
    intents: list[Intent] = field(default_factory=list)  # everything every turn emitted

    async def happen(self, happening: Happening) -> Turn:
        turn = Turn(source=happening.source or "sandbox")
        turn.happened(happening)
        return await self._finish(turn)

    async def open_ticket(self, new: NewTicket, *, source: str = "sandbox") -> TicketView:
        turn = Turn(source=source)
        ticket = await self.desk.open_ticket(new, turn, source=source)
        await self._finish(turn)
        return ticket

    async def run_due_timers(self) -> int:
        """Run what is due now, collecting intents (the desk would deliver them)."""
        ran = 0
        while count := await self.desk.timers.run_due(self._run_timer):
            ran += count
        return ran

    async def _run_timer(self, timer: DueTimer) -> None:
        handler = self.desk.timer_handlers.get(timer.kind)
        if handler is None:
            raise LookupError(f"no handler for timers of kind {timer.kind!r}")
        turn = Turn(source="timer")
        await handler(self.desk, timer, turn)
        await self._finish(turn)

    async def _finish(self, turn: Turn) -> Turn:
        await self.desk.finish(turn)
        self.intents += turn.intents
        return turn


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
    registry: Registry | None = None,
) -> Sandbox:
    """A desk on `db` whose engine runs the workflows in `directory` (raises when invalid)."""
    desk = build_desk(config, clock=clock, workflows_dir=directory, features=(), db=db)
    async with db.sessions.begin() as session:
        await desk.people.sync(session)
    engine = WorkflowEngine(desk, directory=directory, registry=registry)
    await engine.start()
    desk.engine = engine
    return Sandbox(desk, engine)
