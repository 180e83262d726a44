"""Durable timers: rows in `timers`, claimed by one worker each, surviving restarts.

Claiming uses `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so N replicas polling the same
table never run one timer twice; on SQLite the single writer lock gives the same guarantee.
A timer whose worker died while running it is taken again after `stale_after`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from supportbot.clock import Clock
from supportbot.store.models import Timer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DueTimer:
    id: int
    kind: str
    ticket_id: int | None
    payload: dict[str, Any]
    attempts: int


TimerRunner = Callable[[DueTimer], Awaitable[None]]


class Scheduler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        worker: str | None = None,
        stale_after: timedelta = timedelta(minutes=5),
        max_attempts: int = 5,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.worker = worker or uuid.uuid4().hex[:12]
        self.stale_after = stale_after
        self.max_attempts = max_attempts

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
        try:
            async with self.sessions.begin() as s:
                timer = Timer(
                    kind=kind, due_at=due_at, payload=payload or {}, key=key, ticket_id=ticket_id
                )
                s.add(timer)
                await s.flush()
                return timer.id
        except IntegrityError:
            return None

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
            result = await s.execute(
                update(Timer)
                .where(
                    Timer.ticket_id == ticket_id,
                    Timer.status == "pending",
                    Timer.kind.startswith(kind_prefix),
                )
                .values(status="cancelled", key=None)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def claim_due(self, limit: int = 20) -> list[DueTimer]:
        now = self.clock.now()
        async with self.sessions.begin() as s:
            rows = (
                await s.scalars(
                    select(Timer)
                    .where(
                        or_(
                            (Timer.status == "pending") & (Timer.due_at <= now),
                            (Timer.status == "running")
                            & (Timer.claimed_at < now - self.stale_after),
                        )
                    )
                    .order_by(Timer.due_at, Timer.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in rows:
                row.status, row.claimed_by, row.claimed_at = "running", self.worker, now
                row.attempts += 1
            return [DueTimer(r.id, r.kind, r.ticket_id, dict(r.payload), r.attempts) for r in rows]

    async def finish(self, timer: DueTimer, error: str | None = None) -> None:
        async with self.sessions.begin() as s:
            row = await s.get(Timer, timer.id)
            if row is None:
                return
            if error is None:
                row.status, row.key = "done", None
            elif timer.attempts >= self.max_attempts:
                row.status, row.last_error, row.key = "failed", error, None
            else:  # back off and try again
                row.status, row.last_error = "pending", error
                row.due_at = self.clock.now() + timedelta(seconds=30 * 2**timer.attempts)

    async def run_due(self, runner: TimerRunner, limit: int = 20) -> int:
        """Claim and run what is due; return how many ran."""
        due = await self.claim_due(limit)
        for timer in due:
            try:
                await runner(timer)
            except Exception as exc:  # a failing timer must not stop the others
                log.exception("timer %s (%s) failed", timer.id, timer.kind)
                await self.finish(timer, f"{type(exc).__name__}: {exc}")
            else:
                await self.finish(timer)
        return len(due)
