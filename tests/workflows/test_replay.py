"""`workflows replay`: real history, replayed point in time against two versions of the files.

The history is made by the real ticket service and workflow engine (`replay_history.py`, once
per module) and copied into each test's database; the replay reads it back on SQLite and
PostgreSQL and changes nothing.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.store.db import Database, open_database
from supportbot.store.models import Ticket, TicketEvent
from supportbot.workflows.replay import ReplayRequest, replay
from supportbot.workflows.replay.job import Job, Partial, run_part
from supportbot.workflows.replay.parallel import run_parallel
from supportbot.workflows.replay.render import to_data
from supportbot.workflows.replay.sections import Report
from supportbot.workflows.sandbox import build_sandbox

from .. import conftest as shared
from ..conftest import run_aside
from .conftest import open_ticket
from .replay_history import History, Snapshot, happen, record_snapshot, restore, write_files

MONTH = timedelta(days=30)
EXTRA_KEYWORDS = ("障害]", "障害, unreachable, 接続できません]")


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    made: list[Snapshot] = []

    async def make() -> None:
        made.append(await record_snapshot())

    run_aside(make())
    return made[0]


async def recorded(
    snapshot: Snapshot, wf_dir: Path, database: Database, clock: FrozenClock
) -> History:
    """The history in this test's database; the clock where it ended; its files in `wf_dir`."""
    await restore(database, snapshot)
    write_files(wf_dir)
    clock.current = snapshot.end
    return snapshot.history


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "10-triage.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


async def replayed(config: Config, wf_dir: Path, request: ReplayRequest) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await replay(config, wf_dir, request, out, err)
    return code, out.getvalue(), err.getvalue()


async def counts(database: Database) -> tuple[int, int]:
    async with database.sessions() as s:
        events = await s.scalar(select(func.count()).select_from(TicketEvent))
        versions = await s.scalar(select(func.sum(Ticket.version)))
    return int(events or 0), int(versions or 0)


async def test_an_extra_triage_keyword_names_exactly_the_tickets_that_would_change(
    snapshot: Snapshot,
    tmp_path: Path,
    wf_dir: Path,
    config: Config,
    database: Database,
    db_url: str,
    clock: FrozenClock,
) -> None:
    config = config.model_copy(update={"database_url": db_url})
    h = await recorded(snapshot, wf_dir, database, clock)
    shutil.copytree(wf_dir, tmp_path / "live")
    edit(wf_dir, *EXTRA_KEYWORDS)  # "unreachable" and 接続できません become outages
    before = await counts(database)

    request = ReplayRequest(MONTH, baseline=str(tmp_path / "live"), format="json", now=clock.now())
    code, out, err = await replayed(config, wf_dir, request)

    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["tickets"] == 5
    changed = {t["ticket"]: {c["field"]: (c["before"], c["after"]) for c in t["changes"]}
               for t in report["changed"]}  # fmt: skip
    assert changed == {
        # Ben claimed and answered it at 10:05, inside the P1 target, but 4 h of P1
        # resolution time ran out: the SLA workflow would have tagged the breach.
        h.unreachable: {
            "priority": ("P3", "P1"),
            "team": ("tier1", "tier2"),
            "category": (None, "outage"),
            "tags": ([], ["sla-breached", "urgent"]),
        },
        # Nobody ever took it: round robin would have given it to someone in tier2.
        h.japanese: {
            "priority": ("P3", "P1"),
            "team": ("tier1", "tier2"),
            "category": (None, "outage"),
            "tags": (["sla-breached"], ["sla-breached", "urgent"]),
            "assignee": (None, {"pool": "tier2", "strategy": "round_robin"}),
        },
    }
    assert report["workflows"]["triage-outage"] == {"fired": 3, "was": 1}
    assert report["workflows"]["triage-billing"] == {"fired": 1, "was": 1}
    p1 = report["effects"]
    assert (p1["was"]["p1_first_response"], p1["now"]["p1_first_response"]) == (
        {"missed": 2},  # the dashboard outage (never answered) and the export ticket
        {"missed": 3, "met": 1},  # + 接続できません (never answered); unreachable was answered
    )
    assert p1["now"]["messages"] > p1["was"]["messages"]  # leads told of the new P1s
    assert report["differs"] is True
    assert await counts(database) == before  # nothing written, not even a version bump


async def test_replaying_the_live_files_reproduces_every_workflow_change(
    snapshot: Snapshot,
    wf_dir: Path,
    config: Config,
    database: Database,
    db_url: str,
    clock: FrozenClock,
) -> None:
    config = config.model_copy(update={"database_url": db_url})
    await recorded(snapshot, wf_dir, database, clock)
    async with database.sessions() as s:
        made = await s.scalar(
            select(func.count())
            .select_from(TicketEvent)
            .where(TicketEvent.source.like("workflow:%"))
        )
    assert made and made >= 15  # priorities, tags, routes, round robin, a note, a shout-out …

    request = ReplayRequest(MONTH, baseline=str(wf_dir), format="json", now=clock.now())
    code, out, _ = await replayed(config, wf_dir, request)

    fidelity = json.loads(out)["fidelity"]
    assert code == 0
    assert fidelity == {"reproduced": 5, "mismatches": [], "not_comparable": []}
    assert json.loads(out)["differs"] is False


async def test_a_reload_in_the_window_is_named_per_ticket_instead_of_guessed(
    snapshot: Snapshot,
    wf_dir: Path,
    config: Config,
    database: Database,
    db_url: str,
    clock: FrozenClock,
) -> None:
    config = config.model_copy(update={"database_url": db_url})
    h = await recorded(snapshot, wf_dir, database, clock)  # 5 tickets under the first version
    edit(wf_dir, *EXTRA_KEYWORDS)
    clock.advance(timedelta(minutes=1))
    sb = await build_sandbox(config, database, clock, wf_dir)  # a restart records the edit
    clock.advance(timedelta(hours=1))
    later = await open_ticket(sb, "Login page unreachable", user="U9")
    message = await sb.desk.tickets.record_customer_message(
        ticket_id=h.invoice, text="any news?", actor="slack:U2", source="slack"
    )
    await happen(sb, message)
    clock.advance(timedelta(hours=1))
    await sb.run_due_timers()

    request = ReplayRequest(MONTH, baseline=str(wf_dir), format="json", now=clock.now())
    fidelity = json.loads((await replayed(config, wf_dir, request))[1])["fidelity"]

    assert fidelity["reproduced"] == 1  # the ticket opened under the edited files
    assert fidelity["mismatches"] == []
    reasons = {n["ticket"]: n["reason"] for n in fidelity["not_comparable"]}
    # The invoice's customer wrote after the reload: two versions ran it. The others were
    # done with (as far as the trail goes) before it: the first version ran them.
    assert reasons == {
        h.invoice: "changed",
        h.outage: "other",
        h.unreachable: "other",
        h.export: "other",
        h.japanese: "other",
    }
    assert later.number not in reasons


def _cells(markdown: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip("|").split("|")]
        for line in markdown.splitlines()
        if line.startswith("|") and "---" not in line
    ]


async def test_markdown_for_a_pull_request_and_fail_on_change_for_ci(
    snapshot: Snapshot,
    tmp_path: Path,
    wf_dir: Path,
    config: Config,
    database: Database,
    clock: FrozenClock,
) -> None:
    config = config.model_copy(update={"database_url": database.url})
    h = await recorded(snapshot, wf_dir, database, clock)
    shutil.copytree(wf_dir, tmp_path / "live")
    edit(wf_dir, *EXTRA_KEYWORDS)

    request = ReplayRequest(
        MONTH, baseline=str(tmp_path / "live"), format="markdown", fail_on_change=True,
        now=clock.now(),
    )  # fmt: skip
    code, out, _ = await replayed(config, wf_dir, request)

    assert code == 3
    assert out.startswith("### Workflow replay of 5 ticket(s) created since 2026-")
    cells = _cells(out)
    assert ["triage-outage", "3", "1", "+2"] in cells
    assert [f"\\#{h.unreachable}", "priority", "P3", "P1"] in cells
    assert [f"\\#{h.japanese}", "assignee", "—", "an agent of tier2 (round robin)"] in cells
    assert not any(row[0] == f"\\#{h.invoice}" for row in cells)
    assert "| --- | --: | --: | --: |" in out  # figures right-aligned

    same = ReplayRequest(MONTH, baseline=str(wf_dir), format="markdown", fail_on_change=True,
                         now=clock.now())  # fmt: skip
    code, out, _ = await replayed(config, wf_dir, same)
    assert code == 0
    assert "No ticket would change." in out


def _git(cwd: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


async def test_a_git_ref_is_a_baseline_and_the_working_tree_stays_as_it_is(
    snapshot: Snapshot,
    tmp_path: Path,
    wf_dir: Path,
    config: Config,
    database: Database,
    clock: FrozenClock,
) -> None:
    config = config.model_copy(update={"database_url": database.url})
    h = await recorded(snapshot, wf_dir, database, clock)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "workflows")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "workflows")
    edit(wf_dir, *EXTRA_KEYWORDS)
    edited = (wf_dir / "10-triage.yaml").read_text(encoding="utf-8")

    request = ReplayRequest(MONTH, baseline="HEAD", format="json", now=clock.now())
    code, out, err = await replayed(config, wf_dir, request)

    assert (code, err) == (0, "")
    report: dict[str, Any] = json.loads(out)
    assert {t["ticket"] for t in report["changed"]} == {h.unreachable, h.japanese}
    assert report["baseline"] == {"kind": "files", "label": "HEAD"}
    assert report["fidelity"]["mismatches"] == []  # HEAD is what ran
    assert (wf_dir / "10-triage.yaml").read_text(encoding="utf-8") == edited

    request = ReplayRequest(MONTH, baseline="no-such-branch", now=clock.now())
    code, out, err = await replayed(config, wf_dir, request)
    assert (code, out) == (2, "")
    assert "no-such-branch is neither a folder nor a commit of the git repository" in err


def figures(part: Partial) -> dict[str, Any]:
    return to_data(Report(part.comparison, part.fidelity, ("triage-outage",), UTC))


async def test_neither_the_baseline_shortcut_nor_worker_processes_change_a_figure(
    snapshot: Snapshot,
    tmp_path: Path,
    wf_dir: Path,
    config: Config,
    database: Database,
    clock: FrozenClock,
) -> None:
    config = config.model_copy(update={"database_url": database.url})
    await recorded(snapshot, wf_dir, database, clock)
    shutil.copytree(wf_dir, tmp_path / "live")
    edit(wf_dir, *EXTRA_KEYWORDS)
    job = Job(config, wf_dir, tmp_path / "live", "live", clock.now() - MONTH, clock.now())
    done: list[int] = []

    shortcut = await run_part(job, (0, 1), done.append)
    full = await run_part(replace(job, twin=False), (0, 1), done.append)
    workers = await asyncio.to_thread(run_parallel, job, 2, done.append)

    assert (shortcut.baseline_runs, full.baseline_runs) == (2, 5)  # only the changed two again
    assert figures(shortcut) == figures(full) == figures(workers)
    assert figures(full)["changed"] != []
    assert sum(done) == 3 * 5  # every ticket reported done, also from the workers


def test_the_command_line_prints_markdown_and_fails_on_change(
    snapshot: Snapshot, tmp_path: Path, wf_dir: Path
) -> None:
    """The real command, as CI runs it (its clock is today's: `--since` reaches back to March)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"

    async def prepare() -> None:
        db = open_database(url)
        await db.create_all()
        await restore(db, snapshot)
        await db.close()

    run_aside(prepare())
    write_files(wf_dir)
    shutil.copytree(wf_dir, tmp_path / "live")
    edit(wf_dir, *EXTRA_KEYWORDS)
    config = {**shared.test_config_data(), "database_url": url, "workflows_dir": str(wf_dir)}
    (tmp_path / "supportbot.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")}
    command = [sys.executable, "-m", "supportbot", "workflows", "replay", "--config",
               str(tmp_path / "supportbot.yaml"), "--since", "3650d"]  # fmt: skip

    done = subprocess.run(
        [*command, "--baseline", str(tmp_path / "live"), "--format", "markdown",
         "--fail-on-change"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip

    assert done.returncode == 3, done.stderr
    assert f"| \\#{snapshot.history.unreachable} | priority | P3 | P1 |" in done.stdout
    assert done.stderr == ""  # no progress bar when stderr is not a terminal
    same = subprocess.run(
        [*command, "--baseline", str(wf_dir), "--fail-on-change"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert same.returncode == 0, same.stderr
    assert "No ticket would change." in same.stdout
