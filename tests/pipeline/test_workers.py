"""`serve --workers 2`: one supervisor, two replica processes on one port and one PostgreSQL
database. Events spread over them each become exactly one ticket and one card; a worker that
dies is started again and the desk goes on; SIGTERM stops them all. On SQLite (one writer)
the option is refused with a sentence and exit code 2."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.servers import REPO, ServerProcess
from bench.slackload import messages

from .conftest import MakeApi
from .rig import Launcher, eventually, problems, summary, tagged_cards, tickets_by_message


def _children(pid: int) -> set[int]:
    """The live child processes of `pid` (from /proc: no extra library)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


async def _supervising_two(launcher: Launcher, api: str) -> ServerProcess:
    """`serve --workers 2`, answering, with its two workers running."""
    server = launcher.server(api, "supervisor", None, "--workers", "2")
    await server.start()
    await server.wait_healthy(60)
    assert await eventually(lambda: len(_children(server.pid)) == 2, limit=30)
    return server


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_two_workers_share_a_port_survive_a_death_and_stop_together(
    launcher: Launcher, make_api: MakeApi
) -> None:
    api = await make_api()
    server = await _supervising_two(launcher, api.url)
    first = _children(server.pid)

    batch = messages(24, customers=8)
    async with launcher.sender(timeout=10) as sender:
        acks = await asyncio.gather(*(sender.event(server.events_url, m) for m in batch[:12]))
        assert {a.status for a in acks} == {200}

        dead = min(first)
        os.kill(dead, signal.SIGKILL)  # a worker dies: its sibling serves, another one starts
        assert await eventually(
            lambda: len(_children(server.pid)) == 2 and dead not in _children(server.pid),
            limit=30,
        ), f"workers now: {_children(server.pid)}"
        await server.wait_healthy(60)
        acks = await asyncio.gather(*(sender.event(server.events_url, m) for m in batch[12:]))
        assert {a.status for a in acks} == {200}

    await eventually(lambda: all(tagged_cards(api.mock, batch).values()), limit=30)
    await asyncio.sleep(1.0)
    tickets = await tickets_by_message(launcher.database_url)
    found = problems(batch, tickets, tagged_cards(api.mock, batch))
    assert found == [], summary(found, batch, tickets)

    workers = _children(server.pid)
    await server.stop(grace=40)
    assert not [pid for pid in workers if _alive(pid)], "a worker outlived its supervisor"


def test_sqlite_refuses_more_than_one_worker(tmp_path: Path) -> None:
    env = {**os.environ, "SUPPORTBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "supportbot", "serve", "--workers", "2", "--port", "9"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "--workers 2 needs PostgreSQL" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_workers_stop_when_their_supervisor_is_killed(
    launcher: Launcher, make_api: MakeApi
) -> None:
    api = await make_api()
    server = await _supervising_two(launcher, api.url)
    workers = _children(server.pid)
    server.kill()  # -9: it cannot stop them; they notice it is gone
    await server.wait()
    assert await eventually(lambda: not [pid for pid in workers if _alive(pid)], limit=30), (
        "orphaned workers kept serving"
    )


def test_a_bad_worker_count_in_the_environment_is_a_sentence(tmp_path: Path) -> None:
    env = {**os.environ, "SUPPORTBOT_WORKERS": "many"}
    done = subprocess.run(
        [sys.executable, "-m", "supportbot", "serve"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "argument --workers: invalid int value: 'many'" in done.stderr
    assert "Traceback" not in done.stderr
