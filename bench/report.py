"""How long `supportbot report` takes to build on a large desk, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.report                      # 100k tickets, both backends
    .venv/bin/python -m bench.report --sizes 100000 1000000
    .venv/bin/python -m bench.report --backends sqlite

Tickets (with CSAT polls, escalations, hand-offs and kudos; without audit events, which the
report does not read) come from the seeded history generator, spread over 90 days, and are
bulk-inserted: executemany batches on SQLite, COPY (asyncpg `copy_records_to_table`) on
PostgreSQL. Then the full 90-day report and a 7-day report are timed. Figures only; no asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.config import Config
from supportbot.insights.build import compute_metrics
from supportbot.insights.history import Batch, HistoryGenerator
from supportbot.insights.period import Filters, Period
from supportbot.insights.seed import fix_sequences, prepare_cast
from supportbot.store.db import Database, open_database
from supportbot.store.models import CsatPoll, Escalation, Handoff, KudosAward, Ticket

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/supportbot_bench"
DAYS = 90
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CONFIG = Config.model_validate(
    {
        "teams": [{"name": "tier1", "default": True}, {"name": "tier2"}, {"name": "billing"}],
        "business_hours": {"timezone": "Asia/Tokyo"},
        "sla": {
            "targets": {
                "P1": {"first_response": "15m", "resolution": "4h"},
                "P2": {"first_response": "30m", "resolution": "8h"},
                "P3": {"first_response": "4h", "resolution": "3d"},
                "P4": {"first_response": "1d", "resolution": "5d"},
            }
        },
    }
)
MODELS: list[tuple[str, Any]] = [
    ("tickets", Ticket),
    ("polls", CsatPoll),
    ("escalations", Escalation),
    ("handoffs", Handoff),
    ("kudos", KudosAward),
]


def per_day_for(tickets: int) -> float:
    """The generator's weekday rate giving about `tickets` over DAYS days.

    A week holds 5 weekdays + 2 weekend days at 25 %, and growth averages 1.15.
    """
    return tickets / (DAYS / 7 * 5.5 * 1.15)


async def open_backend(backend: str, tmp: Path, pg_url: str) -> Database:
    if backend == "sqlite":
        return open_database(f"sqlite+aiosqlite:///{tmp / 'bench.db'}")
    await ensure_pg_database(pg_url)
    return open_database(pg_url)


async def ensure_pg_database(url: str) -> None:
    """Create the benchmark database on first use (it is dropped and refilled every run)."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False), timeout=5)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database):
            await conn.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await conn.close()


async def copy_batch(session: AsyncSession, batch: Batch) -> None:
    """PostgreSQL COPY through asyncpg for every table of the batch."""
    conn = await session.connection()
    raw: Any = (await conn.get_raw_connection()).driver_connection
    for name, model in MODELS:
        rows: list[dict[str, Any]] = getattr(batch, name)
        if not rows:
            continue
        columns = list(rows[0])
        records = [
            tuple(json.dumps(r[c]) if isinstance(r[c], list | dict) else r[c] for c in columns)
            for r in rows
        ]
        await raw.copy_records_to_table(model.__tablename__, records=records, columns=columns)


async def insert_batch(session: AsyncSession, batch: Batch) -> None:
    for name, model in MODELS:
        rows = getattr(batch, name)
        if rows:
            await session.execute(insert(model), rows)


async def fill(db: Database, tickets: int) -> int:
    await db.drop_all()
    await db.create_all()
    async with db.sessions() as session:
        cast = await prepare_cast(session, CONFIG)
        generator = HistoryGenerator(cast, zone=CONFIG.business_hours.zone, seed=1,
                                     with_events=False)  # fmt: skip
        count = 0
        start = NOW - timedelta(days=DAYS)
        for batch in generator.days(start, DAYS, per_day_for(tickets), NOW, batch_size=20_000):
            if db.is_postgres:
                await copy_batch(session, batch)
            else:
                await insert_batch(session, batch)
            await session.commit()
            count += len(batch.tickets)
        await fix_sequences(session)
        await session.commit()
    if db.is_postgres:
        async with db.engine.connect() as conn:
            await conn.exec_driver_sql("ANALYZE")
    return count


async def timed_report(db: Database, days: int, filters: Filters | None = None) -> float:
    period = Period(NOW - timedelta(days=days), NOW)
    began = time.perf_counter()
    async with db.sessions() as session:
        await compute_metrics(session, CONFIG, period, filters, now=NOW)
    return time.perf_counter() - began


async def bench(backend: str, size: int, pg_url: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_backend(backend, Path(tmp), pg_url)
        try:
            began = time.perf_counter()
            count = await fill(db, size)
            loaded = time.perf_counter() - began
            full = await timed_report(db, DAYS)
            week = await timed_report(db, 7)
            team = await timed_report(db, DAYS, Filters(team="tier2"))
        finally:
            await db.drop_all()  # leave the shared PostgreSQL server as we found it
            await db.close()
    print(
        f"{backend:<10} {count:>9,} tickets  load {loaded:7.1f}s  "
        f"report 90d {full:6.2f}s  7d {week:6.2f}s  90d team=tier2 {team:6.2f}s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    print(f"report build time over {DAYS} days of history (now = {NOW:%Y-%m-%d})")
    for size in args.sizes:
        for backend in args.backends.split(","):
            asyncio.run(bench(backend, size, args.pg_url))


if __name__ == "__main__":
    main()
