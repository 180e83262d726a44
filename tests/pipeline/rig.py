"""The test rig: `supportbot serve` as real subprocesses on one database, a desk config, and
what the database says afterwards.

Black-box on purpose: the servers are started with the CLI, events go in through signed HTTP,
cards come out at the mock Web API (`bench.mockslack`), and tickets are read from the
`tickets` table, so the tests hold whatever the desk's internals become.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import yaml
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.mockslack import Card, MockSlack
from bench.servers import REPO, ServerProcess, free_port, supportbot_argv
from bench.slackload import BOT_TOKEN, CustomerMessage, SlackSender, new_secret, tag

SHIPPED_CONFIG = REPO / "config" / "supportbot.yaml"
STAFF = "U0LENA"  # Lena: agent and lead of every team in the shipped config
SUPPORT = "C0SUPPORT"


def write_config(folder: Path, **overrides: Any) -> Path:
    """The shipped config and workflows, with `overrides` merged in (a mapping updates the
    shipped mapping: `csat={"delay": "2s"}` keeps the other CSAT settings)."""
    data = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    data["workflows_dir"] = str(REPO / "workflows")
    data.pop("database_url", None)  # SUPPORTBOT_DATABASE_URL decides
    for key, value in overrides.items():
        shipped = data.get(key)
        data[key] = {**shipped, **value} if isinstance(shipped, dict) else value
    path = folder / "supportbot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def eventually(check: Callable[[], object], *, limit: float) -> bool:
    """Poll until `check()` is truthy (True) or `limit` seconds passed (False). The limit only
    bounds the wait; the test's assertions come after, on what is there."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def wait_until(check: Callable[[], object], *, limit: float, what: str) -> None:
    """Poll until `check()` is truthy; after `limit` seconds fail, saying what never happened."""
    if not await eventually(check, limit=limit):
        raise AssertionError(f"after {limit:.0f} s: {what}")


@dataclass
class Launcher:
    """Starts `supportbot serve` processes on one database and config; kills them all at the
    end of the test."""

    config: Path
    database_url: str
    logs: Path
    secret: str = field(default_factory=new_secret)
    started: list[ServerProcess] = field(default_factory=list)

    def sender(self, timeout: float = 5.0) -> SlackSender:
        """A client that signs with this launcher's secret."""
        return SlackSender(secret=self.secret, timeout=timeout)

    def server(
        self, api: str, name: str = "serve", port: int | None = None, *extra: str
    ) -> ServerProcess:
        """`serve` (with `extra` options after its own) on this launcher's database."""
        port = port or free_port()
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": self.secret,
            "SLACK_API_URL": f"{api}/api/",
            "SUPPORTBOT_DATABASE_URL": self.database_url,
            "SUPPORTBOT_PLAYGROUND": "off",
        }
        slug = name.replace(" ", "-")
        argv = [*supportbot_argv(self.config, port), *extra]
        process = ServerProcess(name, argv, env, port, self.logs / f"{slug}.log")
        self.started.append(process)
        return process

    async def restart(self, old: ServerProcess, api: str) -> ServerProcess:
        """The same server (port, database, config) started again, talking to `api`."""
        new = self.server(api, f"{old.name} again", old.port)
        await new.start()
        await new.wait_healthy()
        return new

    async def migrate(self) -> None:
        """`supportbot db upgrade`: serve applies migrations itself only on SQLite."""
        if self.database_url.startswith("sqlite"):
            return
        process = await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "supportbot", "--config", str(self.config), "db", "upgrade"],
            env={**os.environ, "SUPPORTBOT_DATABASE_URL": self.database_url},
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        assert process.returncode == 0, output.decode(errors="replace")

    async def close(self) -> None:
        for process in self.started:
            process.kill()
        for process in self.started:
            await process.wait()


@contextlib.asynccontextmanager
async def starting_gate(database_url: str) -> AsyncIterator[Callable[[int], Awaitable[int]]]:
    """Hold every table of the (migrated) PostgreSQL database locked, as a migration running in
    another transaction would; inside, `await blocked(n)` waits until n other connections
    queue on those locks (or 60 s pass, for a start-up that touches no table). On leaving, the
    locks go all at once, so the replicas waiting on them run their start-up in the same
    instant instead of seconds apart, as import times on a busy machine would spread them."""
    dsn = make_url(database_url).set(drivername="postgresql")
    conn = await asyncpg.connect(dsn.render_as_string(hide_password=False), timeout=5)
    try:
        async with conn.transaction():
            tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
            names = ", ".join(f'"{t["tablename"]}"' for t in tables)
            await conn.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")

            async def blocked(n: int, limit: float = 60.0) -> int:
                deadline = asyncio.get_running_loop().time() + limit
                while (waiting := int(await conn.fetchval(_WAITING))) < n:
                    if asyncio.get_running_loop().time() > deadline:
                        break
                    await asyncio.sleep(0.1)
                return waiting

            yield blocked
    finally:
        await conn.close()


_WAITING = """
SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.datname = current_database()
"""


async def tickets_by_message(database_url: str) -> dict[str, list[int]]:
    """Ticket numbers per originating Slack message ts."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT origin_message, id FROM tickets "
                    "WHERE origin_platform = 'slack' ORDER BY id"
                )
            )
            found: dict[str, list[int]] = collections.defaultdict(list)
            for ts, number in rows:
                found[str(ts)].append(int(number))
            return dict(found)
    finally:
        await engine.dispose()


def tagged_cards(mock: MockSlack, batch: Iterable[CustomerMessage]) -> dict[str, list[Card]]:
    """The cards the mock answered, per message of `batch` (found by the message's tag)."""
    wanted = {tag(m.n): m.ts for m in batch}
    found: dict[str, list[Card]] = {ts: [] for ts in wanted.values()}
    for card in mock.cards():
        if card.tag in wanted:
            found[wanted[card.tag]].append(card)
    return found


def problems(
    batch: list[CustomerMessage], tickets: dict[str, list[int]], cards: dict[str, list[Card]]
) -> list[str]:
    """Everything that breaks "each message: exactly one ticket and exactly one card"."""
    found = []
    for m in batch:
        numbers = tickets.get(m.ts, [])
        shown = sorted(c.number or 0 for c in cards.get(m.ts, []))
        if len(numbers) != 1 or shown != numbers:
            found.append(f"message {m.n} (ts {m.ts}): tickets {numbers}, cards of tickets {shown}")
    return found


def summary(found: list[str], batch: list[CustomerMessage], tickets: dict[str, list[int]]) -> str:
    """One line for a failed check, then the first problems."""
    without = sum(not tickets.get(m.ts) for m in batch)
    doubled = sum(len(tickets.get(m.ts, [])) > 1 for m in batch)
    head = (
        f"{len(found)} of {len(batch)} messages are wrong: {without} have no ticket, "
        f"{doubled} have more than one"
    )
    return "\n".join([head, *found[:10]])
