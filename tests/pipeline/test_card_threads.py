"""A new ticket's agent-side messages (suggested articles, the drafted reply) go to the thread
of the card the same delivery just posted: taken from that delivery, not read back from the
database. When that card could not be posted, they wait for its retry instead of being
marked sent with nowhere to go."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from supportbot.intents import PostMessage
from supportbot.testing import DeskHarness
from tests.shipped import shipped_desk

QUESTION = "How do I export last month's report as CSV?"


def _in_card_threads(h: DeskHarness) -> list[PostMessage]:
    cards = {s.ref.message_id for s in h.chat.messages("ticket_card") if s.ref is not None}
    return [
        s.intent
        for s in h.chat.sent
        if isinstance(s.intent, PostMessage) and s.intent.to.thread_id in cards
    ]


async def test_a_new_tickets_card_thread_is_not_read_back(tmp_path: Path) -> None:
    async with shipped_desk(tmp_path, cards=True) as h:
        await h.say("customers", "warm", "Warming up: the export fails", name="Warm")
        h.chat.clear()
        selects: Counter[str] = Counter()

        def seen(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            if statement.lstrip().startswith("SELECT"):
                selects[statement.split("FROM", 1)[-1].split()[0]] += 1

        engines = [h.desk.db.engine, h.desk.db.read_engine]
        for engine in engines:
            event.listen(engine.sync_engine, "before_cursor_execute", seen)
        await h.say("customers", "asker", QUESTION, name="Asker")
        await h.desk.courier.drain()
        for engine in engines:
            event.remove(engine.sync_engine, "before_cursor_execute", seen)

        assert _in_card_threads(h), "the agent-side suggestions reached the card's thread"
        assert selects["ticket_threads"] == 0, selects


async def test_agent_messages_wait_for_a_card_that_failed(tmp_path: Path) -> None:
    async with shipped_desk(tmp_path, cards=True) as h:
        h.chat.failures = 1  # the first send of the turn, the ticket's card, fails
        await h.say("customers", "asker", QUESTION, name="Asker")
        await h.desk.courier.drain()
        assert not h.chat.messages("ticket_card")
        assert not _in_card_threads(h)

        h.clock.advance(timedelta(hours=1))  # past every back-off
        await h.desk.courier.retry_due(everything=True)
        assert len(h.chat.messages("ticket_card")) == 1
        assert _in_card_threads(h), "the suggestions followed the card once it was posted"
