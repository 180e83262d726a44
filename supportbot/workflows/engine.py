"""The workflow engine: happening → matching workflows (file order) → steps through actions.

The current `WorkflowSet` is one immutable object swapped in whole by `reload()`, so a running
evaluation never sees half an edit, and a broken edit never replaces a working version.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportbot.desk import Desk
from supportbot.errors import TicketNotFoundError
from supportbot.happenings import Happening, Settling, StepBrokeError, Turn
from supportbot.plugins import Hooks
from supportbot.scheduler import DueTimer
from supportbot.tickets.view import TicketView
from supportbot.workflows.actions.flow import RESUME, happening_from_json
from supportbot.workflows.context import ActionContext
from supportbot.workflows.facts import Facts
from supportbot.workflows.registry import Registry
from supportbot.workflows.schedules import SCHEDULE, next_run, timer_key
from supportbot.workflows.schema import Step, Workflow, WorkflowSet
from supportbot.workflows.versions import ReloadListener, ReloadResult, Versions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step the engine ran (or tried): for scenario tests, dry runs and the logs."""

    workflow: str
    step: int
    action: str
    params: dict[str, Any]
    ticket_id: int | None
    trigger: str
    depth: int
    error: str | None = None


Observer = Callable[[StepRecord], None]


class WorkflowEngine:
    def __init__(self, desk: Desk, *, directory: Path, registry: Registry | None = None) -> None:
        self.desk = desk
        self.versions = Versions(desk, directory, registry or desk.hooks.registry)
        self.versions.listeners.append(self._swapped)
        self._observers: list[Observer] = []
        self._watcher: asyncio.Task[None] | None = None

    @property
    def workflows(self) -> WorkflowSet:
        return self.versions.current

    def observe(self, observer: Observer) -> None:
        self._observers.append(observer)

    def on_reload(self, listener: ReloadListener) -> None:
        """Call `listener(result, loaded_by, desk)` after every reload (to tell the admins)."""
        self.versions.listeners.append(listener)

    # -- life cycle ------------------------------------------------------------------------
    def register_timers(self, hooks: Hooks) -> None:
        """Handle this engine's timers: `wait` resumptions and schedules."""
        hooks.timer(RESUME, self._resume)
        hooks.timer(SCHEDULE, self._scheduled)

    async def start(self, *, watch: bool = False, interval: float = 1.0) -> None:
        """Load (raise `WorkflowsError` when invalid), record, schedule; maybe watch the files."""
        if not self.workflows.digest:
            self.versions.load_now()
        await self._swapped(ReloadResult(True, (), True, self.workflows.digest), "start", self.desk)
        if watch:
            self._watcher = asyncio.create_task(self.versions.watch(interval), name="workflows")

    async def serve(self, interval: float = 1.0) -> None:
        """The server's background task: start, then reload on edits and SIGHUP until cancelled."""
        await self.start()
        hup = self.versions.on_sighup()
        try:
            await self.versions.watch(interval)
        finally:
            if hup:
                self.versions.off_sighup()

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
            self._watcher = None

    async def reload(self, *, loaded_by: str = "admin", desk: Desk | None = None) -> ReloadResult:
        """Validate the files and swap them in; on any problem keep the running version.
        `desk`: the desk of the turn that asked (its transaction records the version)."""
        return await self.versions.reload(loaded_by, desk)

    async def reload_problems(self, desk: Desk) -> list[str]:
        """`/support admin reload`: what kept the running version, if anything did."""
        return [str(p) for p in (await self.reload(loaded_by="admin", desk=desk)).problems]

    async def _swapped(self, result: ReloadResult, loaded_by: str, desk: Desk) -> None:
        if result.ok and await self.versions.record(loaded_by, desk):
            await self._schedule_all(desk)

    # -- evaluation --------------------------------------------------------------------------
    def matching(self, happening: Happening, ticket: TicketView | None) -> list[Workflow]:
        """Workflows whose trigger and conditions hold now (no side effects: for dry runs)."""
        facts = Facts.build(happening, ticket, self.desk.config, self.desk.clock.now())
        return [wf for wf in _candidates(self.workflows, happening) if wf.condition(facts)]

    async def run(self, happening: Happening, turn: Turn, desk: Desk | None = None) -> None:
        """Run every matching workflow, in file order; one failure never stops the others.

        `desk` is the desk bound to the turn's transaction (the engine's own, unbound, by
        default: tools and tests without a turn)."""
        on = desk or self.desk
        # One version for the whole happening, even if a reload lands meanwhile.
        candidates = _candidates(self.workflows, happening)
        facts: Facts | None = None
        for wf in candidates:
            if facts is None:
                ticket = await self._ticket(on, happening.ticket_id)
                facts = Facts.build(happening, ticket, on.config, on.clock.now())
            if wf.condition(facts):
                await self._steps(on, wf, 0, happening, turn)
                facts = None  # the steps changed the ticket the next one looks at (in memory)

    async def settle(self, turn: Turn, desk: Desk | None = None) -> None:
        """The work steps left for the end of the turn (`ActionContext.settle`), each once."""
        on = desk or self.desk
        while turn.settling:
            key = next(iter(turn.settling))
            job = turn.settling.pop(key)
            broke = turn.broken.get((job.workflow, job.step))
            if broke is not None:  # a first run of this turn broke it half-way through a write
                await self._settling_failed(on, job, broke)
                continue
            try:
                await job.work()
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                if turn.tainted is not None:
                    raise StepBrokeError(job.workflow, job.step, error) from exc
                await self._settling_failed(on, job, error)

    async def _settling_failed(self, desk: Desk, job: Settling, error: str) -> None:
        wf = self.workflows.get(job.workflow)
        if wf is None:  # reloaded away meanwhile: the log is all there is
            log.warning("workflow %s step %d (%s) failed: %s", job.workflow, job.step,
                        job.action, error)  # fmt: skip
            return
        await self._failed(desk, wf, job.step, job.action, job.happening, error)

    async def _ticket(self, desk: Desk, ticket_id: int | None) -> TicketView | None:
        if ticket_id is None:
            return None
        try:
            return await desk.tickets.get(ticket_id)
        except TicketNotFoundError:
            return None

    async def _steps(
        self, desk: Desk, wf: Workflow, start: int, happening: Happening, turn: Turn
    ) -> None:
        for step in wf.steps[start:]:
            # A turn's statements run inline (SQLite) and never suspend: let the event loop
            # answer waiting requests (acks) between steps, not only after the whole turn.
            await asyncio.sleep(0)
            broke = turn.broken.get((wf.name, step.index))
            if broke is not None:  # a first run of this turn: it failed half-way through a write
                await self._failed(desk, wf, step.index, step.action, happening, broke)
                self._notify(wf, step, happening, broke)
                return
            ctx = ActionContext(
                desk, wf.name, wf.digest, step.index, happening, turn, self.versions.templates
            )
            try:
                await step.spec.handler(ctx, step.params)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                if turn.tainted is not None:  # the session is half-changed: start again
                    raise StepBrokeError(wf.name, step.index, error) from exc
                await self._failed(desk, wf, step.index, step.action, happening, error)
                self._notify(wf, step, happening, error)
                return  # the rest of this workflow depends on the failed step
            self._notify(wf, step, happening, None)
            if step.spec.pauses:
                return  # a timer resumes the remaining steps

    async def _failed(
        self,
        desk: Desk,
        wf: Workflow,
        index: int,
        action: str,
        happening: Happening,
        error: str,
    ) -> None:
        log.warning("workflow %s step %d (%s) failed: %s", wf.name, index, action, error)
        data = {
            "workflow": wf.name,
            "step": index,
            "action": action,
            "file": wf.file,
            "trigger": happening.trigger,
            "error": error,
        }
        await desk.tickets.record_event(
            ticket_id=happening.ticket_id,
            kind="workflow.failed",
            data=data,
            source=f"workflow:{wf.name}",
        )

    def _notify(self, wf: Workflow, step: Step, h: Happening, error: str | None) -> None:
        if not self._observers:
            return
        params = step.params.model_dump(mode="json", by_alias=True)
        record = StepRecord(
            wf.name, step.index, step.action, params, h.ticket_id, h.trigger, h.depth, error
        )
        for observer in self._observers:
            observer(record)

    # -- timers ------------------------------------------------------------------------------
    async def _resume(self, desk: Any, timer: DueTimer, turn: Turn) -> None:
        """Continue a workflow after `wait`, unless the workflow was changed or removed since.

        Resuming an edited workflow by step number could run the wrong step; dropping it is
        the safe choice, and the audit trail says so.
        """
        payload = timer.payload
        name = str(payload.get("workflow"))
        wf = self.workflows.get(name)
        happening = happening_from_json(dict(payload.get("happening") or {}))
        if wf is not None and wf.digest == payload.get("digest"):
            await self._steps(desk, wf, int(payload.get("step", 0)), happening, turn)
            return
        log.info("not resuming %s: the workflow changed or was removed", name)
        reason = "the workflow was changed or removed while waiting"
        await desk.tickets.record_event(
            ticket_id=happening.ticket_id,
            kind="workflow.dropped",
            data={"workflow": name, "step": payload.get("step"), "reason": reason},
            source=f"workflow:{name}",
        )

    async def _scheduled(self, desk: Any, timer: DueTimer, turn: Turn) -> None:
        payload = timer.payload
        wf = self.workflows.get(str(payload.get("workflow")))
        if wf is None or wf.cron != payload.get("cron"):
            return  # removed or re-timed: the reload scheduled its new runs
        happening = Happening(
            "schedule", None, None, {"workflow": wf.name, "at": payload.get("at")}, "timer"
        )
        await self.run(happening, turn, desk)
        await self._schedule(desk, wf)

    async def _schedule_all(self, desk: Desk) -> None:
        for wf in self.workflows.for_trigger("schedule"):
            await self._schedule(desk, wf)

    async def _schedule(self, desk: Desk, wf: Workflow) -> None:
        if wf.cron is None:
            return
        at = next_run(wf.cron, desk.clock.now(), desk.config.business_hours.zone)
        payload = {"workflow": wf.name, "cron": wf.cron, "at": at.isoformat()}
        await desk.timers.schedule(kind=SCHEDULE, due_at=at, payload=payload, key=timer_key(wf, at))


def _candidates(workflows: WorkflowSet, happening: Happening) -> tuple[Workflow, ...]:
    found = workflows.for_trigger(happening.trigger)
    if happening.trigger == "schedule":  # a schedule happening is for one workflow only
        return tuple(wf for wf in found if wf.name == happening.data.get("workflow"))
    return found
