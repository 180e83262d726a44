"""The running version of the workflow files, and how a new one replaces it.

A reload reads and validates every file, then swaps the whole `WorkflowSet` (and the admin's
templates) in one assignment. Any problem keeps the running version and is reported. Each
version that is swapped in is recorded in `workflow_versions`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from supportbot.desk import Desk
from supportbot.store.models import WorkflowVersion
from supportbot.templates import Templates
from supportbot.workflows.loader import LoadResult, load_workflows, references_for
from supportbot.workflows.registry import Registry
from supportbot.workflows.schema import WorkflowSet
from supportbot.workflows.watch import Signature, signature
from supportbot.yamldoc import Problem, ProblemsError

log = logging.getLogger(__name__)


class WorkflowsError(ProblemsError):
    """The workflow files are invalid (at start-up, when there is no working version to keep)."""


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    problems: tuple[Problem, ...] = ()
    changed: bool = False
    digest: str = ""


# (result, who reloaded, the desk to write with: a turn's when a command asked for the reload)
ReloadListener = Callable[[ReloadResult, str, Desk], Awaitable[None]]


class Versions:
    def __init__(self, desk: Desk, directory: Path, registry: Registry) -> None:
        self.desk = desk
        self.directory = directory
        self.registry = registry
        self.current = WorkflowSet()
        self.templates = desk.templates
        self.listeners: list[ReloadListener] = []
        self.recorded = ""  # digest of the last version written to the database
        self._lock = asyncio.Lock()
        self._seen: Signature = ()
        self._signals: set[asyncio.Task[ReloadResult]] = set()

    def load_now(self) -> None:
        """Load synchronously (start-up); raise `WorkflowsError` listing every problem."""
        self._seen = signature(self.directory)
        result, templates = self._read()
        if result.workflows is None:
            raise WorkflowsError(result.problems)
        self.current, self.templates = result.workflows, templates

    async def record(self, loaded_by: str, desk: Desk | None = None) -> bool:
        """Write the running version to `workflow_versions` unless it is there already."""
        if self.recorded == self.current.digest or not self.current.files:
            return False  # already recorded, or no files at all
        on = desk or self.desk
        async with on.db.sessions.begin() as session:
            session.add(
                WorkflowVersion(
                    digest=self.current.digest,
                    files=self.current.files,
                    loaded_at=on.clock.now(),
                    loaded_by=loaded_by,
                )
            )
        self.recorded = self.current.digest
        return True

    async def reload(self, loaded_by: str, desk: Desk | None = None) -> ReloadResult:
        async with self._lock:
            self._seen = await asyncio.to_thread(signature, self.directory)
            result, templates = await asyncio.to_thread(self._read)
            if result.workflows is None:
                log.warning("workflows not reloaded:\n%s", "\n".join(map(str, result.problems)))
                outcome = ReloadResult(False, result.problems, False, self.current.digest)
            else:
                changed = result.workflows.digest != self.current.digest
                self.current, self.templates = result.workflows, templates
                outcome = ReloadResult(True, (), changed, self.current.digest)
        for listener in self.listeners:
            await listener(outcome, loaded_by, desk or self.desk)
        return outcome

    def _read(self) -> tuple[LoadResult, Templates]:
        if not self.directory.is_dir():  # no workflows folder: a desk without workflows
            log.info("no workflows folder at %s; no workflows run", self.directory)
            return LoadResult(WorkflowSet.of((), {}, "none"), ()), self.templates
        features = self.desk.hooks.template_folders
        refs, problems = references_for(self.desk.config, self.directory, features)
        result = load_workflows([self.directory], registry=self.registry, refs=refs)
        if problems:
            return LoadResult(None, (*problems, *result.problems)), self.templates
        # The features' catalogs too (a plug-in's templates), then the admin's, which override.
        folders = (*self.desk.hooks.template_folders, self.directory / "templates")
        return result, Templates.from_folders(*folders)

    async def watch(self, interval: float) -> None:
        """Poll the files' modification times; reload when they change. Runs until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                if await asyncio.to_thread(signature, self.directory) != self._seen:
                    await self.reload("watch")
            except Exception:  # the watcher must outlive any one bad pass
                log.exception("workflow watcher failed; trying again")

    def on_sighup(self) -> bool:
        """Reload on SIGHUP (main thread, Unix only); False when signals are unavailable."""
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._sighup)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            return False
        return True

    def off_sighup(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def _sighup(self) -> None:
        task = asyncio.create_task(self.reload("SIGHUP"))
        self._signals.add(task)  # keep a reference until it is done
        task.add_done_callback(self._signals.discard)
