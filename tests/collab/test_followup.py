"""Follow-up: a late reply from the customer reopens a resolved ticket; the clocks start again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from supportbot.config import Config
from supportbot.store.models import TicketEvent, Timer
from tests.collab.conftest import desk, open_ticket, posts


async def _pending_sla(h: object, number: int) -> list[str]:
    async with h.desk.db.sessions() as s:  # type: ignore[attr-defined]
        rows = await s.scalars(
            select(Timer).where(
                Timer.ticket_id == number, Timer.kind == "collab.sla", Timer.status == "pending"
            )
        )
        return sorted(str(t.payload["clock"]) + ":" + str(t.payload["stage"]) for t in rows)


async def test_a_late_reply_reopens_the_ticket_and_restarts_its_clocks(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        number = await open_ticket(h, "The export button does nothing on the reports page")
        thread = h.chat.last(channel="customers").intent.to.thread_id  # type: ignore[union-attr]
        await h.command("aiko", f"claim {number}")
        await h.command("aiko", f"reply {number} Fixed: please try again")
        await h.command("aiko", f"resolve {number}")
        assert await _pending_sla(h, number) == []  # resolved: no clock runs

        h.clock.advance(timedelta(minutes=30))  # before the CSAT poll goes out
        await h.reply("customers", thread or "", "cust1", "It is broken again")
        ticket = await h.desk.tickets.get(number)
        assert ticket.status == "assigned" and ticket.reopen_count == 1
        assert any("open again" in (s.message.text if s.message else "") for s in posts(h))
        assert await _pending_sla(h, number) == ["resolution:breached", "resolution:warning"]

        h.clock.advance(timedelta(hours=1))
        await h.run_timers()
        assert not posts(h, kind="csat_poll")  # reopened: no survey about a fix that failed
        async with h.desk.db.sessions() as s:
            skipped = (
                await s.scalars(select(TicketEvent).where(TicketEvent.kind == "csat.skipped"))
            ).all()
        assert [e.data["reason"] for e in skipped] == ["reopened"]


async def test_a_reply_after_the_reopen_window_does_not_reopen(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path) as h:
        number = await open_ticket(h, "The export button does nothing on the reports page")
        thread = h.chat.last(channel="customers").intent.to.thread_id  # type: ignore[union-attr]
        await h.command("aiko", f"claim {number}")
        await h.command("aiko", f"resolve {number}")
        h.clock.advance(timedelta(days=8))  # config: reopen_window 7d
        await h.reply("customers", thread or "", "cust1", "Thanks again!")
        assert not (await h.desk.tickets.get(number)).is_open
