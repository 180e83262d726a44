"""SLA and CSAT timers are rows in the database: they survive a restart and, with several desks
polling one PostgreSQL database at once, each fires exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from supportbot.config import Config
from supportbot.store.models import CsatPoll, TicketEvent
from supportbot.testing import DeskHarness
from tests.collab.conftest import desk, open_ticket, posts
from tests.conftest import reset_pg_schema, run_aside

TUESDAY_1600_TOKYO = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
WEDNESDAY_1000_TOKYO = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # P3: 3h of 4h have run


async def _prepare(h: DeskHarness) -> None:
    """Ticket 1 runs its SLA clocks; ticket 2 is resolved and waits for its CSAT poll."""
    await open_ticket(h, "The export button does nothing on the reports page", "cust1")
    second = await open_ticket(h, "The import button does nothing either", "cust2")
    await h.command("aiko", f"claim {second}")
    await h.command("aiko", f"resolve {second}")


async def _fired(h: DeskHarness) -> tuple[int, int]:
    """(SLA warnings recorded, CSAT polls opened) in the shared database."""
    async with h.desk.db.sessions() as s:
        warnings = await s.scalar(select(func.count()).where(TicketEvent.kind == "sla.warning"))
        polls = await s.scalar(select(func.count()).select_from(CsatPoll))
    return int(warnings or 0), int(polls or 0)


async def test_timers_fire_once_after_a_restart(config: Config, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    async with desk(config, tmp_path / "a", at=TUESDAY_1600_TOKYO, database_url=url) as first:
        await _prepare(first)
    for restart in (1, 2):  # a new process on the same file, twice
        async with desk(config, tmp_path / "b", at=WEDNESDAY_1000_TOKYO, database_url=url) as h:
            await h.run_timers()
            await h.run_timers()
            assert await _fired(h) == (1, 1)
            sent = (len(posts(h, kind="csat_poll")), len(h.chat.messages("sla.warning")))
            assert sent == ((1, 1) if restart == 1 else (0, 0))


@pytest.mark.postgres
async def test_two_desks_polling_postgresql_fire_each_timer_exactly_once(
    config: Config, tmp_path: Path, pg_url: str
) -> None:
    run_aside(reset_pg_schema(pg_url))
    async with desk(config, tmp_path / "a", at=TUESDAY_1600_TOKYO, database_url=pg_url) as a:
        await _prepare(a)
        async with desk(config, tmp_path / "b", at=TUESDAY_1600_TOKYO, database_url=pg_url) as b:
            a.clock.current = b.clock.current = WEDNESDAY_1000_TOKYO
            a.chat.clear()
            await asyncio.gather(a.run_timers(), b.run_timers())
            await asyncio.gather(a.run_timers(), b.run_timers())
            assert await _fired(a) == (1, 1)
            polls = posts(a, kind="csat_poll") + posts(b, kind="csat_poll")
            warnings = a.chat.messages("sla.warning") + b.chat.messages("sla.warning")
            assert (len(polls), len(warnings)) == (1, 1)
