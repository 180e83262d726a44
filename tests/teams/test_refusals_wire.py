"""Refusals through the Bot Framework wire: Yui works in Japanese (issues #13 and #12).

Activities go in at `/api/messages`; Teams has no ephemeral messages, so what only the asker
should read comes as a message in their personal chat with the bot, read here from the mocked
channel service's calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supportbot.server import DESK

from .botservice import BotService, Call, card_of, card_texts
from .conftest import payload
from .e2e import KEN, YUI, TeamsDesk, desk_config, start_desk, write_workflows


@pytest.fixture
async def desk(
    aiohttp_client: Any, bot_service: tuple[BotService, str], tmp_path: Path
) -> TeamsDesk:
    write_workflows(tmp_path / "workflows")
    service, url = bot_service
    config = desk_config(tmp_path)
    people = [p.model_copy(update={"locale": "ja"}) if p.id == "yui" else p for p in config.people]
    teams = await start_desk(
        aiohttp_client, service, url, config.model_copy(update={"people": people})
    )
    await teams.install()
    return teams


async def open_ticket(desk: TeamsDesk) -> str:
    """A customer writes to the bot in a personal chat; returns the card's root id."""
    await desk.post(payload("message_personal"))
    (card,) = desk.service.created()
    return str(card.answer["activityId"])


def to_yui(desk: TeamsDesk, since: int) -> list[Call]:
    """What the bot wrote to Yui alone (her personal chat with it) since call `since`."""
    return [c for c in desk.service.posts()[since:] if c.conversation == f"a:chat-with-{YUI}"]


def verbs(call: Call) -> dict[str, dict[str, Any]]:
    return {a["verb"]: a for a in card_of(call).get("actions", ())}


async def test_a_japanese_agent_reads_the_refusal_in_japanese(desk: TeamsDesk) -> None:
    root = await open_ticket(desk)
    before = len(desk.service.posts())
    await desk.say_in_thread(root, YUI, "claim 999", activity_id="1763800300001")
    (answer,) = to_yui(desk, before)
    assert card_texts(card_of(answer)) == ["チケット #999 はありません。"]


async def test_an_open_handoff_refusal_offers_buttons_that_resolve(desk: TeamsDesk) -> None:
    root = await open_ticket(desk)
    await desk.say_in_thread(root, KEN, "claim", activity_id="1763800300002")
    await desk.say_in_thread(root, KEN, "handoff engineering check it", activity_id="1763800300003")
    before = len(desk.service.posts())
    await desk.say_in_thread(root, YUI, "resolve", activity_id="1763800300004")
    (warning,) = to_yui(desk, before)
    text = " ".join(card_texts(card_of(warning)))
    assert "engineering への依頼がまだ残っています" in text and "resolve 1 anyway" in text
    close = verbs(warning)["ticket.close_handoffs_and_resolve"]
    assert close["title"] == "依頼を完了して解決" and "ticket.resolve_anyway" in verbs(warning)

    await desk.execute(
        root,
        "ticket.close_handoffs_and_resolve",
        close["data"]["value"],
        YUI,
        activity_id="f:close-and-resolve",
        card=str(warning.answer["id"]),
    )
    tickets = desk.client.app[DESK].tickets
    assert not (await tickets.get(1)).is_open
    assert await tickets.open_handoffs(1) == []
    assert [r.kind for r in await tickets.history(1, ("handoff.closed", "resolved"))] == [
        "handoff.closed",
        "resolved",
    ]
