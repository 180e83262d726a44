"""The whole desk behind Slack: signed requests in, Web API calls out (create_app + SlackPlugin)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from supportbot_slack import SlackAdapter

from .e2e import SHARED, SUPPORT, desk_config, start_desk
from .kit import MockSlackApi, Recorder, SlackHarness, fixture_json, wait_for

pytest.importorskip("supportbot.server")


@pytest.fixture
async def desk(aiohttp_client: Any, slack_api: MockSlackApi, tmp_path: Path) -> SlackHarness:
    (tmp_path / "workflows").mkdir()
    client = await start_desk(aiohttp_client, slack_api, desk_config(tmp_path))
    from supportbot.server import DESK

    adapter = client.app[DESK].adapters["slack"]
    assert isinstance(adapter, SlackAdapter)
    return SlackHarness(client, adapter, slack_api, Recorder())


def posts_to(api: MockSlackApi, channel: str) -> list[Any]:
    return [c for c in api.named("chat.postMessage") if c.args["channel"] == channel]


async def test_intake_message_posts_a_card_and_acks_the_customer(desk: SlackHarness) -> None:
    desk.api.users["U0CUSTOMER1"] = {"id": "U0CUSTOMER1", "profile": {"display_name": "Dana"}}
    assert (await desk.post_json(fixture_json("event_message_shared_channel.json"))).status == 200
    (card,) = await wait_for(lambda: posts_to(desk.api, SUPPORT))
    (ack,) = await wait_for(lambda: posts_to(desk.api, SHARED))
    assert "thread_ts" not in card.args
    assert card.args["blocks"][0]["type"] == "header"
    actions = [b for b in card.args["blocks"] if b["type"] == "actions"]
    assert actions and actions[0]["elements"][0]["action_id"].startswith("ticket.claim")
    assert "<!channel>" not in json.dumps(card.args)
    assert ack.args["thread_ts"] == "1763800000.000100"
    assert "Dana" in ack.args["text"]  # the name from users.info
    assert "Dana (acme)" in json.dumps(card.args["blocks"])  # the customer's organisation


async def open_ticket(desk: SlackHarness) -> Any:
    """A customer writes in the shared channel; returns the card's chat.postMessage call."""
    await desk.post_json(fixture_json("event_message_shared_channel.json"))
    (card,) = await wait_for(lambda: posts_to(desk.api, SUPPORT))
    await wait_for(lambda: posts_to(desk.api, SHARED))
    return card


def command(text: str, user: str = "U0AGENT1", channel: str = SUPPORT, trigger: str = "t1") -> str:
    return urlencode(
        {
            "command": "/support",
            "text": text,
            "user_id": user,
            "user_name": user.lower(),
            "channel_id": channel,
            "team_id": "T0001",
            "trigger_id": trigger,
            "response_url": "https://hooks.slack.com/commands/T0001/1/x",
        }
    )


def click(card: Any, action_id: str, value: str, user: str, trigger: str) -> dict[str, Any]:
    body = fixture_json("block_actions_approve.json")
    ts = card.answer["ts"]
    body["user"] = {"id": user, "username": user.lower(), "team_id": "T0001"}
    body["trigger_id"] = trigger
    body["container"] = {"type": "message", "message_ts": ts, "channel_id": card.args["channel"]}
    if card.args.get("thread_ts"):
        body["container"]["thread_ts"] = card.args["thread_ts"]
    body["channel"] = {"id": card.args["channel"]}
    body["actions"] = [
        {
            "action_id": action_id,
            "block_id": "buttons",
            "value": value,
            "type": "button",
            "action_ts": "1763800200.123456",
        }
    ]
    return body


def button(call: Any, action: str) -> dict[str, Any]:
    for block in call.args["blocks"]:
        for element in block.get("elements", ()):
            if element.get("action_id", "").startswith(action + "~"):
                return element  # type: ignore[no-any-return]
    raise AssertionError(f"no {action} button in {call.args['blocks']}")


def updates_of(api: MockSlackApi, ts: str) -> list[Any]:
    return [c for c in api.named("chat.update") if c.args["ts"] == ts]


def mentions_in(call: Any) -> str:
    return json.dumps(call.args["blocks"])


async def test_support_claim_updates_the_card_in_place(desk: SlackHarness) -> None:
    card = await open_ticket(desk)
    before = len(updates_of(desk.api, card.answer["ts"]))
    response = await desk.post(command("claim 1"), form=True)
    assert response.status == 200
    await wait_for(lambda: len(updates_of(desk.api, card.answer["ts"])) > before)
    update = updates_of(desk.api, card.answer["ts"])[-1]
    assert update.args["channel"] == SUPPORT
    assert "<@U0AGENT1>" in mentions_in(update)  # the assignee, mentioned natively
    assert button(update, "ticket.unclaim")


async def test_concurrent_claim_clicks_have_one_winner(desk: SlackHarness) -> None:
    card = await open_ticket(desk)
    claim = button(card, "ticket.claim")
    before = len(updates_of(desk.api, card.answer["ts"]))
    clicks = [
        click(card, claim["action_id"], claim["value"], user, f"trig-{user}")
        for user in ("U0AGENT1", "U0AGENT2")
    ]
    responses = await asyncio.gather(*(desk.post_interaction(c) for c in clicks))
    assert [r.status for r in responses] == [200, 200]
    (loser,) = await wait_for(lambda: desk.api.named("chat.postEphemeral"))
    await wait_for(lambda: len(updates_of(desk.api, card.answer["ts"])) > before)
    winner = ({"U0AGENT1", "U0AGENT2"} - {loser.args["user"]}).pop()
    for update in updates_of(desk.api, card.answer["ts"])[before:]:
        assert f"<@{winner}>" in mentions_in(update)
        assert f"<@{loser.args['user']}>" not in mentions_in(update)
