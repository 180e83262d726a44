"""Durable timers: rows in `timers`, each run once, as a turn, surviving restarts.

A due timer is taken inside the transaction of the turn that runs it (`SELECT … FOR UPDATE
SKIP LOCKED` on PostgreSQL, so N replicas polling the same table never run one timer twice;
on SQLite the one writer gives the same guarantee) and marked done in that transaction: a
crash leaves it due, and it runs again. A failing timer is retried with back-off.
"""

from __future__ import annotations

import copy
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.clock import Clock
from supportbot.store import direct
from supportbot.store.db import SessionFactory
from supportbot.store.models import Timer
from supportbot.store.unit import created_here, timed_here

log = logging.getLogger(__name__)
_PLAN = direct.Direct("""
    INSERT INTO timers (kind, due_at, payload, "key", ticket_id, status, attempts)
    VALUES (:kind, :due_at, :payload, :key, :ticket_id, 'pending', 0)
    ON CONFLICT ("key") DO NOTHING RETURNING id""")
_CANCEL_FOR_TICKET = direct.Direct("""
    UPDATE timers SET status = 'cancelled', "key" = NULL
    WHERE ticket_id = :ticket_id AND status = 'pending'
    AND substr(kind, 1, length(:prefix)) = :prefix""")


@dataclass(frozen=True, slots=True)
class DueTimer:
    id: int
    kind: str
    ticket_id: int | None
    payload: dict[str, Any]
    attempts: int


class Scheduler:
    def __init__(
        self,
        sessions: SessionFactory,
        clock: Clock,
        *,
        worker: str | None = None,
        stale_after: timedelta = timedelta(minutes=5),
        max_attempts: int = 5,
        postgres: bool = False,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.worker = worker or uuid.uuid4().hex[:12]
        self.stale_after = stale_after
        self.max_attempts = max_attempts
        self.postgres = postgres

    def bound(self, sessions: SessionFactory) -> Scheduler:
        """This scheduler inside one transaction (a turn's)."""
        twin = copy.copy(self)
        twin.sessions = sessions
        return twin

    async def schedule(
        self,
        *,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        key: str | None = None,
        ticket_id: int | None = None,
    ) -> int | None:
        """Add a timer; with a `key` already pending, nothing is added and None is returned."""
        async with self.sessions.begin() as s:
            if ticket_id is not None:
                timed_here(s).add(ticket_id)
            values = {
                "kind": kind,
                "due_at": due_at,
                "payload": payload or {},
                "key": key,
                "ticket_id": ticket_id,
            }
            timer_id: int | None = await direct.scalar(s, _PLAN, values)
            return timer_id

    async def cancel(self, key: str) -> bool:
        async with self.sessions.begin() as s:
            result = await s.execute(
                update(Timer)
                .where(Timer.key == key, Timer.status == "pending")
                .values(status="cancelled", key=None)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def cancel_for_ticket(self, ticket_id: int, kind_prefix: str) -> int:
        async with self.sessions.begin() as s:
            if ticket_id in created_here(s) and ticket_id not in timed_here(s):
                return 0  # a ticket of this very turn, with no timers yet
            params = {"ticket_id": ticket_id, "prefix": kind_prefix}
            return await direct.execute(s, _CANCEL_FOR_TICKET, params)

    # -- running -------------------------------------------------------------------------------
    async def take(self, s: AsyncSession) -> DueTimer | None:
        """In the caller's transaction: the next due timer, locked (others skip it)."""
        now = self.clock.now()
        query = (
            select(Timer)
            .where(
                or_(
                    (Timer.status == "pending") & (Timer.due_at <= now),
                    # left `running` by a release that claimed timers in their own transaction
                    (Timer.status == "running") & (Timer.claimed_at < now - self.stale_after),
                )
            )
            .order_by(Timer.due_at, Timer.id)
            .limit(1)
        )
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        row = await s.scalar(query)
        if row is None:
            return None
        row.claimed_by, row.claimed_at = self.worker, now
        row.attempts += 1
        return DueTimer(row.id, row.kind, row.ticket_id, dict(row.payload), row.attempts)

    async def done(self, s: AsyncSession, timer: DueTimer) -> None:
        """In the turn's transaction: the timer ran."""
        await s.execute(update(Timer).where(Timer.id == timer.id).values(status="done", key=None))

    async def failed(self, timer: DueTimer, error: str) -> None:
        """The timer's turn failed (and was rolled back): try again later, or give up."""
        async with self.sessions.begin() as s:
            values: dict[str, Any] = {"attempts": timer.attempts, "last_error": error[:2000]}
            if timer.attempts >= self.max_attempts:
                values |= {"status": "failed", "key": None}
            else:  # back off and try again
                values |= {
                    "status": "pending",
                    "due_at": self.clock.now() + timedelta(seconds=30 * 2**timer.attempts),
                }
            await s.execute(update(Timer).where(Timer.id == timer.id).values(**values))
