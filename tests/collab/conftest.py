"""Collaboration scenarios run the whole desk: the real engine, the default workflows in the
repository's `workflows/`, the repository's config, and the in-memory platform "chat"."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from supportbot.clock import FrozenClock
from supportbot.config import Config, load_config
from supportbot.intents import PostMessage, SendDirect
from supportbot.testing import DeskHarness, Sent

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"


def chat_config(**overrides: Any) -> Config:
    """The repository's config, with every channel also on the in-memory platform."""
    base = load_config(ROOT / "config" / "supportbot.yaml", {})
    departments = [
        d.model_copy(update={"channel": {**d.channel, "chat": d.name}}) for d in base.departments
    ]
    intake = base.intake_channels[0].model_copy(update={"platform": "chat"})
    update: dict[str, Any] = {
        "support_channel": {"chat": "support"},
        "kudos_channel": {"chat": "kudos"},
        "leads_channel": {"chat": "leads"},
        "intake_channels": [*base.intake_channels, intake],
        "departments": departments,
        **overrides,
    }
    return base.model_copy(update=update)


@pytest.fixture
def config() -> Config:
    return chat_config()


@contextlib.asynccontextmanager
async def desk(
    config: Config,
    tmp_path: Path,
    *,
    at: datetime | None = None,
    database_url: str | None = None,
) -> AsyncIterator[DeskHarness]:
    """A harness with the default workflows; `at` sets the clock (default: Tue 10:00 Tokyo)."""
    clock = FrozenClock(at) if at is not None else None
    async with DeskHarness.start(
        config, tmp_path, clock=clock, workflows_dir=WORKFLOWS, database_url=database_url
    ) as h:
        assert h.desk.engine is not None, "the workflow engine is not attached"
        yield h


async def open_ticket(h: DeskHarness, text: str, user: str = "cust1", **actor: Any) -> int:
    """A customer writes in the intake channel; return the new ticket's number."""
    await h.say("customers", user, text, **actor)
    card = h.chat.last(kind="ticket_card")
    assert card.message is not None
    return int(card.message.title.split()[0].lstrip("#"))


def posts(h: DeskHarness, kind: str | None = None, channel: str | None = None) -> list[Sent]:
    return [s for s in h.chat.messages(kind, channel) if isinstance(s.intent, PostMessage)]


def dms(h: DeskHarness, user: str, kind: str | None = None) -> list[SendDirect]:
    return [
        s.intent
        for s in h.chat.sent
        if isinstance(s.intent, SendDirect)
        and s.intent.user_id == user
        and (kind is None or s.intent.message.kind == kind)
    ]


def texts(sent: list[Sent]) -> list[str]:
    return [s.message.text for s in sent if s.message is not None]
