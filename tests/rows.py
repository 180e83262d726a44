"""Row counts of every table the desk has (inbox, tickets, people, outbox, timers, …): how
tests show that a refused request stored nothing."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from supportbot.store.db import Database
from supportbot.store.models import Base

_TABLES = tuple(Base.metadata.sorted_tables)
_COUNT_ROWS = text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t.name})" for t in _TABLES))


async def row_counts(db: Database) -> dict[str, int]:
    engine = db.engine.execution_options(supportbot_read_only=True)
    async with engine.connect() as connection:
        counts = (await connection.execute(_COUNT_ROWS)).one()
    return {t.name: int(n) for t, n in zip(_TABLES, counts, strict=True)}


async def quiet_row_counts(db: Database, polls: int = 3) -> dict[str, int]:
    """The counts once the desk's start-up work (e.g. the spike watch arming its timer) has
    written what it writes: the same in `polls` readings in a row, 0.1 s apart."""
    seen = [await row_counts(db)]
    while len(seen) < polls or any(r != seen[-1] for r in seen[-polls:]):
        await asyncio.sleep(0.1)
        seen.append(await row_counts(db))
    return seen[-1]


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {name: (before[name], n) for name, n in after.items() if before[name] != n}
