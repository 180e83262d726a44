"""Self-service and suggested replies through Bot Framework Activities: the whole server with
the Teams plug-in (emulator mode), Activities POSTed to `/api/messages`, the channel service
mocked locally (tests/teams kit). The customer writes in Japanese from a personal chat."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from supportbot.server import DESK
from tests.teams.botservice import BotService, Call, card_of, card_texts
from tests.teams.conftest import bot_service, payload  # noqa: F401  (the channel service)
from tests.teams.e2e import CUSTOMER_CHAT, SUPPORT, YUI, TeamsDesk, desk_config, start_desk

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "請求書をCSVでエクスポートしてExcelで開きたいのですが、どうすればいいですか"
OFF_TOPIC = "近くのおいしいラーメン屋さんを教えてください"


@pytest.fixture
async def desk(
    aiohttp_client: Any,
    bot_service: tuple[BotService, str],  # noqa: F811
    tmp_path: Path,
) -> TeamsDesk:
    folder = tmp_path / "workflows"
    folder.mkdir()
    shutil.copy(ROOT / "workflows" / "35-self-service.yaml", folder)
    service, url = bot_service
    config = desk_config(tmp_path, knowledge_dir=str(ROOT / "knowledge"))
    teams = await start_desk(aiohttp_client, service, url, config)
    await teams.install()
    return teams


async def ask(desk: TeamsDesk, text: str) -> str:
    """The customer writes to the bot in their personal chat; returns the card thread's root."""
    await desk.post(payload("message_personal", text=text))
    card = desk.service.created()[0]
    return str(card.answer["activityId"])


def in_chat(desk: TeamsDesk) -> list[Call]:
    return [c for c in desk.service.posts() if c.conversation == CUSTOMER_CHAT]


def actions(call: Call) -> list[dict[str, Any]]:
    card = card_of(call)
    found = list(card.get("actions", []))
    for block in card["body"]:
        if block.get("type") == "ActionSet":
            found.extend(block["actions"])
    return found


def action(call: Call, verb: str) -> dict[str, Any]:
    return next(a for a in actions(call) if a["verb"] == verb)


async def settle(desk: TeamsDesk) -> None:
    """Run the follow-up turns due now (the agents' suggestions) and deliver them."""
    d = desk.client.app[DESK]
    await d.run_due_timers()
    await desk.settled()
    await d.courier.drain()


async def test_suggestions_in_the_customers_chat_then_solved(desk: TeamsDesk) -> None:
    await ask(desk, QUESTION)
    (shown,) = [c for c in in_chat(desk) if any(a["verb"] == "kb.solved" for a in actions(c))]
    texts = " ".join(card_texts(card_of(shown)))
    assert "エクスポート" in texts and "社内向け" not in texts
    solved = action(shown, "kb.solved")
    response = await desk.execute_in_chat(shown.answer["id"], solved["data"], "f:kb-solved")
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"  # the card, in place
    assert "解決済み" in str(body)
    ticket = await desk.client.app[DESK].tickets.get(1)
    assert ticket.status == "resolved"
    (row,) = await desk.client.app[DESK].tickets.history(1, ["resolved"])
    assert row.data["self_served"] is True and row.source == "teams"


async def test_still_need_a_person(desk: TeamsDesk) -> None:
    await ask(desk, QUESTION)
    (shown,) = [c for c in in_chat(desk) if any(a["verb"] == "kb.declined" for a in actions(c))]
    person = action(shown, "kb.declined")
    response = await desk.execute_in_chat(shown.answer["id"], person["data"], "f:kb-person")
    body = await response.json()
    assert "担当者がこちらでお返事します" in str(body)
    assert (await desk.client.app[DESK].tickets.get(1)).is_open
    rows = await desk.client.app[DESK].tickets.history(1, ["kb.declined"])
    assert len(rows) == 1


async def test_nothing_above_the_threshold_posts_nothing(desk: TeamsDesk) -> None:
    await ask(desk, OFF_TOPIC)
    await settle(desk)
    assert in_chat(desk) == []
    rows = await desk.client.app[DESK].tickets.history(1, ["kb.unanswered", "kb.suggested"])
    assert [r.kind for r in rows] == ["kb.unanswered"]


async def test_the_agents_draft_sent_with_one_click(desk: TeamsDesk) -> None:
    root = await ask(desk, QUESTION)
    await settle(desk)
    (draft,) = [
        c for c in desk.service.posts() if any(a["verb"] == "kb.draft.send" for a in actions(c))
    ]
    assert draft.conversation == f"{SUPPORT};messageid={root}"  # the ticket's internal thread
    before = len(in_chat(desk))
    send = action(draft, "kb.draft.send")
    await desk.execute(root, "kb.draft.send", send["data"]["value"], YUI, "f:kb-send",
                       card=str(draft.answer["id"]))  # fmt: skip
    (reply,) = in_chat(desk)[before:]
    assert "エクスポート" in " ".join(card_texts(card_of(reply)))
    ticket = await desk.client.app[DESK].tickets.get(1)
    assert ticket.first_response_at is not None
