"""The default workflows on the whole desk: a chat message in, messages out through the courier."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from supportbot.clock import FrozenClock
from supportbot.config import load_config
from supportbot.intents import PostMessage, SendDirect
from supportbot.testing import DeskHarness

REPO = Path(__file__).resolve().parents[2]
MONDAY_NOON_TOKYO = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


async def test_a_japanese_outage_message_is_triaged_routed_and_answered(tmp_path: Path) -> None:
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    intake = config.intake_channels[0].model_copy(
        update={"platform": "chat", "channel": "customers"}
    )
    config = config.model_copy(update={"intake_channels": [*config.intake_channels, intake]})
    clock = FrozenClock(MONDAY_NOON_TOKYO)
    async with DeskHarness.start(
        config, tmp_path, clock=clock, workflows_dir=REPO / "workflows"
    ) as h:
        await h.say(
            "customers", "yuki", "至急:本番環境がダウンしています", name="山田 由紀", locale="ja"
        )
        [ticket] = await h.desk.tickets.list(open_only=False)
        assert (ticket.priority, ticket.category, ticket.team) == ("P1", "outage", "tier2")
        assert {"urgent", "ja"} <= set(ticket.tags)
        assert ticket.assignee is not None and ticket.assignee.handle == "aiko"

        replies = [
            s.intent for s in h.chat.sent if s.message and s.message.kind == "workflow.reply"
        ]
        assert len(replies) == 1 and isinstance(replies[0], PostMessage)
        assert replies[0].to.channel_id == "customers" and replies[0].to.thread_id  # their thread
        assert "緊急案件" in replies[0].message.text
        leads = [s.intent for s in h.chat.sent if isinstance(s.intent, SendDirect)]
        assert any(d.user_id == "lena" and "Urgent ticket" in d.message.text for d in leads)
