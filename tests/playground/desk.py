"""The real desk (default config and workflows) with the playground, on an ephemeral port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from supportbot.clock import FrozenClock
from supportbot.config import load_config
from supportbot.playground import PLAYGROUND, Actions, PlaygroundPlugin
from supportbot.playground.demo import demo_config
from supportbot.server import create_app

from .helpers import ON

ROOT = Path(__file__).resolve().parents[2]
TUESDAY_MORNING = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo: business hours


@dataclass
class LiveDesk:
    server: TestServer
    clock: FrozenClock

    @property
    def url(self) -> str:
        return str(self.server.make_url("/playground"))

    @property
    def base(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    @property
    def actions(self) -> Actions:
        return self.server.app[PLAYGROUND]


@asynccontextmanager
async def live_desk(aiohttp_server: Any, tmp_path: Path) -> AsyncIterator[LiveDesk]:
    config = load_config(ROOT / "config" / "supportbot.yaml", {})
    config = demo_config(config, tmp_path / "desk.db")
    clock = FrozenClock(TUESDAY_MORNING)
    app = create_app(
        config,
        ON,
        clock=clock,
        plugins={"playground": PlaygroundPlugin()},
        workflows_dir=ROOT / "workflows",
        migrate=False,
        poll_interval=0.1,
    )
    server: TestServer = await aiohttp_server(app, host="127.0.0.1")
    yield LiveDesk(server, clock)
