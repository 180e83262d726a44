"""Shared pieces for the Teams adapter tests: fixtures, a fake directory, a recording sink,
the mock Bot Framework service and an app with the adapter mounted."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.schema import Activity
from supportbot_teams import TeamsAdapter, TeamsPlugin

from supportbot.adapter import AdapterContext, Outcome
from supportbot.config import Config
from supportbot.events import AnyEvent
from supportbot.pipeline.inbox import Receipt
from supportbot.store.db import Database, open_database

from .botservice import BotService

FIXTURES = Path(__file__).parent / "fixtures"
BOT_ID = "28:00000000-aaaa-bbbb-cccc-000000000001"
SUPPORT_CHANNEL = "19:support0channel@thread.tacv2"
TENANT = "72f988bf-0000-0000-0000-2d7cd011db47"


def payload(fixture: str, /, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{fixture}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def activity(fixture: str, /, **changes: Any) -> Activity:
    return Activity().deserialize(payload(fixture, **changes))


@dataclass
class FakeDirectory:
    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def user_id(self, person: str, platform: str) -> str | None:
        return self.users.get(person) if platform == "teams" else None

    def group_id(self, group: str, platform: str) -> str | None:
        return self.groups.get(group) if platform == "teams" else None

    def display_name(self, person: str) -> str:
        return self.names.get(person, person)


@dataclass
class RecordingSink:
    """The desk stand-in: records events and answers with `outcome(event)`."""

    events: list[AnyEvent] = field(default_factory=list)
    outcome: Callable[[AnyEvent], Outcome] = lambda _event: Outcome()

    async def __call__(self, event: AnyEvent) -> Outcome:
        self.events.append(event)
        return self.outcome(event)

    async def accept(self, event: AnyEvent) -> Receipt:
        self.events.append(event)
        return Receipt(len(self.events))


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory(
        users={"yui": "29:1AgentYuiXyZ", "ken": "29:1LeadKen"},
        groups={"sales": "tag-sales-1"},
        names={"yui": "Yui Tanaka", "ken": "Ken Suzuki", "nobody": "No Body"},
    )


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
async def teams_db(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only: wire tests need a store, not every backend (test_refs covers those)."""
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'teams.db'}")
    await db.create_all()
    yield db
    await db.close()


@pytest.fixture
async def bot_service(aiohttp_server: Callable[..., Any]) -> AsyncIterator[tuple[BotService, str]]:
    service = BotService()
    server: TestServer = await aiohttp_server(service.app())
    yield service, str(server.make_url("/"))


@dataclass
class TeamsApp:
    client: TestClient[web.Request, web.Application]
    adapter: TeamsAdapter
    service: BotService
    service_url: str

    async def post(self, body: dict[str, Any], **headers: str) -> Any:
        body = {**body, "serviceUrl": self.service_url}
        return await self.client.post("/api/messages", json=body, headers=headers)


@pytest.fixture
def make_app(
    aiohttp_client: Callable[..., Any],
    bot_service: tuple[BotService, str],
    teams_db: Database,
    sink: RecordingSink,
    directory: FakeDirectory,
) -> Callable[..., Any]:
    async def make(
        env: dict[str, str] | None = None, plugin: TeamsPlugin | None = None
    ) -> TeamsApp:
        app = web.Application()
        ctx = AdapterContext(
            config=Config(),
            env=env if env is not None else {"SUPPORTBOT_TEAMS": "1"},
            app=app,
            sink=sink,
            directory=directory,
            sessions=teams_db.sessions,
        )
        adapter = (plugin or TeamsPlugin()).create(ctx)
        assert adapter is not None
        app.on_cleanup.append(lambda _app: adapter.stop())
        client = await aiohttp_client(app)
        service, url = bot_service
        return TeamsApp(client, adapter, service, url)

    return make
