"""What the engine needs from the desk, as Protocols (`supportbot.desk.Desk` satisfies them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from supportbot.clock import Clock
from supportbot.config import Config
from supportbot.happenings import Turn
from supportbot.people import People
from supportbot.scheduler import DueTimer
from supportbot.store.db import Database
from supportbot.templates import Templates
from supportbot.tickets.service import TicketService

# (desk, timer, turn): the desk runs the turn's workflows and delivers its intents afterwards.
TimerHandler = Callable[[Any, DueTimer, Turn], Awaitable[None]]


class Timers(Protocol):
    """The durable scheduler (`supportbot.scheduler.Scheduler`)."""

    async def schedule(
        self,
        *,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        key: str | None = None,
        ticket_id: int | None = None,
    ) -> int | None: ...


class DeskPort(Protocol):
    @property
    def config(self) -> Config: ...

    @property
    def db(self) -> Database: ...

    @property
    def people(self) -> People: ...

    @property
    def tickets(self) -> TicketService: ...

    @property
    def templates(self) -> Templates: ...

    @property
    def timers(self) -> Timers: ...

    @property
    def timer_handlers(self) -> dict[str, TimerHandler]: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def adapters(self) -> Mapping[str, Any]: ...  # platform -> running adapter
