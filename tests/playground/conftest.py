"""A playground on a real aiohttp server (ephemeral port), with a fake desk behind the sink.

Every test runs twice: on the database store the server uses and on the in-memory one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from supportbot.playground.store import MemoryMessageStore

from .helpers import WITH_TOKEN, FakeDesk, Playground, build_app, database


@pytest.fixture(params=["sql", "memory"])
async def playground(
    request: pytest.FixtureRequest, aiohttp_client: Any, tmp_path: Path
) -> AsyncIterator[Playground]:
    async with database(tmp_path) as db:
        desk = FakeDesk()
        app, adapter = build_app(desk, db)
        if request.param == "memory":
            adapter.store = MemoryMessageStore()
        client = await aiohttp_client(app, headers=WITH_TOKEN)
        yield Playground(client, adapter, desk)
