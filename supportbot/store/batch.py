"""Group commit: small writes that arrive together share one transaction.

Storing an event before its ack and recording a delivery are one or two statements each;
what costs is the commit and the wait for the writer. `WriteBatcher.run(op)` queues `op`;
whatever is queued when the batcher gets the writer runs in one transaction, and each caller
learns its result only once that transaction has committed (so an ack never precedes the
write). One failing write never fails the others: the batch is then retried one by one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.store.db import SessionFactory

log = logging.getLogger(__name__)
T = TypeVar("T")
Write = Callable[[AsyncSession], Awaitable[Any]]


class WriteBatcher:
    def __init__(self, sessions: SessionFactory, *, limit: int = 200) -> None:
        self._sessions = sessions
        self._limit = limit
        self._queue: list[tuple[Write, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def run(self, write: Callable[[AsyncSession], Awaitable[T]]) -> T:
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((write, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="write-batcher")
        return await done

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._limit], self._queue[self._limit :]
            try:
                results = await self._together(batch)
            except Exception:
                await self._alone(batch)
            else:
                for (_, done), result in zip(batch, results, strict=True):
                    if not done.done():
                        done.set_result(result)

    async def _together(self, batch: list[tuple[Write, asyncio.Future[Any]]]) -> list[Any]:
        async with self._sessions.begin() as session:
            return [await write(session) for write, _ in batch]

    async def _alone(self, batch: list[tuple[Write, asyncio.Future[Any]]]) -> None:
        for write, done in batch:
            try:
                async with self._sessions.begin() as session:
                    result = await write(session)
            except Exception as exc:
                if not done.done():
                    done.set_exception(exc)
            else:
                if not done.done():
                    done.set_result(result)

    async def close(self) -> None:
        """Let what is queued finish (at shutdown, before the database closes)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
