"""The whole desk behind Teams: Activities in at `/api/messages`, Bot Framework REST calls out
(create_app + TeamsPlugin in emulator mode, the channel service mocked at `serviceUrl`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from supportbot.server import DESK

from .botservice import BotService, Call, card_of, card_texts
from .conftest import payload
from .e2e import (
    CUSTOMER_CHAT,
    ENGINEERING,
    KEN,
    SUPPORT,
    YUI,
    TeamsDesk,
    desk_config,
    start_desk,
    write_workflows,
)


@pytest.fixture
async def desk(
    aiohttp_client: Any, bot_service: tuple[BotService, str], tmp_path: Path
) -> TeamsDesk:
    write_workflows(tmp_path / "workflows")
    service, url = bot_service
    teams = await start_desk(aiohttp_client, service, url, desk_config(tmp_path))
    await teams.install()
    return teams


async def open_ticket(desk: TeamsDesk) -> tuple[Call, str]:
    """A customer writes to the bot in a personal chat; returns the card's call and root id."""
    await desk.post(payload("message_personal"))
    (card,) = desk.service.created()
    return card, str(card.answer["activityId"])


async def test_personal_message_opens_a_ticket_thread_and_acknowledges(desk: TeamsDesk) -> None:
    await desk.post(payload("message_personal"))
    (card,) = desk.service.created()
    assert card.body["isGroup"] is True
    assert card.body["channelData"]["channel"]["id"] == SUPPORT
    texts = card_texts(card_of(card))
    assert texts[0].startswith("#1")
    assert "請求書ページでエラーが出ます" in texts[1]
    assert card_of(card)["actions"][0]["verb"] == "ticket.claim"
    (ack,) = desk.service.posts()
    assert ack.conversation == CUSTOMER_CHAT  # the chat itself: Teams chats have no threads
    assert card_texts(card_of(ack)) == [
        "Sato Customer 様、お問い合わせありがとうございます。チケット #1 (P3)として受け付けました。"
    ]


async def test_claim_by_mention_in_the_thread_updates_the_card(desk: TeamsDesk) -> None:
    _card, root = await open_ticket(desk)
    await desk.say_in_thread(root, YUI, "claim", activity_id="1763800300999")
    update = desk.service.updates()[-1]
    assert (update.conversation, update.activity_id) == (f"{SUPPORT};messageid={root}", root)
    claimed = card_of(update)
    assert claimed["actions"][0]["verb"] == "ticket.unclaim"
    assert {"id": YUI, "name": "Yui Tanaka"} in [
        e["mentioned"] for e in claimed["msteams"]["entities"]
    ]


async def test_execute_on_the_card_answers_with_the_refreshed_card(desk: TeamsDesk) -> None:
    _card, root = await open_ticket(desk)
    response = await desk.execute(root, "ticket.claim", "1", YUI, activity_id="f:claim-1")
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert body["value"]["actions"][0]["verb"] == "ticket.unclaim"
    assert desk.service.updates()  # and the card is updated for everyone else too


def cards_with(calls: list[Call], verb: str) -> list[Call]:
    return [c for c in calls if verb in (a["verb"] for a in card_of(c).get("actions", ()))]


def threads_started_in(service: BotService, channel: str) -> list[Call]:
    return [
        c
        for c in service.created()
        if c.body.get("channelData", {}).get("channel") == {"id": channel}
    ]


def choice_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for b in card["body"] if b.get("type") == "ActionSet" for a in b["actions"]]


async def test_lead_approves_on_the_approval_card_and_the_department_gets_a_thread(
    desk: TeamsDesk,
) -> None:
    _card, root = await open_ticket(desk)
    await desk.say_in_thread(root, YUI, "escalate engineering the page crashes", "1763800301000")
    (approval,) = cards_with(desk.service.posts(), "escalation.approve")
    assert approval.conversation == f"{SUPPORT};messageid={root}"  # asked in the ticket's thread
    approve = next(a for a in card_of(approval)["actions"] if a["verb"] == "escalation.approve")
    response = await desk.execute(
        root, "escalation.approve", approve["data"]["value"], KEN, "f:approve-1",
        card=approval.answer["id"],
    )  # fmt: skip
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    refreshed = body["value"]
    assert "escalation.approve" not in [a["verb"] for a in refreshed.get("actions", ())]
    assert refreshed != card_of(approval)
    (department,) = threads_started_in(desk.service, ENGINEERING)
    assert "#1" in " ".join(card_texts(card_of(department)))
    assert await desk.client.app[DESK].tickets.pending_escalation(1) is None


async def test_resolving_polls_the_requester_in_their_chat_and_records_the_score(
    desk: TeamsDesk,
) -> None:
    _card, root = await open_ticket(desk)
    await desk.say_in_thread(root, YUI, "resolve", "1763800302000")
    poll = [c for c in desk.service.posts() if c.conversation == CUSTOMER_CHAT][-1]
    five = next(a for a in choice_buttons(card_of(poll)) if a["data"]["value"] == "5")
    assert five["verb"] == "csat.score"
    response = await desk.execute_in_chat(poll.answer["id"], five["data"], "f:csat-1")
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"  # the poll, thanked in place
    tickets = desk.client.app[DESK].tickets
    answered = await tickets.csat_poll(int(five["data"]["context"]))
    assert (answered.status, answered.score) == ("answered", 5)


async def test_a_retried_activity_is_handled_once(desk: TeamsDesk) -> None:
    await desk.post(payload("message_personal"))
    await desk.post(payload("message_personal"))
    assert len(desk.service.created()) == 1


async def test_a_command_in_a_thread_that_is_no_tickets_is_answered_in_that_thread(
    desk: TeamsDesk,
) -> None:
    """Issue #12, dead end 2: `@SupportBot show 1` in a support-channel thread that belongs to no
    ticket is answered where it was asked."""
    await open_ticket(desk)
    before = len(desk.service.posts())
    other = "1763800400111"  # an ordinary conversation in the support channel
    await desk.say_in_thread(other, YUI, "show 1", activity_id="1763800400222")
    answers = desk.service.posts()[before:]
    assert [a.conversation for a in answers] == [f"{SUPPORT};messageid={other}"]
    assert card_texts(card_of(answers[0]))[0].startswith("#1")
    # a customer's mention there is no command: nothing is answered, no ticket is opened
    await desk.say_in_thread(other, "29:1Stranger", "show 1", activity_id="1763800400333")
    assert desk.service.posts()[before + 1 :] == []
    assert len(desk.service.created()) == 1
