"""The whole loop as a Teams user lives it, over the Bot Framework protocol (the twin of
`tests/slack/test_e2e.py`): a customer in personal chat → ticket card → claim → escalate → a
non-lead presses Approve (refused, truthfully) → the lead approves → hand-off thread in
engineering → the engineer answers there without @mentioning the bot (resource-specific consent
delivers it) → resolve → CSAT in the customer's chat → 5 → shout-out → leaderboard.

The desk runs whole (`create_app`, the repository's workflows); Activities go in at
`/api/messages`, and the channel service at `serviceUrl` is a local mock recording what Teams
would show."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from supportbot.config import Config
from supportbot.server import DESK

from .botservice import BotService, Call, card_of, card_texts
from .conftest import payload
from .e2e import CUSTOMER_CHAT, ENGINEERING, KEN, SUPPORT, YUI, TeamsDesk, start_desk, wait_for

REPO_WORKFLOWS = Path(__file__).parents[2] / "workflows"
WORKFLOWS = ("10-triage.yaml", "40-escalation.yaml", "50-handoff.yaml", "60-csat.yaml",
             "70-shoutouts.yaml")  # fmt: skip
KUDOS = "19:kudos0channel@thread.tacv2"
AKI = "29:1AgentAki"  # an agent, not a lead
ERI = "29:1EngineerEri"  # engineering
ENGINEERING_TEAM = "19:team0engineering@thread.tacv2"


def loop_config(tmp_path: Path) -> Config:
    person = {"teams": ["support"], "locale": "en"}
    return Config.model_validate(
        {
            "desk_name": "Acme Support",
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
            "workflows_dir": str(tmp_path / "workflows"),
            "support_channel": {"teams": SUPPORT},
            "kudos_channel": {"teams": KUDOS},
            "departments": [{"name": "engineering", "channel": {"teams": ENGINEERING}}],
            "csat": {"delay": "0s"},
            "people": [
                {
                    "id": "yui",
                    "name": "Yui Tanaka",
                    "roles": ["agent"],
                    **person,
                    "identities": {"teams": YUI},
                },
                {
                    "id": "aki",
                    "name": "Aki Mori",
                    "roles": ["agent"],
                    **person,
                    "identities": {"teams": AKI},
                },
                {
                    "id": "ken",
                    "name": "Ken Suzuki",
                    "roles": ["lead", "agent"],
                    **person,
                    "identities": {"teams": KEN},
                },
                {
                    "id": "eri",
                    "name": "Eri Sato",
                    "roles": ["engineer"],
                    "teams": [],
                    "department": "engineering",
                    "identities": {"teams": ERI},
                },
            ],
        }
    )  # fmt: skip


async def loop_desk(
    aiohttp_client: Any, bot_service: tuple[BotService, str], tmp_path: Path, **env: str
) -> TeamsDesk:
    folder = tmp_path / "workflows"
    folder.mkdir()
    for name in WORKFLOWS:
        shutil.copy(REPO_WORKFLOWS / name, folder / name)
    service, url = bot_service
    desk = await start_desk(aiohttp_client, service, url, loop_config(tmp_path), env)
    await desk.install()  # the support team (its channels include the kudos channel)
    await desk.install_in(ENGINEERING, ENGINEERING_TEAM, "f:install-eng")
    return desk


@pytest.fixture
async def desk(
    aiohttp_client: Any, bot_service: tuple[BotService, str], tmp_path: Path
) -> TeamsDesk:
    return await loop_desk(aiohttp_client, bot_service, tmp_path)


def in_conversation(service: BotService, conversation: str) -> list[Call]:
    return [c for c in service.posts() if c.conversation == conversation]


def threads_in(service: BotService, channel: str) -> list[Call]:
    created = service.created()
    return [c for c in created if c.body.get("channelData", {}).get("channel") == {"id": channel}]


def with_verb(calls: list[Call], verb: str) -> list[Call]:
    def verbs(call: Call) -> list[str]:
        card = card_of(call)
        buttons = [*card.get("actions", ())]
        buttons += [a for b in card["body"] if b.get("type") == "ActionSet" for a in b["actions"]]
        return [b.get("verb", "") for b in buttons]

    return [c for c in calls if verb in verbs(c)]


def button(call: Call, verb: str) -> dict[str, Any]:
    card = card_of(call)
    buttons = [*card.get("actions", ())]
    buttons += [a for b in card["body"] if b.get("type") == "ActionSet" for a in b["actions"]]
    found: dict[str, Any] = next(b for b in buttons if b["verb"] == verb)
    return found


def shown(call: Call) -> str:
    """Everything a person sees on the card, as one string."""
    return json.dumps(card_of(call), ensure_ascii=False)


def chat_with(service: BotService, user: str) -> list[Call]:
    """Posts into the personal chat the bot opened with `user`."""
    opened = [c for c in service.created() if c.answer.get("id") == f"a:chat-with-{user}"]
    return in_conversation(service, opened[0].answer["id"]) if opened else []


async def test_the_whole_loop_on_teams(desk: TeamsDesk) -> None:
    service = desk.service
    # 1. The customer writes in their personal chat: a card in the support channel, a thread.
    await desk.post(payload("message_personal"))
    (card,) = await wait_for(lambda: threads_in(service, SUPPORT))
    root = str(card.answer["activityId"])
    ticket_thread = f"{SUPPORT};messageid={root}"
    await wait_for(lambda: in_conversation(service, CUSTOMER_CHAT))  # the acknowledgement

    # 2. Yui claims on the card: the answer under the card is the refreshed card.
    claimed = await desk.execute(root, "ticket.claim", "1", YUI, "f:claim")
    assert (await claimed.json())["value"]["actions"][0]["verb"] == "ticket.unclaim"

    # 3. Yui escalates in the ticket's thread: the approval card lands in that thread.
    await desk.say_in_thread(root, YUI, "escalate engineering the invoice page crashes", "m:esc")
    (approval,) = await wait_for(lambda: with_verb(service.posts(), "escalation.approve"))
    assert approval.conversation == ticket_thread
    approve = button(approval, "escalation.approve")

    # 4. Aki, an agent but not a lead, presses Approve: refused, and the answer says why.
    value, approval_id = approve["data"]["value"], approval.answer["id"]
    refused = await desk.execute(root, "escalation.approve", value, AKI, "f:aki", card=approval_id)
    said = "Only leads of support can approve or deny this escalation."
    assert await refused.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": said,
    }
    (private,) = await wait_for(lambda: chat_with(service, AKI))  # told in Aki's own chat
    assert said in card_texts(card_of(private))
    assert said not in json.dumps([c.body for c in in_conversation(service, ticket_thread)])
    assert await desk.client.app[DESK].tickets.pending_escalation(1) is not None

    # 5. Ken, the lead, approves: the card refreshes and engineering gets a hand-off thread.
    approved = await desk.execute(root, "escalation.approve", value, KEN, "f:ken", card=approval_id)
    assert (await approved.json())["type"] == "application/vnd.microsoft.card.adaptive"
    (handoff,) = await wait_for(lambda: threads_in(service, ENGINEERING))
    handoff_root = str(handoff.answer["activityId"])
    assert "Replies in this thread reach the support team" in shown(handoff)

    # 6. Eri answers in the hand-off thread without @mentioning the bot (RSC delivers it):
    #    the relay lands in the ticket's thread, and only there.
    before = len(service.calls)
    await desk.say_in_thread(
        handoff_root, ERI, "Fixed in build 4711, deploying now", "m:eri",
        channel=ENGINEERING, mention=False, name="Eri Sato",
    )  # fmt: skip

    def relays() -> list[Call]:
        return [c for c in service.posts() if "Fixed in build 4711" in shown(c)]

    (relay,) = await wait_for(relays)
    assert relay.conversation == ticket_thread
    assert "Eri Sato (engineering)" in shown(relay)
    new = [c for c in service.calls[before:] if c.method == "POST"]
    assert [c.conversation for c in new] == [ticket_thread]  # not the customer, not engineering

    # 7. Eri marks the hand-off done on its card; Yui resolves; the CSAT poll arrives in the
    #    customer's personal chat.
    done = button(handoff, "handoff.done")["data"]["value"]
    closed = await desk.execute(
        handoff_root, "handoff.done", done, ERI, "f:done", channel=ENGINEERING
    )
    assert (await closed.json())["type"] == "application/vnd.microsoft.card.adaptive"
    await desk.say_in_thread(root, YUI, "resolve", "m:resolve")

    def polls() -> list[Call]:
        return with_verb(in_conversation(service, CUSTOMER_CHAT), "csat.score")

    (poll,) = await wait_for(polls)
    five = next(
        a
        for b in card_of(poll)["body"]
        if b.get("type") == "ActionSet"
        for a in b["actions"]
        if a["data"]["value"] == "5"
    )

    # 8. The customer gives 5: the poll thanks them in place; Yui's shout-out in the kudos channel.
    scored = await desk.execute_in_chat(poll.answer["id"], five["data"], "f:csat")
    assert (await scored.json())["type"] == "application/vnd.microsoft.card.adaptive"

    def five_star_shout_outs() -> list[Call]:
        return [c for c in threads_in(service, KUDOS) if "5 stars" in shown(c)]

    (shout,) = await wait_for(five_star_shout_outs)
    assert "<at>Yui Tanaka</at>" in shown(shout)
    assert {"id": YUI, "name": "Yui Tanaka"} in [
        e["mentioned"] for e in card_of(shout)["msteams"]["entities"]
    ]

    # 9. The leaderboard names people by name, never by their internal ids.
    await desk.say_in_thread(root, KEN, "leaderboard", "m:board")

    def boards() -> list[Call]:
        return [c for c in chat_with(service, KEN) if "leaderboard" in shown(c).lower()]

    (board,) = await wait_for(boards)
    text = shown(board)
    assert "Yui Tanaka" in text and "5 stars from Sato Customer" in text
    assert "Eri Sato (engineering) closed the hand-off of #1" in text
    assert "@yui" not in text and "@eri" not in text and "29:" not in text


async def test_thread_replies_without_a_mention_are_handled_once_rsc_delivers_them(
    desk: TeamsDesk,
) -> None:
    """With consent Teams delivers a reply in the ticket's thread that does not @mention the
    bot: `reply: …` reaches the customer, anything else is an internal note."""
    await desk.post(payload("message_personal"))
    (card,) = await wait_for(lambda: threads_in(desk.service, SUPPORT))
    root = str(card.answer["activityId"])
    await desk.say_in_thread(root, YUI, "reply: We are looking at it", "m:reply", mention=False)

    def answered() -> list[Call]:
        chat = in_conversation(desk.service, CUSTOMER_CHAT)
        return [c for c in chat if "We are looking at it" in shown(c)]

    await wait_for(answered)
    await desk.say_in_thread(root, YUI, "checked the logs, nothing yet", "m:note", mention=False)
    notes: list[str] = []
    for _ in range(500):  # the note is a row, not a post: poll the ticket's history
        notes = [e.data.get("text", "") for e in await desk_events(desk, "note")]
        if notes:
            break
        await asyncio.sleep(0.01)
    assert notes == ["checked the logs, nothing yet"]
    assert len(answered()) == 1  # the note went to nobody outside


async def desk_events(desk: TeamsDesk, kind: str) -> list[Any]:
    from supportbot.collab import reach

    return list(await reach.ticket_events(desk.client.app[DESK], 1, [kind]))


async def test_without_rsc_the_cards_tell_people_to_mention_the_bot(
    aiohttp_client: Any, bot_service: tuple[BotService, str], tmp_path: Path
) -> None:
    desk = await loop_desk(aiohttp_client, bot_service, tmp_path, SUPPORTBOT_TEAMS_RSC="off")
    service = desk.service
    await desk.post(payload("message_personal"))
    (card,) = await wait_for(lambda: threads_in(service, SUPPORT))
    root = str(card.answer["activityId"])
    assert "Teams passes on only replies that @mention SupportBot" in shown(card)
    await desk.say_in_thread(root, YUI, "handoff engineering please look at the logs", "m:ho")
    (handoff,) = await wait_for(lambda: threads_in(service, ENGINEERING))
    assert "@mention SupportBot in your reply" in shown(handoff)
    assert "Replies in this thread reach" not in shown(handoff)  # no promise that is not kept

    def notes() -> list[Call]:
        return [c for c in in_conversation(service, f"{SUPPORT};messageid={root}")
                if "Handed off to engineering" in shown(c)]  # fmt: skip

    (note,) = await wait_for(notes)
    assert "@SupportBot dept:" in shown(note)
