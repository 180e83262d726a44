"""A playground on a real aiohttp server (ephemeral port), with a fake desk behind the sink."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .helpers import FakeDesk, Playground, build_app


@pytest.fixture
async def playground(aiohttp_client: Any) -> AsyncIterator[Playground]:
    desk = FakeDesk()
    app, adapter = build_app(desk)
    client = await aiohttp_client(app)
    yield Playground(client, adapter, desk)
