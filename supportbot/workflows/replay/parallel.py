"""The history shared out to worker processes, one share each (the replay is CPU-bound).

Workers are spawned (never forked from a process with a running event loop and open
connections), read their share of the tickets themselves, and send their progress back on a
managed queue while the parent draws the bar.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from supportbot.workflows.replay.job import Job, Part, Partial, run_part

POLL_SECONDS = 0.2


def run_parallel(job: Job, jobs: int, step: Callable[[int], None]) -> Partial:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(jobs, mp_context=context) as pool:
        progress = manager.Queue()
        futures = [pool.submit(_work, job, (i, jobs), progress) for i in range(jobs)]
        while not all(f.done() for f in futures):
            _drain(progress, step, POLL_SECONDS)
        _drain(progress, step, 0)
        partials = [f.result() for f in futures]
    whole = partials[0]
    for other in partials[1:]:
        whole.merge(other)
    return whole


def _drain(progress: Any, step: Callable[[int], None], wait: float) -> None:
    try:
        step(progress.get(timeout=wait) if wait else progress.get_nowait())
        while True:
            step(progress.get_nowait())
    except queue.Empty:
        pass


def _work(job: Job, part: Part, progress: Any) -> Partial:
    return asyncio.run(run_part(job, part, progress.put))
