"""One pass over (a share of) the history: both versions replayed ticket by ticket.

A `Job` says what to replay and is plain data, so worker processes can take one share each
(`Ticket.id % parts`); their `Partial` results add up to the whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from supportbot.config import Config
from supportbot.plugins import installed_registry
from supportbot.store.db import open_database
from supportbot.templates import Catalog
from supportbot.workflows.replay import reader
from supportbot.workflows.replay.fidelity import FidelityCheck, Timeline, content_key
from supportbot.workflows.replay.loading import Loader
from supportbot.workflows.replay.simulator import Simulator
from supportbot.workflows.replay.sla import Deadlines
from supportbot.workflows.replay.state import Directory
from supportbot.workflows.replay.summary import BaselineKind, Comparison
from supportbot.workflows.replay.twin import Twin
from supportbot.workflows.schema import WorkflowSet

Part = tuple[int, int]  # (index, parts)
PROGRESS_EVERY = 500


@dataclass(frozen=True, slots=True)
class Job:
    config: Config
    candidate: Path
    baseline: Path | None  # None: compare with the audit trail
    baseline_label: str
    since: datetime
    now: datetime
    twin: bool = True  # skip replaying the baseline where it provably does the same
    package: Catalog | None = None  # the package's templates, parsed once for every worker


@dataclass(slots=True)
class Partial:
    comparison: Comparison
    fidelity: FidelityCheck | None
    baseline_runs: int = 0  # tickets the baseline had to be replayed for on its own

    def merge(self, other: Partial) -> None:
        self.comparison.merge(other.comparison)
        self.baseline_runs += other.baseline_runs
        if self.fidelity is not None and other.fidelity is not None:
            self.fidelity.merge(other.fidelity)


Versions = tuple[WorkflowSet, WorkflowSet | None]  # the working files, the baseline's


async def run_part(
    job: Job, part: Part, step: Callable[[int], None], loaded: Versions | None = None
) -> Partial:
    """Replay this share of the tickets; `step(n)` is told as tickets are done. A worker
    process loads the files itself (`loaded` is None there)."""
    config = job.config
    candidate, base = loaded or _load(job)
    shared = Deadlines(config)
    ours = Simulator(candidate, config, job.now, shared)
    theirs = Simulator(base, config, job.now, shared) if base is not None else None
    kind: BaselineKind = "files" if base is not None else "trail"
    comparison = Comparison(job.since, job.now, kind, job.baseline_label, Directory(config))
    db = open_database(config.database_url)
    try:
        fidelity = None
        if base is not None:
            timeline = Timeline.of(await reader.versions(db))
            fidelity = FidelityCheck(timeline, content_key(base.files), Directory(config))
        twin = Twin(candidate, base, ours.facts) if base is not None and job.twin else None
        done = runs = 0
        async for history in reader.histories(db, job.since, part):
            mine, same = ours.run_with(twin, history) if twin else (ours.run(history), False)
            if theirs is None:
                was = ours.recorded(history)
            elif same:
                was = mine
            else:
                was, runs = theirs.run(history), runs + 1
            comparison.add(history.ticket.subject, mine, was)
            if fidelity is not None:
                fidelity.add(history, was)
            done += 1
            if done % PROGRESS_EVERY == 0:
                step(PROGRESS_EVERY)
        step(done % PROGRESS_EVERY)
    finally:
        await db.close()
    return Partial(comparison, fidelity, runs)


def _load(job: Job) -> Versions:
    if job.package is None:
        loader = Loader.for_config(job.config)
    else:
        loader = Loader(job.config, installed_registry(), job.package)
    baseline = loader.load(job.baseline) if job.baseline is not None else None
    return loader.load(job.candidate), baseline
