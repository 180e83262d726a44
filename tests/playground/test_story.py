"""The demo's scripted story, played through the playground against the real desk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from supportbot.markup import to_plain
from supportbot.playground.scenario import play
from supportbot.playground.store import BOT

from .desk import live_desk


async def test_the_scripted_story_plays_to_a_five_star_shout_out(
    aiohttp_server: Any, tmp_path: Path
) -> None:
    async with live_desk(aiohttp_server, tmp_path) as desk:
        await play(desk.actions, pause=0, patience=10, fast_forward=desk.clock.advance)
        seen = await desk.actions.adapter.store.history("lena", 500)
        kudos = [
            to_plain(r.body["text"]) for r in seen if r.channel_id == "kudos" and r.author == BOT
        ]
        # the 5 stars' shout-out names the customer who gave them and the agent who earned them
        assert any("Yuki Tanaka" in text and "@aiko" in text for text in kudos), kudos
