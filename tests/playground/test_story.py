"""The demo's scripted story, played through the playground against the real desk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from supportbot.markup import to_plain
from supportbot.playground.scenario import play
from supportbot.playground.store import BOT

from .desk import live_desk


async def test_the_scripted_story_plays_to_a_shout_out(aiohttp_server: Any, tmp_path: Path) -> None:
    async with live_desk(aiohttp_server, tmp_path) as desk:
        await play(desk.actions, pause=0, patience=10, fast_forward=desk.clock.advance)
        kudos = await desk.actions.adapter.store.history("lena", 500)
        shout_outs = [r for r in kudos if r.channel_id == "kudos" and r.author == BOT]
        assert shout_outs, "no shout-out in #kudos"
        assert "5" in to_plain(shout_outs[-1].body["text"]) or shout_outs[-1].body["text"]
