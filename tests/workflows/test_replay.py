"""`workflows replay`: what the current files would have done to past tickets; changes nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from supportbot.clock import FrozenClock
from supportbot.config import Config
from supportbot.store.db import open_database
from supportbot.store.models import TicketEvent
from supportbot.workflows.replay import replay
from supportbot.workflows.sandbox import build_sandbox

from .conftest import one_workflow, open_ticket


async def test_replay_lists_matches_and_changes_nothing(
    tmp_path: Path,
    wf_dir: Path,
    config: Config,
    clock: FrozenClock,
    write: Callable[[str, str], Path],
) -> None:
    config = config.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"})
    db = open_database(config.database_url)
    await db.create_all()
    sb = await build_sandbox(config, db, clock, wf_dir)  # no workflows yet: plain history
    old = await open_ticket(sb, "サーバー障害が発生しています", user="U1")
    clock.advance(timedelta(days=40))
    recent = await open_ticket(sb, "障害です", user="U2")
    other = await open_ticket(sb, "a question", user="U3")
    async with db.sessions() as s:
        before = await s.scalar(select(func.count()).select_from(TicketEvent))

    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            "[{action: set_priority, with: {priority: P1}}]",
            condition="{text.contains: 障害}",
            name="outage-p1",
        ),
    )
    out = io.StringIO()
    assert await replay(config, wf_dir, timedelta(days=30), out, now=clock.now()) == 0
    lines = out.getvalue().splitlines()
    assert [ln.split(" ", 2)[2] for ln in lines[:-1]] == [
        f"#{recent.number} ticket.created → outage-p1: set_priority"
    ]
    assert "1 workflow run(s) would have happened; nothing was changed" in lines[-1]
    async with db.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(TicketEvent)) == before
    assert (await sb.desk.tickets.get(recent.number)).priority == "P3"
    assert old.number != other.number
    await db.close()


async def test_replay_refuses_a_missing_database(
    tmp_path: Path, wf_dir: Path, config: Config
) -> None:
    config = config.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'no.db'}"})
    out = io.StringIO()
    assert await replay(config, wf_dir, timedelta(days=30), out) == 2
    assert "there is no database" in out.getvalue()
    assert not (tmp_path / "no.db").exists()
