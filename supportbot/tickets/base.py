"""Shared machinery of the ticket service: locking, state checks, audit rows, snapshots."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.clock import Clock
from supportbot.config import PRIORITIES, Config
from supportbot.errors import (
    IllegalTransitionError,
    InvalidValueError,
    NotAllowedError,
    TicketNotFoundError,
    is_refusal,
)
from supportbot.happenings import Happening, Trigger
from supportbot.people import People
from supportbot.store import direct
from supportbot.store.db import SessionFactory
from supportbot.store.models import Ticket, TicketEvent
from supportbot.store.unit import TurnSessions, created_here
from supportbot.tickets import states
from supportbot.tickets.snapshot import ticket_view
from supportbot.tickets.view import TicketView


class _HasId(Protocol):
    id: Any


R = TypeVar("R", bound=_HasId)
_AUDIT = direct.Direct("""
    INSERT INTO ticket_events (ticket_id, at, actor_id, kind, source, data)
    VALUES (:ticket_id, :at, :actor_id, :kind, :source, :data)""")
_LOCKED = "supportbot.tickets.locked"  # in `Session.info`: tickets this transaction has locked


@dataclass(frozen=True, slots=True)
class TicketChange:
    ticket: TicketView
    happenings: tuple[Happening, ...] = ()
    ref_id: int | None = None  # the escalation, hand-off, poll or kudos the change created


class ServiceBase:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        people: People,
        config: Config,
        clock: Clock,
        reads: SessionFactory | None = None,
    ) -> None:
        self.sessions = sessions
        self.reads = reads or sessions  # read-only sessions (no write lock on SQLite)
        self.people = people
        self.config = config
        self.clock = clock

    def bound(self, sessions: SessionFactory) -> Self:
        """This service inside one transaction: every read and write uses `sessions`."""
        twin = copy.copy(self)
        twin.sessions = twin.reads = sessions
        return twin

    def within(self, session: AsyncSession) -> Self:
        """This service on `session`, in the transaction its caller opened."""
        return self.bound(TurnSessions(session, expected=is_refusal))

    # -- shared machinery --------------------------------------------------------------------
    async def record_event(
        self,
        *,
        ticket_id: int | None,
        kind: str,
        data: dict[str, Any],
        source: str,
        actor: str | None = None,
    ) -> None:
        """An audit row that changes nothing else (workflow failures, refusals, SLA notices)."""
        async with self.sessions.begin() as s:
            actor_id = await self._actor_id(s, actor)
            await self._audit_row(s, ticket_id, actor_id, kind, source, data)

    async def _step(
        self,
        ticket_id: int,
        step: str,
        actor: str | None,
        source: str,
        kind: str,
        run: Callable[[AsyncSession, Ticket], Any],
        *,
        trigger: Trigger = "ticket.updated",
    ) -> TicketChange:
        async with self.sessions.begin() as s:
            t = await self._lock(s, ticket_id)
            self._check_step(step, t)
            data = await run(s, t)
            view = await self._commit_change(
                s, t, await self._actor_id(s, actor), kind, source, data
            )
        return self._changed(view, trigger, actor, source, {"change": kind, **data})

    async def _commit_change(
        self,
        s: AsyncSession,
        t: Ticket,
        actor_id: int | None,
        kind: str,
        source: str,
        data: dict[str, Any],
    ) -> TicketView:
        t.updated_at = self.clock.now()
        t.version += 1
        await self._audit(s, t, actor_id, kind, source, data)
        return await ticket_view(s, t, self.people)

    async def _audit(
        self,
        s: AsyncSession,
        t: Ticket,
        actor_id: int | None,
        kind: str,
        source: str,
        data: dict[str, Any],
    ) -> None:
        await self._audit_row(s, t.id, actor_id, kind, source, _jsonable(data))

    async def _audit_row(
        self,
        s: AsyncSession,
        ticket_id: int | None,
        actor_id: int | None,
        kind: str,
        source: str,
        data: dict[str, Any],
    ) -> None:
        """One audit row, written at once (a turn writes several per ticket: through the ORM
        each was a unit-of-work flush of its own, the largest part of a turn's writes)."""
        values = {
            "ticket_id": ticket_id,
            "at": self.clock.now(),
            "actor_id": actor_id,
            "kind": kind,
            "source": source,
            "data": data,
        }
        await direct.execute(s, _AUDIT, values)

    @staticmethod
    def _changed(
        view: TicketView, trigger: Trigger, actor: str | None, source: str, data: dict[str, Any]
    ) -> TicketChange:
        return TicketChange(view, (Happening(trigger, view.number, actor, data, source),))

    async def history(self, ticket_id: int, kinds: Collection[str]) -> list[TicketEvent]:
        """A ticket's audit rows of `kinds`, oldest first.

        A ticket this turn created has no rows but the ones in the session: no query."""
        async with self.reads() as s:
            if ticket_id in created_here(s):
                return _in_session(s, ticket_id, kinds)
            rows = await s.scalars(
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind.in_(list(kinds)))
                .order_by(TicketEvent.at, TicketEvent.id)
            )
            return list(rows.all())

    async def _row(self, model: type[R], row_id: int, what: str) -> R:
        """One escalation, hand-off or poll by id, read without locking."""
        async with self.reads() as s:
            row = await s.get(model, row_id)
        if row is None:
            raise TicketNotFoundError(f"there is no {what} {row_id}", _not_found(what), id=row_id)
        return row

    async def _locked_row(self, s: AsyncSession, model: type[R], row_id: int, what: str) -> R:
        """One row by id, locked for the rest of the transaction (PostgreSQL; SQLite holds the
        write lock already)."""
        row = await s.scalar(select(model).where(model.id == row_id).with_for_update())
        if row is None:
            raise TicketNotFoundError(f"there is no {what} {row_id}", _not_found(what), id=row_id)
        return row

    @staticmethod
    def _hold(s: AsyncSession, t: Ticket) -> None:
        _held(s)[t.id] = t

    async def _load(self, s: AsyncSession, ticket_id: int) -> Ticket:
        """The ticket's row: read once per session, then the same object (the turn's one
        snapshot, which every step changes in memory)."""
        held = _held(s)
        t = held.get(ticket_id) or await s.get(Ticket, ticket_id)
        if t is None:
            raise TicketNotFoundError(
                f"there is no ticket #{ticket_id}", "error.not_found.ticket", number=ticket_id
            )
        held[ticket_id] = t
        return t

    async def _lock(self, s: AsyncSession, ticket_id: int) -> Ticket:
        """Load the row for update: PostgreSQL locks it (once per transaction: later steps of
        the same turn find it in the session); SQLite already holds the write lock."""
        locked: set[int] = s.sync_session.info.setdefault(_LOCKED, set())
        if ticket_id in locked or s.get_bind().dialect.name == "sqlite":
            return await self._load(s, ticket_id)
        t = await s.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
        if t is None:
            raise TicketNotFoundError(
                f"there is no ticket #{ticket_id}", "error.not_found.ticket", number=ticket_id
            )
        locked.add(ticket_id)
        _held(s)[ticket_id] = t
        return t

    async def _actor_id(self, s: AsyncSession, actor: str | None) -> int | None:
        if actor is None:
            return None
        if self.config.person(actor):
            return (await self.people.ensure(s, actor)).id
        person = await self.people.by_handle(s, actor)
        return person.id if person else None

    def _check_step(self, step: str, t: Ticket) -> None:
        if not states.can(step, t.status):
            raise IllegalTransitionError(
                states.refusal(step, t.id, t.status),
                "error.illegal",
                number=t.id,
                step=step,
                status=t.status,
            )

    def _require_staff(self, actor: str, step: str) -> None:
        if not self.people.is_staff(actor):
            raise NotAllowedError(
                f"only support staff can {step} tickets", "error.staff_only.step", step=step
            )

    def _is_lead_or_admin(self, actor: str | None, team: str) -> bool:
        return self.people.is_lead_of(actor, team) or self.people.is_admin(actor)

    def _check_team(self, team: str) -> None:
        if self.config.team(team) is None:
            known = ", ".join(t.name for t in self.config.teams)
            raise InvalidValueError(
                f"unknown team {team!r}; teams: {known}",
                "error.unknown_team",
                team=team,
                known=known,
            )

    @staticmethod
    def _check_priority(priority: str) -> None:
        if priority not in PRIORITIES:
            raise InvalidValueError(
                f"priority must be one of {', '.join(PRIORITIES)}",
                "error.priority",
                priority=priority,
                known=", ".join(PRIORITIES),
            )

    def _resume_clock(self, t: Ticket) -> None:
        """The SLA clock was paused while waiting on the customer; count the pause, resume."""
        if t.status == states.Status.WAITING and t.waiting_since is not None:
            t.paused_seconds += int((self.clock.now() - t.waiting_since).total_seconds())
            t.status, t.waiting_since = states.Status.ASSIGNED, None


def _not_found(what: str) -> str:
    """The refusal's template for a missing row: `hand-off` -> `error.not_found.handoff`."""
    return "error.not_found." + what.replace("-", "")


def _held(s: AsyncSession) -> dict[int, Ticket]:
    """Tickets the session has read, held: SQLAlchemy's identity map holds rows weakly, and
    a turn must not read the same ticket again once nothing else refers to it."""
    held: dict[int, Ticket] = s.sync_session.info.setdefault("supportbot.tickets.held", {})
    return held


def _in_session(s: AsyncSession, ticket_id: int, kinds: Collection[str]) -> list[TicketEvent]:
    session = s.sync_session
    found = [
        row
        for row in (*session.identity_map.values(), *session.new)
        if isinstance(row, TicketEvent) and row.ticket_id == ticket_id and row.kind in kinds
    ]
    return sorted(found, key=lambda row: (row.at, row.id or 0))


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}
