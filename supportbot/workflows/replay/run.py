"""`supportbot workflows replay`: load both versions, stream the history once, report.

Exit codes: 0 replayed (and, with `fail_on_change`, nothing differs); 1 invalid workflow files;
2 the database or the baseline cannot be read; 3 `fail_on_change` and something differs.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from supportbot.clock import SystemClock
from supportbot.config import Config
from supportbot.store.db import open_database
from supportbot.templates import Catalog, Templates
from supportbot.workflows.replay import baseline as baselines
from supportbot.workflows.replay import reader
from supportbot.workflows.replay.job import Job, Partial, Versions, run_part
from supportbot.workflows.replay.loading import InvalidFilesError, Loader
from supportbot.workflows.replay.parallel import run_parallel
from supportbot.workflows.replay.render import render
from supportbot.workflows.replay.sections import Report, Words
from supportbot.workflows.schema import TICKETLESS_TRIGGERS

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE, EXIT_CHANGED = 0, 1, 2, 3
TICKETS_PER_WORKER = 5000  # below that, starting worker processes costs more than it saves


@dataclass(frozen=True, slots=True)
class ReplayRequest:
    since: timedelta
    baseline: str | None = None  # a folder or a git ref; None: compare with the audit trail
    format: str = "text"
    fail_on_change: bool = False
    now: datetime | None = None
    locale: str | None = None
    limit: int = 100
    jobs: int | None = 1  # worker processes; None: one per CPU when the history is large


async def replay(
    config: Config, directory: Path, request: ReplayRequest, out: TextIO, err: TextIO
) -> int:
    loader = Loader.for_config(config)
    words = Words(Templates(loader.package), request.locale or config.locale)
    try:
        with tempfile.TemporaryDirectory(prefix="supportbot-baseline-") as tmp:
            candidate = loader.load(directory)
            folder = await _baseline_folder(directory, request.baseline, Path(tmp))
            baseline = loader.load(folder) if folder is not None else None
            versions = (candidate, baseline)
            report = await _replay(
                config, directory, folder, versions, request, words, err, loader.package
            )
    except InvalidFilesError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(words("error.invalid", folder=str(exc.folder)), file=err)
        return EXIT_INVALID
    except baselines.BaselineError as exc:
        print(words(exc.template, **exc.values), file=err)
        return EXIT_UNREADABLE
    except _NoDatabaseError:
        print(words("error.no_database", url=config.database_url), file=err)
        return EXIT_UNREADABLE
    except SQLAlchemyError as exc:
        error = type(exc).__name__
        print(words("error.unreadable", url=config.database_url, error=error), file=err)
        return EXIT_UNREADABLE
    out.write(render(report, words, request.format))
    changed = request.fail_on_change and report.comparison.differs
    return EXIT_CHANGED if changed else EXIT_OK


class _NoDatabaseError(Exception):
    """The SQLite file does not exist (opening it would create an empty one)."""


async def _baseline_folder(directory: Path, ref: str | None, tmp: Path) -> Path | None:
    if ref is None:
        return None
    if baselines.is_folder(ref):
        return Path(ref)
    return await asyncio.to_thread(baselines.checkout, ref, directory, tmp)


async def _replay(
    config: Config,
    directory: Path,
    folder: Path | None,
    versions: Versions,
    request: ReplayRequest,
    words: Words,
    err: TextIO,
    package: Catalog,
) -> Report:
    if _missing_sqlite_file(config.database_url):
        raise _NoDatabaseError(config.database_url)
    now = request.now or SystemClock().now()
    label, since = request.baseline or "", now - request.since
    job = Job(config, directory, folder, label, since, now, package=package)
    total = await _count(config, job.since)
    jobs = _jobs(request.jobs, total)
    with tqdm(total=total, desc=words("progress"), unit=" tickets", file=err, disable=None,
              leave=False) as bar:  # fmt: skip

        def step(done: int) -> None:
            bar.update(done)

        if jobs > 1:
            whole = await asyncio.to_thread(run_parallel, job, jobs, step)
        else:
            whole = await run_part(job, (0, 1), step, versions)
    return _report(whole, versions, config, request)


async def _count(config: Config, since: datetime) -> int:
    db = open_database(config.database_url)
    try:
        return await reader.count_tickets(db, since)
    finally:
        await db.close()


def _jobs(asked: int | None, tickets: int) -> int:
    if asked is not None:
        return max(asked, 1)
    return max(1, min(os.cpu_count() or 1, tickets // TICKETS_PER_WORKER))


def _report(
    whole: Partial,
    versions: Versions,
    config: Config,
    request: ReplayRequest,
) -> Report:
    names: list[str] = []
    for wf in (*versions[0].workflows, *(versions[1].workflows if versions[1] else ())):
        if wf.trigger not in TICKETLESS_TRIGGERS and wf.enabled and wf.name not in names:
            names.append(wf.name)
    zone = config.business_hours.zone
    return Report(whole.comparison, whole.fidelity, tuple(names), zone, request.limit)


def _missing_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    name = parsed.database or ""
    return (
        parsed.get_backend_name() == "sqlite"
        and name not in ("", ":memory:")
        and not Path(name).exists()
    )
