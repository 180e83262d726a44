"""Lanes: work with the same key runs in order, work with different keys side by side.

A fixed number of workers take the next key whose head is not running; a key's next job starts
only when its previous one has finished. Used for turns (key = the event's conversation) and
for deliveries (the same key, so what one turn posts lands before what the next one posts).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
J = TypeVar("J")


class Lanes(Generic[J]):
    def __init__(self, run: Callable[[J], Awaitable[None]], *, workers: int, name: str) -> None:
        self._run = run
        self._workers = workers
        self._name = name
        self._lanes: dict[str, deque[J]] = {}
        self._ready: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def depth(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    def submit(self, key: str, job: J) -> None:
        lane = self._lanes.get(key)
        if lane is None:
            self._lanes[key] = deque([job])
            self._ready.put_nowait(key)
        else:
            lane.append(job)
        self._idle.clear()
        if not self._tasks:
            self.start()

    def start(self) -> None:
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._work(), name=f"{self._name}-{n}")
                for n in range(self._workers)
            ]

    async def _work(self) -> None:
        while True:
            key = await self._ready.get()
            lane = self._lanes[key]
            try:
                await self._run(lane[0])
            except Exception:  # a job reports its own failures; this keeps the worker alive
                log.exception("%s: a job of %s failed", self._name, key)
            lane.popleft()
            if lane:
                self._ready.put_nowait(key)
            else:
                del self._lanes[key]
                if not self._lanes:
                    self._idle.set()

    async def drain(self) -> None:
        """Wait until every submitted job has run."""
        await self._idle.wait()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
