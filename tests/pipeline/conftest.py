"""Fixtures of the pipeline tests: mock Web APIs in this process, `supportbot serve` outside it.

make_api   starts a `MockSlack` on an ephemeral port: `await make_api()` → `Api(mock, url)`
launcher   a `Launcher` on `db_url` (an empty database, SQLite or PostgreSQL) and the
           shipped config with a 2-second CSAT delay; kills its servers at the end
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.mockslack import MockSlack

from .rig import Launcher, write_config


@dataclass(frozen=True, slots=True)
class Api:
    mock: MockSlack
    url: str


MakeApi = Callable[..., Awaitable[Api]]


@pytest.fixture
def make_api(aiohttp_server: Any) -> MakeApi:
    async def make(*, stalled: frozenset[str] = frozenset()) -> Api:
        mock = MockSlack(stalled=set(stalled))
        server = await aiohttp_server(mock.app())
        return Api(mock, f"http://127.0.0.1:{server.port}")

    return make


@pytest.fixture
async def launcher(db_url: str, tmp_path: Path) -> AsyncIterator[Launcher]:
    config = write_config(tmp_path, csat={"delay": "2s", "sample_rate": 1.0})
    rig = Launcher(config, db_url, tmp_path)
    await rig.migrate()
    try:
        yield rig
    finally:
        await rig.close()
