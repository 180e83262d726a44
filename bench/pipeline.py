"""The event pipeline, end to end: supportbot serve against a bare slack-bolt app.

In one run, for a bare Bolt app (`bench/barebolt.py`: verify, ack, post one card),
`supportbot serve` on SQLite and `supportbot serve` on PostgreSQL (shipped
`config/supportbot.yaml` and `workflows/`), each in its own process against its own mock Web
API process (`bench/mockslack.py`), this process sends signed message events from 50
customers into the intake channel `C0CUSTOMERS` and prints:

- end to end, N in flight: events per second, where an event ends when its card's
  `chat.postMessage` reached the mock (a closed loop: each of N slots sends, waits for the
  card, sends the next);
- open loop at R events/s (sent on schedule, whatever the server does): ack p50/p99, cards
  per second, and the seconds from the last event until the last card;
- the peak RSS of the server process, and at the end how much of it is the process's own
  (anonymous) memory and how much file-backed pages (code, Sudachi's memory-mapped dictionary),
  which the kernel shares between processes and may drop.

A warm-up (one message per customer) runs first, so profiles and customers are known as in a
desk that has been running. Logging is at WARNING in every server (no access log lines).
PostgreSQL gets a fresh database (`supportbot_bench`, `--pg-url`), migrated with
`supportbot db upgrade`, dropped afterwards. Run: `python -m bench.pipeline [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import pgdatabase
from bench.figures import Figures, Goals, table
from bench.mockslack import CardFeed
from bench.servers import REPO, ServerError, ServerProcess, free_port, supportbot_argv
from bench.slackload import (
    BOT_TOKEN,
    CustomerMessage,
    SlackSender,
    at_rate,
    message,
    new_secret,
    percentile,
    tag,
)

CONFIG = REPO / "config" / "supportbot.yaml"


@dataclass(frozen=True, slots=True)
class Sizes:
    closed_seconds: float = 10.0
    in_flight: int = 32
    open_seconds: float = 10.0
    rate: float = 200.0
    drain_limit: float = 30.0
    customers: int = 50
    card_limit: float = 10.0  # a closed-loop slot gives up on a card after this long


QUICK = Sizes(closed_seconds=3.0, open_seconds=3.0, drain_limit=10.0)


@dataclass
class Target:
    """One server to measure: how to start it and what it needs around it."""

    key: str  # as `--only` names it
    name: str
    argv: Callable[[int], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    pg_url: str | None = None  # a fresh PostgreSQL database around the run
    sqlite_path: Path | None = None  # a fresh SQLite file (serve migrates it)

    async def prepare(self, log: Path) -> None:
        if self.sqlite_path is not None:
            _remove_sqlite(self.sqlite_path)
        if self.pg_url is None:
            return
        await pgdatabase.recreate(self.pg_url)
        with log.open("ab") as out:
            upgrade = await asyncio.create_subprocess_exec(
                *[sys.executable, "-m", "supportbot", "--config", str(CONFIG), "db", "upgrade"],
                env={**os.environ, **self.env},
                cwd=REPO,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
            if await upgrade.wait() != 0:
                raise RuntimeError(f"supportbot db upgrade failed; see {log}")

    async def cleanup(self) -> None:
        if self.pg_url is not None:
            await pgdatabase.drop(self.pg_url)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def targets(workdir: Path, pg_url: str | None, only: set[str]) -> list[Target]:
    quiet = {"SUPPORTBOT_LOG": "WARNING"}
    found = [
        Target(
            "bolt",
            "bare slack-bolt",
            lambda port: [sys.executable, "-m", "bench.barebolt", "--port", str(port)],
        ),
        Target(
            "sqlite",
            "supportbot, SQLite",
            lambda port: supportbot_argv(CONFIG, port),
            {**quiet, "SUPPORTBOT_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.db'}"},
            sqlite_path=workdir / "bench.db",
        ),
    ]
    if pg_url is not None:
        found.append(
            Target(
                "postgresql",
                "supportbot, PostgreSQL",
                lambda port: supportbot_argv(CONFIG, port),
                {**quiet, "SUPPORTBOT_DATABASE_URL": pg_url},
                pg_url=pg_url,
            )
        )
    return [t for t in found if t.key in only]


# -- the phases ---------------------------------------------------------------------------------
@dataclass
class Stream:
    """Numbers messages across the phases of one run (each tag and ts is used once)."""

    customers: int
    seconds: int = field(default_factory=lambda: int(time.time()))
    _next: itertools.count[int] = field(default_factory=itertools.count)

    def next(self) -> CustomerMessage:
        return message(next(self._next), customers=self.customers, seconds=self.seconds)


async def warm_up(sender: SlackSender, url: str, feed: CardFeed, stream: Stream) -> None:
    """One message per customer, 8 at a time: profiles, customers and connections exist."""
    batch = [stream.next() for _ in range(stream.customers)]
    for start in range(0, len(batch), 8):
        chunk = batch[start : start + 8]
        await asyncio.gather(*(sender.event(url, m) for m in chunk))
    await feed.wait_all([tag(m.n) for m in batch], 60.0)


@dataclass(frozen=True, slots=True)
class ClosedLoop:
    rate: float  # events per second whose card came before the deadline
    lost: int  # no 200, or no card within `card_limit`
    cpu_per_event: float  # the server process's CPU seconds per event sent


async def closed_loop(
    sender: SlackSender, server: ServerProcess, feed: CardFeed, stream: Stream, sizes: Sizes
) -> ClosedLoop:
    """`in_flight` slots, each: send, wait for the card, send the next."""
    cpu_before = server.cpu_seconds()
    deadline = time.monotonic() + sizes.closed_seconds
    done = lost = sent = 0

    async def slot() -> None:
        nonlocal done, lost, sent
        while time.monotonic() < deadline:
            m = stream.next()
            sent += 1
            ack = await sender.event(server.events_url, m)
            came = await feed.wait(tag(m.n), sizes.card_limit) if ack.status == 200 else None
            if came is None:
                lost += 1
            elif came <= deadline:
                done += 1

    await asyncio.gather(*(slot() for _ in range(sizes.in_flight)))
    cpu = (server.cpu_seconds() - cpu_before) / max(sent, 1)
    return ClosedLoop(done / sizes.closed_seconds, lost, cpu)


@dataclass(frozen=True, slots=True)
class OpenLoop:
    ack_p50: float
    ack_p99: float
    refused: int  # answers other than 200 (or none)
    cards_per_second: float
    lag: float | None  # last card after last event; None when some never came
    missing: int
    offered: float  # the rate the events really left at (the generator may lag on a busy box)


async def open_loop(
    sender: SlackSender, url: str, feed: CardFeed, stream: Stream, sizes: Sizes
) -> OpenLoop:
    batch = [stream.next() for _ in range(int(sizes.rate * sizes.open_seconds))]
    sent = await at_rate(sender, url, batch, sizes.rate)
    ok = [s for s in sent if s.ack.status == 200]
    tags = [tag(s.message.n) for s in ok]
    await feed.wait_all(tags, sizes.drain_limit)
    arrivals = [feed.arrived[t] for t in tags if t in feed.arrived]
    first, last = min(s.sent_at for s in sent), max(s.sent_at for s in sent)
    span = (max(arrivals) - first) if arrivals else float("inf")
    return OpenLoop(
        ack_p50=percentile([s.ack.seconds for s in ok], 0.5),
        ack_p99=percentile([s.ack.seconds for s in ok], 0.99),
        refused=len(sent) - len(ok),
        cards_per_second=len(arrivals) / span,
        lag=max(arrivals) - last if arrivals and len(arrivals) == len(tags) else None,
        missing=len(tags) - len(arrivals),
        offered=(len(sent) - 1) / (last - first) if last > first else float("nan"),
    )


# -- one target ---------------------------------------------------------------------------------
async def measure(target: Target, sizes: Sizes, workdir: Path) -> Figures:
    log = workdir / f"{target.key}.log"
    await target.prepare(log)
    mock_port = free_port()
    mock = ServerProcess(
        "mock Web API",
        [sys.executable, "-m", "bench.mockslack", "--port", str(mock_port)],
        {},
        mock_port,
        workdir / f"{target.key}-mock.log",
    )
    port = free_port()
    secret = new_secret()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": f"{mock.url}/api/",
        **target.env,
    }
    server = ServerProcess(target.name, target.argv(port), env, port, log)
    feed = CardFeed(mock.url)
    try:
        await mock.start()
        await mock.wait_healthy()
        await server.start()
        await server.wait_healthy(60.0)
        await feed.open()
        return await _phases(target.name, server, feed, sizes, secret)
    finally:
        await feed.close()
        await server.stop()
        await mock.stop()
        await target.cleanup()


async def _phases(
    name: str, server: ServerProcess, feed: CardFeed, sizes: Sizes, secret: str
) -> Figures:
    stream = Stream(sizes.customers)
    async with SlackSender(secret=secret) as sender:
        await warm_up(sender, server.events_url, feed, stream)
        closed = await closed_loop(sender, server, feed, stream, sizes)
        say(
            f"{name}: end to end {closed.rate:.0f} events/s ({closed.lost} without a card), "
            f"{closed.cpu_per_event * 1000:.1f} ms CPU per event"
        )
        opened = await open_loop(sender, server.events_url, feed, stream, sizes)
        say(
            f"{name}: open loop at {opened.offered:.0f}/s: ack p50 {opened.ack_p50 * 1000:.1f} ms, "
            f"p99 {opened.ack_p99 * 1000:.1f} ms, {opened.cards_per_second:.0f} cards/s, "
            f"{opened.missing} missing"
        )
    memory = server.memory()
    return Figures(
        name=name,
        e2e_rate=closed.rate,
        e2e_lost=closed.lost,
        cpu_per_event=closed.cpu_per_event,
        ack_p50=opened.ack_p50,
        ack_p99=opened.ack_p99,
        refused=opened.refused,
        cards_per_second=opened.cards_per_second,
        lag=opened.lag,
        missing=opened.missing,
        peak_rss=server.peak_rss(),
        anonymous=memory[0],
        file_backed=memory[1],
    )


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the command ----------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s phases (about a minute)")
    parser.add_argument("--closed-seconds", type=float)
    parser.add_argument("--in-flight", type=int)
    parser.add_argument("--open-seconds", type=float)
    parser.add_argument("--rate", type=float, help="open-loop events per second (200)")
    parser.add_argument("--drain-limit", type=float, help="wait this long for the last cards")
    parser.add_argument("--customers", type=int)
    parser.add_argument("--pg-url", default=os.environ.get("SUPPORTBOT_BENCH_PG_URL"))
    parser.add_argument(
        "--only", default="bolt,sqlite,postgresql", help="comma-separated: bolt,sqlite,postgresql"
    )
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    return parser.parse_args(argv)


def sizes_from(args: argparse.Namespace) -> Sizes:
    base = QUICK if args.quick else Sizes()
    chosen = {
        k: getattr(args, k)
        for k in ("closed_seconds", "in_flight", "open_seconds", "rate", "drain_limit", "customers")
        if getattr(args, k) is not None
    }
    return dataclasses.replace(base, **chosen)


async def run(args: argparse.Namespace) -> int:
    sizes = sizes_from(args)
    wanted: str = args.pg_url or pgdatabase.DEFAULT_URL
    only = set(args.only.split(","))
    pg_url: str | None = wanted if "postgresql" in only else None
    if pg_url is not None and (why := await pgdatabase.reachable(pg_url)) is not None:
        say(f"PostgreSQL skipped: not reachable at {pg_url} ({why})")
        pg_url = None
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        workdir = args.logs or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = [await measure(t, sizes, workdir) for t in targets(workdir, pg_url, only)]
    print(table(results, sizes.in_flight, sizes.rate, Goals()))
    print(
        f"\n{sizes.customers} customers; end to end for {sizes.closed_seconds:.0f} s, open loop "
        f"for {sizes.open_seconds:.0f} s; {os.cpu_count()} cores, load average "
        f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after the run."
    )
    bolt = next((f for f in results if f.name == "bare slack-bolt"), None)
    if bolt is not None and bolt.cards_per_second < 0.9 * sizes.rate:
        print(
            f"\nWarning: the bare Bolt app itself did not keep up with {sizes.rate:.0f} events/s "
            "(the machine was busy): compare the ratios, not the absolute figures."
        )
    return 0


def main() -> None:
    try:
        code = asyncio.run(run(parse_args()))
    except (ServerError, RuntimeError, OSError) as exc:
        say(f"bench.pipeline: {exc}")
        code = 1
    raise SystemExit(code)


if __name__ == "__main__":
    main()
