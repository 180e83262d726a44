"""A whole desk with the knowledge feature: the repository's config (its starter knowledge
base), workflows and the in-memory platform."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from supportbot.config import Config, load_config
from supportbot.testing import DeskHarness, Sent

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"


def chat_config(**overrides: Any) -> Config:
    base = load_config(ROOT / "config" / "supportbot.yaml", {})
    intake = base.intake_channels[0].model_copy(update={"platform": "chat"})
    update: dict[str, Any] = {
        "support_channel": {"chat": "support"},
        "intake_channels": [*base.intake_channels, intake],
        **overrides,
    }
    return base.model_copy(update=update)


@contextlib.asynccontextmanager
async def desk(
    tmp_path: Path, *, env: dict[str, str] | None = None, **overrides: Any
) -> AsyncIterator[DeskHarness]:
    config = chat_config(**overrides)
    async with DeskHarness.start(config, tmp_path, workflows_dir=WORKFLOWS, env=env) as h:
        yield h


async def open_ticket(h: DeskHarness, text: str, user: str = "cust1", **actor: Any) -> int:
    await h.say(h.desk.config.intake_channels[-1].channel, user, text, **actor)
    card = h.chat.last(kind="ticket_card")
    assert card.message is not None
    return int(card.message.title.split()[0].lstrip("#"))


def sent(h: DeskHarness, kind: str) -> list[Sent]:
    return h.chat.messages(kind)
