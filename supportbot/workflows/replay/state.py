"""A replayed ticket in memory: its facts at the current moment of the replay, changed in place.

Conditions see it as a `TicketView` (the same snapshot type the engine hands them), rebuilt only
after something changed. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from supportbot.config import Config
from supportbot.tickets.states import Status
from supportbot.tickets.view import PersonView, TicketView
from supportbot.workflows.replay.history import TicketHistory
from supportbot.workflows.simulation import PoolStrategy


@dataclass(frozen=True, slots=True)
class Pool:
    """An assignee a workflow picks at run time among a team's on-duty agents.

    Who round robin (or the shortest queue) would have picked depends on a cursor and on queue
    lengths that the audit trail does not keep, so the replay says "an agent of tier2" instead
    of guessing a name.
    """

    team: str
    strategy: PoolStrategy

    @property
    def handle(self) -> str:
        return f"{self.strategy}:{self.team}"


Assignee = str | Pool | None


@dataclass(frozen=True, slots=True)
class Fields:
    """What the comparison looks at, at the end of a ticket's replay."""

    priority: str
    team: str
    category: str | None
    tags: tuple[str, ...]
    assignee: Assignee


FIELD_NAMES = ("priority", "team", "category", "tags", "assignee")


class Directory:
    """Person snapshots by handle (staff from the config, anyone else by their handle)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._views: dict[str, PersonView] = {}

    def view(self, who: Assignee) -> PersonView | None:
        if who is None:
            return None
        handle = who.handle if isinstance(who, Pool) else who
        found = self._views.get(handle)
        if found is None:
            person = self.config.person(handle) if isinstance(who, str) else None
            found = (
                PersonView(handle, person.name, person.locale)
                if person
                else PersonView(handle, handle)
            )
            self._views[handle] = found
        return found

    def agent_of(self, handle: str, team: str) -> bool:
        person = self.config.person(handle)
        return person is not None and "agent" in person.roles and team in person.teams


@dataclass(slots=True)
class TicketState:
    base: TicketView  # what never changes: subject, body, requester, origin, created_at
    directory: Directory
    status: str = "new"
    priority: str = "P3"
    category: str | None = None
    team: str = ""
    tags: frozenset[str] = frozenset()
    assignee: Assignee = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    waiting_since: datetime | None = None
    reopen_count: int = 0
    pause_log: list[tuple[str, datetime]] = field(default_factory=list)  # SLA pause kinds
    open_handoffs: set[str] = field(default_factory=set)  # departments
    revision: int = 0  # counts changes, so a plan can tell nothing moved since the last one
    _view: TicketView | None = None

    @classmethod
    def first(cls, history: TicketHistory, directory: Directory) -> TicketState:
        first = history.first_state()
        return cls(
            base=history.ticket,
            directory=directory,
            priority=first.priority,
            category=first.category,
            team=first.team,
            tags=first.tags,
        )

    @property
    def number(self) -> int:
        return self.base.number

    def changed(self) -> None:
        self._view = None
        self.revision += 1

    def view(self) -> TicketView:
        if self._view is None:
            b = self.base  # spelled out: `dataclasses.replace` costs twice as much
            self._view = TicketView(
                b.number, b.subject, b.body, Status(self.status), self.priority, self.category,
                self.team, tuple(sorted(self.tags)), b.kind, b.locale, b.requester,
                self.directory.view(self.assignee), b.origin_platform, b.origin_channel,
                b.origin_thread, b.origin_message, b.created_at, b.updated_at,
                self.first_response_at, self.resolved_at, self.waiting_since, b.paused_seconds,
                self.reopen_count, b.callback_url,
            )  # fmt: skip
        return self._view

    def fields(self) -> Fields:
        return Fields(
            self.priority, self.team, self.category, tuple(sorted(self.tags)), self.assignee
        )
