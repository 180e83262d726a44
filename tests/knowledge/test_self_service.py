"""Self-service and suggested replies on a whole desk (the in-memory platform; the wire
protocols are in tests/slack and tests/teams)."""

from __future__ import annotations

from pathlib import Path

from supportbot.intents import PostToTicket

from .desk import desk, open_ticket

QUESTION = "How do I export my invoices to a CSV file for Excel?"
OFF_TOPIC = "Can you recommend a good restaurant near your office for lunch?"


def to_requester(h, kind: str) -> list:
    return [
        s
        for s in h.chat.messages(kind)
        if not isinstance(s.intent, PostToTicket) or s.intent.audience == "requester"
    ]


async def test_suggestions_then_solved(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, QUESTION)
        (card,) = h.chat.messages("kb_self_service")
        assert card.message is not None
        assert "CSV" in card.message.text
        actions = [b.action for b in card.message.buttons]
        assert actions == ["kb.solved", "kb.declined"]
        await h.click("cust1", "kb.solved", str(number), on=card.ref)
        ticket = await h.desk.tickets.get(number)
        assert ticket.status == "resolved"
        rows = await h.desk.tickets.history(number, ["resolved"])
        assert rows[-1].data["self_served"] is True
        assert rows[-1].data["articles"][0] == "export-csv"


async def test_nothing_above_the_threshold_posts_nothing(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, OFF_TOPIC)
        await h.run_timers()
        assert h.chat.messages("kb_self_service") == []
        rows = await h.desk.tickets.history(number, ["kb.unanswered", "kb.suggested"])
        assert [r.kind for r in rows] == ["kb.unanswered"]
