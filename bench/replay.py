"""How long `supportbot workflows replay` takes over a month of 100,000 tickets.

    .venv/bin/python -m bench.replay                       # 100k tickets, SQLite and PostgreSQL
    .venv/bin/python -m bench.replay --tickets 20000 --backends sqlite

The history comes from the seeded history generator (`supportbot.insights.history`): tickets
over 30 days with their audit rows (created, claimed, reply, resolved), given realistic English
and Japanese texts and, for a third of them, a customer message (some saying "urgent"). It is
bulk-inserted (executemany on SQLite, COPY on PostgreSQL), with the shipped workflow files
no `workflow_versions` row (the generated trail has no workflow-made rows to check, so the
fidelity check names every ticket as having no record). Then the replay runs end to end, as
the CLI does: the working files (the shipped ones plus one triage keyword) against the
shipped ones as the baseline. Figures only; no asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bench.report import PG_URL, copy_batch, ensure_pg_database
from supportbot.config import Config, load_config
from supportbot.insights.history import Batch, HistoryGenerator, Row
from supportbot.insights.seed import fix_sequences, prepare_cast
from supportbot.store.db import Database, open_database
from supportbot.store.models import Ticket, TicketEvent
from supportbot.workflows.replay import ReplayRequest, reader, replay

ROOT = Path(__file__).resolve().parents[1]
DAYS = 30
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEXTS = {
    "login": ("Cannot sign in since this morning", "ログインできません。パスワードは正しいです"),
    "billing": ("Question about my invoice for October", "10月分の請求書の金額について"),
    "bug": ("Export fails with error 500", "エクスポートでエラー 500 が出ます"),
    "how-to": ("How do I add a teammate?", "メンバーの追加方法を教えてください"),
    "outage": ("The dashboard is down for everyone", "サービスに繋がらない、至急対応お願いします"),
    "feature-request": ("Please add a dark mode", "ダークモードが欲しいです"),
    "account": ("Change the account owner", "アカウントの所有者を変更したい"),
}
MESSAGES = (
    "Any update on this?",
    "This is urgent, still broken",
    "まだ直りません。至急お願いします",
)
EXTRA_KEYWORD = ('"is down",', '"is down", "sign in",')  # login tickets become outages


def per_day_for(tickets: int) -> float:
    """The generator's weekday rate giving about `tickets` over DAYS days (see bench.report)."""
    return tickets / (DAYS / 7 * 5.5 * 1.15)


def enrich(batch: Batch, rng: random.Random) -> None:
    """Texts that the triage rules read, a first state the workflows set, and messages."""
    for t in batch.tickets:
        english, japanese = TEXTS[t["category"]]
        t["subject"] = t["body"] = japanese if t["locale"] == "ja" else english
        t["category"], t["priority"], t["tags"] = None, "P3", []
    created = {e["ticket_id"]: e for e in batch.events if e["kind"] == "created"}
    closes = {e["ticket_id"]: e["at"] for e in batch.events if e["kind"] == "resolved"}
    requesters = {t["id"]: t["requester_id"] for t in batch.tickets}
    for tid, first in created.items():
        if rng.random() < 1 / 3:
            end = closes.get(tid, first["at"] + timedelta(hours=8))
            at = first["at"] + (end - first["at"]) * rng.uniform(0.1, 0.9)
            batch.events.append(_message(tid, at, requesters[tid], rng.choice(MESSAGES)))
    for e in batch.events:
        if e["kind"] == "reply":
            e["data"] = {"text": "Thanks, looking into it", "first_response": True}


def _message(tid: int, at: datetime, actor: int, text: str) -> Row:
    return {"ticket_id": tid, "at": at, "actor_id": actor, "kind": "message",
            "source": "slack", "data": {"text": text}}  # fmt: skip


async def insert_rows(db: Database, session: AsyncSession, batch: Batch) -> None:
    if db.is_postgres:
        await copy_batch(session, batch)  # tickets (and polls, …); events below
        conn = await session.connection()
        raw: Any = (await conn.get_raw_connection()).driver_connection
        columns = ["ticket_id", "at", "actor_id", "kind", "source", "data"]
        records = [tuple(_jsonb(e[c]) for c in columns) for e in batch.events]
        await raw.copy_records_to_table("ticket_events", records=records, columns=columns)
        return
    conn = await session.connection()  # Core executemany: the ORM's bulk path is 20x slower
    await conn.execute(insert(Ticket.__table__), batch.tickets)
    await conn.execute(insert(TicketEvent.__table__), batch.events)


def _jsonb(value: Any) -> Any:
    import json

    return json.dumps(value) if isinstance(value, dict) else value


async def fill(db: Database, config: Config, tickets: int) -> tuple[int, int]:
    await db.drop_all()
    await db.create_all()
    rng = random.Random(7)
    counted = [0, 0]
    async with db.sessions() as session:
        start = NOW - timedelta(days=DAYS)
        cast = await prepare_cast(session, config)
        generator = HistoryGenerator(cast, zone=config.business_hours.zone, seed=3)
        for batch in generator.days(start, DAYS, per_day_for(tickets), NOW, batch_size=20_000):
            enrich(batch, rng)
            batch.polls, batch.escalations, batch.handoffs, batch.kudos = [], [], [], []
            await insert_rows(db, session, batch)
            await session.commit()
            counted[0] += len(batch.tickets)
            counted[1] += len(batch.events)
        await fix_sequences(session)
        await session.commit()
    if db.is_postgres:
        async with db.engine.connect() as conn:
            await conn.exec_driver_sql("ANALYZE")
    return counted[0], counted[1]


async def read_only(db: Database) -> float:
    """Just streaming the history (the replay's floor)."""
    began = time.perf_counter()
    async for _ in reader.histories(db, NOW - timedelta(days=DAYS)):
        pass
    return time.perf_counter() - began


async def bench(backend: str, size: int, pg_url: str, jobs: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}" if backend == "sqlite" else pg_url
        if backend != "sqlite":
            await ensure_pg_database(url)
        config = load_config(ROOT / "config" / "supportbot.yaml", {"SUPPORTBOT_DATABASE_URL": url})
        live, working = ROOT / "workflows", Path(tmp) / "workflows"
        shutil.copytree(live, working)
        triage = working / "10-triage.yaml"
        triage.write_text(triage.read_text(encoding="utf-8").replace(*EXTRA_KEYWORD), "utf-8")
        db = open_database(url)
        try:
            began = time.perf_counter()
            count, events = await fill(db, config, size)
            loaded = time.perf_counter() - began
            streamed = await read_only(db)
            request = ReplayRequest(timedelta(days=DAYS), baseline=str(live), now=NOW, jobs=jobs)
            out = io.StringIO()
            began, cpu = time.perf_counter(), _cpu()
            code = await replay(config, working, request, out, sys.stderr)
            took, cpu = time.perf_counter() - began, _cpu() - cpu
        finally:
            await db.drop_all()  # leave the shared PostgreSQL server as we found it
            await db.close()
    changed = next((ln for ln in out.getvalue().splitlines() if "would change" in ln), "?")
    print(
        f"{backend:<10} {count:>8,} tickets {events:>9,} rows  load {loaded:6.1f}s  "
        f"read {streamed:5.1f}s  replay {took:5.1f}s ({count / took:,.0f} tickets/s, "
        f"{cpu:5.1f} CPU-s, exit {code})  {changed.strip('= ')}",
        flush=True,
    )


def _cpu() -> float:
    """CPU seconds of this process and of its finished workers (the machine may be shared)."""
    mine, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return mine.ru_utime + mine.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--jobs", type=int, default=None, help="default: one per CPU")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"workflow replay: working files vs the shipped ones, {DAYS} days "
          f"(now = {NOW:%Y-%m-%d}), {os.cpu_count()} CPUs, load average {load:.1f}")  # fmt: skip
    for backend in args.backends.split(","):
        asyncio.run(bench(backend, args.tickets, args.pg_url, args.jobs))


if __name__ == "__main__":
    main()
