"""A desk that runs for months keeps nothing per delivered message in memory: once a message
is sent and recorded, only the platform's copy and the outbox row remain. (The courier kept
every intent it sent in a list nobody read: a leak, and on a busy desk a full garbage
collection over it paused the event loop — and every ack waiting in it — for 60–130 ms.)"""

from __future__ import annotations

import gc
from pathlib import Path

from supportbot.intents import PostMessage
from tests.shipped import shipped_desk


def _live_posts() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, PostMessage))


async def test_sent_messages_are_not_kept_in_memory(tmp_path: Path) -> None:
    async with shipped_desk(tmp_path) as h:
        await h.say("customers", "warm", "Warming up: the export fails", name="Warm")
        h.chat.sent.clear()  # the test platform's own record of what it was sent
        before = _live_posts()
        for n in range(30):
            await h.say("customers", f"c{n}", f"Our export number {n} fails", name=f"C {n}")
        posted = sum(1 for s in h.chat.sent if isinstance(s.intent, PostMessage))
        assert posted >= 60  # cards and acknowledgements: at least two per ticket
        h.chat.sent.clear()
        assert _live_posts() - before < 10, "sent messages are still referenced"
