"""SLA clocks: a warning to the assignee and a breach notice to the leads, in business hours
(config: Asia/Tokyo, Monday to Friday 09:00–18:00), standing still while the customer is awaited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from supportbot.config import Config
from supportbot.happenings import Turn
from supportbot.intents import PostMessage
from supportbot.store.models import TicketEvent
from supportbot.testing import DeskHarness
from tests.collab.conftest import desk, dms, open_ticket, posts

TUESDAY_1600_TOKYO = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def tokyo(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour - 9, minute, tzinfo=UTC)


async def _until(h: DeskHarness, at: datetime) -> None:
    h.clock.current = at
    await h.run_timers()


async def _notices(h: DeskHarness) -> list[tuple[str, object]]:
    async with h.desk.db.sessions() as s:
        rows = await s.scalars(
            select(TicketEvent)
            .where(TicketEvent.kind.in_(["sla.warning", "sla.breached"]))
            .order_by(TicketEvent.id)
        )
        return [(r.kind, r.data.get("clock")) for r in rows.all()]


async def test_warning_and_breach_in_business_hours_with_a_pause(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path, at=TUESDAY_1600_TOKYO) as h:
        number = await open_ticket(h, "The export button does nothing on the reports page")
        ticket_card = h.card_ref(number)
        requester_thread = h.chat.last(channel="customers").intent.to.thread_id  # type: ignore[union-attr]
        await h.command("aiko", f"claim {number}")
        await h.command("aiko", f"priority {number} P2")  # first response 1h, resolution 8h
        h.clock.advance(timedelta(minutes=10))
        await h.command("aiko", f"reply {number} Could you send us a screenshot?")
        turn = Turn(source="test")  # nothing in chat asks to wait yet: the service call does
        tickets = h.desk.tickets
        change = await tickets.wait_for_customer(ticket_id=number, actor="aiko", source="test")
        h.desk.apply(turn, change)
        await h.desk.finish(turn)
        card = h.chat.last(kind="ticket_card")
        assert any("paused" in f.value for f in card.message.fields)  # type: ignore[union-attr]

        await _until(h, tokyo(24, 16, 45))  # the first response came in time: no warning
        await _until(h, tokyo(25, 10))  # the customer answers on Wednesday morning
        await h.reply("customers", requester_thread or "", "cust1", "Here it is")
        assert (await h.desk.tickets.get(number)).status == "assigned"

        # 16:00–16:10 ran, 16:10 Tue – 10:00 Wed stood still: 7h50m left from 10:00
        h.chat.clear()
        await _until(h, tokyo(25, 15, 49))
        assert await _notices(h) == []  # without the pause it would have warned at 13:00
        await _until(h, tokyo(25, 15, 50))  # 6h of 8h (warn_at 0.75)
        warning = dms(h, "aiko", kind="sla.warning")
        assert len(warning) == 1 and "2026-11-25 17:50" in warning[0].message.text
        thread = [s for s in h.chat.messages("sla.warning") if isinstance(s.intent, PostMessage)]
        assert thread and thread[0].intent.to.thread_id == ticket_card.message_id  # type: ignore[union-attr]

        await _until(h, tokyo(25, 17, 49))
        assert not posts(h, channel="leads")
        await _until(h, tokyo(25, 17, 50))
        breach = posts(h, kind="sla.breached", channel="leads")
        assert len(breach) == 1 and "<@person:lena>" in breach[0].message.text  # type: ignore[union-attr]
        assert await _notices(h) == [("sla.warning", "resolution"), ("sla.breached", "resolution")]
        assert "sla-breached" in (await h.desk.tickets.get(number)).tags  # the workflow reacted

        await _until(h, tokyo(26, 12))  # nothing twice
        assert len(await _notices(h)) == 2


async def test_first_response_clock_runs_over_the_night_and_stops_at_the_reply(
    config: Config, tmp_path: Path
) -> None:
    async with desk(config, tmp_path, at=TUESDAY_1600_TOKYO) as h:
        number = await open_ticket(h, "The export button does nothing on the reports page")
        card = h.chat.last(kind="ticket_card").message
        assert card is not None  # P3: first response 4h = 2h today + 2h tomorrow
        assert any("2026-11-25 11:00" in f.value for f in card.fields)
        await _until(h, tokyo(24, 17, 59))
        await _until(h, tokyo(25, 9, 59))
        assert await _notices(h) == []
        await _until(h, tokyo(25, 10))  # 3h of 4h
        assert await _notices(h) == [("sla.warning", "first_response")]
        await h.command("lena", f"reply {number} We are on it")
        await _until(h, tokyo(25, 12))  # replied: the first-response clock stopped
        assert await _notices(h) == [("sla.warning", "first_response")]
