"""The server counts the desk as warm (`server.WARM`) once every feature's `hooks.warm_up` has
returned; the knowledge feature's returns once the start-up load and the similar-tickets index
are built (`supportbot serve` then freezes what lasts out of the garbage collector's way)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from supportbot.config import load_config
from supportbot.server import DESK, WARM, create_app

REPO = Path(__file__).resolve().parents[1]


async def test_the_desk_is_warm_once_the_knowledge_base_is_indexed(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    config = config.model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"}
    )
    client = await aiohttp_client(create_app(config, {}, migrate=True, poll_interval=3600))
    warm = client.app[WARM]
    await asyncio.wait_for(asyncio.shield(warm), 60)
    assert warm.exception() is None
    desk = client.app[DESK]
    owners = [hook.owner for hook in desk.hooks.warm_ups]
    assert "knowledge" in owners
    for hook in desk.hooks.warm_ups:  # each one is done: asking again returns at once
        await asyncio.wait_for(hook.value(desk), 0.5)
