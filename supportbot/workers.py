"""`supportbot serve --workers N`: N replica processes on one port, under one supervisor.

One `serve` process keeps one core busy. On a machine with more, N processes share the load as
replicas do (the PostgreSQL inbox hands each event to one of them with `FOR UPDATE SKIP
LOCKED`; timers and outbox rows are claimed the same way), all listening on the same port:
the kernel spreads the connections over them (`SO_REUSEPORT`). The supervisor serves nothing
itself. It starts the workers, starts again one that died (after a pause that grows while
they keep dying), and stops them all on SIGTERM or Ctrl-C, waiting for each to finish what it
took. A worker whose supervisor is gone (killed with -9) stops on its own within a second.

SQLite has one writer per database, so `--workers` needs PostgreSQL. `/metrics` is a worker's
own: scrape each, or read the inbox and outbox depths, which are the database's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import FrameType

from aiohttp import web

from supportbot.usage import UsageError

log = logging.getLogger(__name__)

STOP_GRACE = 30.0  # seconds a worker gets to finish what it took before it is killed
RESTART_PAUSE = (1.0, 30.0)  # first and longest pause before a dead worker starts again
STEADY = 60.0  # a worker that ran this long before dying starts again at once
SUPERVISOR = "SUPPORTBOT_SUPERVISOR"  # a worker's environment: its supervisor's pid


def check(workers: int, database_url: str) -> None:
    if workers < 1:
        raise UsageError(f"--workers {workers}: there must be at least one")
    if workers > 1 and database_url.startswith("sqlite"):
        raise UsageError(
            f"--workers {workers} needs PostgreSQL: SQLite has one writer per database, "
            "so one process serves it (set database_url to a postgresql+asyncpg:// URL)"
        )


@dataclass
class _Worker:
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    pause: float = RESTART_PAUSE[0]
    due: float = 0.0  # when a dead one starts again

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.argv, env=env)
        self.started = time.monotonic()


@dataclass
class Supervisor:
    """Runs `count` copies of `argv` (each a `serve` that reuses the port) until stopped."""

    argv: Sequence[str]
    count: int
    workers: list[_Worker] = field(default_factory=list)
    stopping: bool = False

    def run(self) -> int:
        env = {**os.environ, SUPERVISOR: str(os.getpid())}
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.workers = [_Worker(self.argv) for _ in range(self.count)]
            for worker in self.workers:
                worker.start(env)
            log.info("supervising %d workers: %s", self.count, self._pids())
            while not self.stopping:
                self._tend(env)
                time.sleep(0.2)
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def _tend(self, env: dict[str, str]) -> None:
        now = time.monotonic()
        for worker in self.workers:
            process = worker.process
            if process is not None and process.poll() is None:
                continue
            if process is not None:  # it died: start it again, soon
                ran = now - worker.started
                worker.pause = (
                    RESTART_PAUSE[0] if ran >= STEADY else min(worker.pause * 2, RESTART_PAUSE[1])
                )
                worker.due = now + (0.0 if ran >= STEADY else worker.pause)
                log.warning(
                    "worker %d exited with %s after %.0f s; starting another in %.0f s",
                    process.pid, process.returncode, ran, worker.due - now,
                )  # fmt: skip
                worker.process = None
            if now >= worker.due:
                worker.start(env)

    def _stop_all(self) -> None:
        running = [w.process for w in self.workers if w.process and w.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for process in running:
            try:
                process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                log.error("worker %d did not stop in %.0f s; killing it", process.pid, STOP_GRACE)
                process.kill()
                process.wait()

    def _pids(self) -> str:
        return ", ".join(str(w.process.pid) for w in self.workers if w.process)


def worker_argv(argv: Sequence[str]) -> list[str]:
    """This command line again, for one worker: `--workers 1`, reusing the port."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--workers":
            skip = True
            continue
        if arg.startswith("--workers="):
            continue
        out.append(arg)
    return [sys.executable, "-m", "supportbot", *out, "--workers", "1"]


def supervised() -> int | None:
    """In a worker: its supervisor's pid (None when `serve` runs on its own)."""
    pid = os.environ.get(SUPERVISOR)
    return int(pid) if pid and pid.isdigit() else None


async def outlive_no_supervisor(app: web.Application) -> None:
    """A worker stops (as on SIGTERM, finishing what it took) once its supervisor is gone."""
    supervisor = supervised()
    if supervisor is None:
        return

    async def watch() -> None:
        while True:  # no event says a parent died: look once a second
            await asyncio.sleep(1.0)
            if os.getppid() != supervisor:
                break
        log.warning("the supervisor (%d) is gone; stopping", supervisor)
        os.kill(os.getpid(), signal.SIGTERM)

    task = asyncio.create_task(watch(), name="supervisor-watch")

    async def stop(_app: web.Application) -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.on_cleanup.append(stop)
