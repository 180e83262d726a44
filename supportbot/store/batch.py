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
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.store.db import SessionFactory

log = logging.getLogger(__name__)
T = TypeVar("T")
Item = TypeVar("Item")
Result = TypeVar("Result")
Write = Callable[[AsyncSession], Awaitable[Any]]


class Batches(Generic[Item, Result]):
    """Items that arrive while a batch is being stored wait for the next one; each caller gets
    its item's result once its whole batch is stored. `store(batch)` returns one result per
    item, in order. If it raises, `alone(item)` stores each item by itself (one failing item
    then fails only its caller), or, without `alone`, every caller of the batch gets the error.
    """

    def __init__(
        self,
        store: Callable[[list[Item]], Awaitable[list[Result]]],
        *,
        limit: int,
        name: str,
        alone: Callable[[Item], Awaitable[Result]] | None = None,
    ) -> None:
        self._store = store
        self._alone = alone
        self._limit = limit
        self._name = name
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None

    async def put(self, item: Item) -> Result:
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((item, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name=self._name)
        return await done

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._limit], self._queue[self._limit :]
            try:
                results = await self._store([item for item, _ in batch])
            except Exception as exc:
                await self._each(batch, exc)
            else:
                for (_, done), result in zip(batch, results, strict=True):
                    if not done.done():
                        done.set_result(result)

    async def _each(self, batch: list[tuple[Item, asyncio.Future[Result]]], exc: Exception) -> None:
        for item, done in batch:
            if self._alone is None:
                if not done.done():
                    done.set_exception(exc)
                continue
            try:
                result = await self._alone(item)
            except Exception as own:
                if not done.done():
                    done.set_exception(own)
            else:
                if not done.done():
                    done.set_result(result)

    async def close(self) -> None:
        """Let what is queued finish (at shutdown, before the database closes)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)


class WriteBatcher:
    def __init__(self, sessions: SessionFactory, *, limit: int = 200) -> None:
        self._sessions = sessions
        self._batches: Batches[Write, Any] = Batches(
            self._together, limit=limit, name="write-batcher", alone=self._alone
        )

    async def run(self, write: Callable[[AsyncSession], Awaitable[T]]) -> T:
        result: T = await self._batches.put(write)
        return result

    async def _together(self, writes: list[Write]) -> list[Any]:
        async with self._sessions.begin() as session:
            return [await write(session) for write in writes]

    async def _alone(self, write: Write) -> Any:
        async with self._sessions.begin() as session:
            return await write(session)

    async def close(self) -> None:
        """Let what is queued finish (at shutdown, before the database closes)."""
        await self._batches.close()
