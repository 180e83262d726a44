"""One transaction per turn: a session factory that hands out the turn's own session.

Services write with `async with sessions.begin() as s:` and read with `async with sessions()`.
Bound to a turn (`TurnSessions`), both give the turn's session, already in its transaction:
nothing commits until the turn does, and every read sees what the turn wrote so far.

A write that fails part-way may leave the session half-changed. Failures the services raise
before they change anything (refusals) are `expected`; any other failure inside a write marks
the turn `tainted`, and the turn runner then throws the whole turn away.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from sqlalchemy.ext.asyncio import AsyncSession

_CREATED = "supportbot.tickets.created"
_TIMED = "supportbot.timers.tickets"


def created_here(s: AsyncSession) -> set[int]:
    """The tickets `s` created in its transaction: every row about them is in `s`."""
    found: set[int] = s.sync_session.info.setdefault(_CREATED, set())
    return found


def timed_here(s: AsyncSession) -> set[int]:
    """The tickets `s` planned timers for in its transaction."""
    found: set[int] = s.sync_session.info.setdefault(_TIMED, set())
    return found


class TurnSessions:
    def __init__(self, session: AsyncSession, *, expected: Callable[[BaseException], bool]) -> None:
        self.session = session
        self.tainted: BaseException | None = None
        self._expected = expected

    def begin(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        return self._use(write=True)

    def __call__(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        return self._use(write=False)

    @contextlib.asynccontextmanager
    async def _use(self, *, write: bool) -> AsyncIterator[AsyncSession]:
        if write:
            # SQLite's statements run inline and never suspend: before each write of the turn,
            # let the event loop answer what waits (an ack), not only after the whole turn.
            await asyncio.sleep(0)
        try:
            yield self.session
        except BaseException as exc:
            if write and self.tainted is None and not self._expected(exc):
                self.tainted = exc
            raise
