"""Test doubles for the playground: a config, a directory and a fake desk behind the sink."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from supportbot.adapter import AdapterContext, Outcome
from supportbot.config import Config
from supportbot.events import AnyEvent
from supportbot.pipeline.inbox import Receipt
from supportbot.playground import PlaygroundAdapter, PlaygroundPlugin
from supportbot.playground.access import HEADER, SWITCH, TOKEN
from supportbot.store.db import Database, open_database

CONFIG: dict[str, Any] = {
    "desk_name": "Acme Support",
    "support_channel": {"playground": "support"},
    "kudos_channel": {"playground": "kudos"},
    "intake_channels": [{"platform": "playground", "channel": "customers", "organization": "Acme"}],
    "departments": [{"name": "engineering", "channel": {"playground": "engineering"}}],
    "organizations": [{"name": "Acme", "platform_ids": {"playground": "acme"}}],
    "people": [
        {
            "id": "aiko",
            "name": "Aiko Sato",
            "roles": ["agent"],
            "identities": {"playground": "aiko"},
        },
        {"id": "ken", "name": "Ken Ito", "roles": ["lead"], "identities": {"playground": "ken"}},
        {
            "id": "mei",
            "name": "Mei Lin",
            "department": "engineering",
            "identities": {"playground": "mei"},
        },
    ],
}


class NameDirectory:
    def __init__(self, config: Config) -> None:
        self.config = config

    def user_id(self, person: str, platform: str) -> str | None:
        found = self.config.person(person)
        return found.identities.get(platform) if found else None

    def group_id(self, group: str, platform: str) -> str | None:
        return None

    def display_name(self, person: str) -> str:
        found = self.config.person(person)
        return found.name if found else person


# The playground is on only when asked, and then only for holders of its token.
ACCESS_TOKEN = "test-playground-token"
ON = {SWITCH: "on", TOKEN: ACCESS_TOKEN}
WITH_TOKEN = {HEADER: ACCESS_TOKEN}  # default headers for test clients

Reaction = Callable[[PlaygroundAdapter, AnyEvent], Awaitable[None]]


@dataclass
class FakeDesk:
    """Records every event; `react` plays the desk's part when a test needs answers."""

    events: list[AnyEvent] = field(default_factory=list)
    adapter: PlaygroundAdapter | None = None
    react: Reaction | None = None

    async def __call__(self, event: AnyEvent) -> Outcome:
        self.events.append(event)
        if self.react is not None and self.adapter is not None:
            await self.react(self.adapter, event)
        return Outcome()

    async def accept(self, event: AnyEvent) -> Receipt:
        await self(event)
        return Receipt(len(self.events))


@dataclass
class Playground:
    client: TestClient[web.Request, web.Application]
    adapter: PlaygroundAdapter
    desk: FakeDesk

    async def act(self, **action: Any) -> dict[str, Any]:
        response = await self.client.post("/playground/api/actions", json=action)
        body: dict[str, Any] = await response.json()
        body["status"] = response.status
        return body


def build_app(
    desk: FakeDesk, db: Database, env: dict[str, str] | None = None
) -> tuple[web.Application, PlaygroundAdapter]:
    config = Config.model_validate(CONFIG)
    app = web.Application()
    ctx = AdapterContext(
        config=config,
        env=ON if env is None else env,
        app=app,
        sink=desk,
        directory=NameDirectory(config),
        sessions=db.sessions,
    )
    adapter = PlaygroundPlugin().create(ctx)
    assert isinstance(adapter, PlaygroundAdapter)
    desk.adapter = adapter
    return app, adapter


@asynccontextmanager
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'playground.db'}")
    await db.create_all()
    try:
        yield db
    finally:
        await db.close()
