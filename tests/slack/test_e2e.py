"""The whole desk behind Slack: signed requests in, Web API calls out (create_app + SlackPlugin)."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from supportbot_slack import SlackAdapter, ids

from .e2e import ENGINEERING, SHARED, SUPPORT, desk_config, start_desk
from .kit import MockSlackApi, Recorder, SlackHarness, fixture_json, wait_for

pytest.importorskip("supportbot.server")


REPO_WORKFLOWS = Path(__file__).parents[2] / "workflows"
# The desk's own workflows: triage and after-hours (they acknowledge), escalation, hand-off,
# CSAT; not routing, which moves tickets to teams this small config does not have.
WORKFLOWS = (
    "10-triage.yaml",
    "30-after-hours.yaml",
    "40-escalation.yaml",
    "50-handoff.yaml",
    "60-csat.yaml",
)


# `slack_api` before `aiohttp_client`: the mock Web API must outlive the app's shutdown,
# when the adapter lets acked work finish.
@pytest.fixture
async def desk(slack_api: MockSlackApi, aiohttp_client: Any, tmp_path: Path) -> SlackHarness:
    folder = tmp_path / "workflows"
    folder.mkdir()
    for name in WORKFLOWS:
        if (REPO_WORKFLOWS / name).exists():
            shutil.copy(REPO_WORKFLOWS / name, folder / name)
    config = desk_config(tmp_path, csat={"delay": "0s"})
    recorder = Recorder()
    client = await start_desk(aiohttp_client, slack_api, config, recorder)
    from supportbot.server import DESK

    adapter = client.app[DESK].adapters["slack"]
    assert isinstance(adapter, SlackAdapter)
    return SlackHarness(client, adapter, slack_api, recorder)


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


async def test_a_retried_delivery_makes_one_ticket(desk: SlackHarness) -> None:
    payload = fixture_json("event_message_shared_channel.json")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    await desk.post_json(payload)
    await desk.post_json(payload, **retry)
    await wait_for(lambda: len(desk.sink.receipts) == 2)
    assert sorted(r.duplicate for r in desk.sink.receipts) == [False, True]
    await wait_for(lambda: posts_to(desk.api, SHARED))  # the one ticket's turn is over
    assert len(posts_to(desk.api, SUPPORT)) == 1  # one card: one ticket


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
    response = await desk.post(command("claim 1"), form=True)
    assert response.status == 200

    def claimed() -> list[Any]:
        # The assignee, mentioned natively, on the card itself (chat.update of its ts).
        updates = updates_of(desk.api, card.answer["ts"])
        return [u for u in updates if "<@U0AGENT1>" in mentions_in(u)]

    update = (await wait_for(claimed))[0]
    assert update.args["channel"] == SUPPORT
    assert button(update, "ticket.unclaim")
    assert len(posts_to(desk.api, SUPPORT)) == 1  # updated in place, not posted again


async def test_concurrent_claim_clicks_have_one_winner(desk: SlackHarness) -> None:
    card = await open_ticket(desk)
    claim = button(card, "ticket.claim")
    clicks = [
        click(card, claim["action_id"], claim["value"], user, f"trig-{user}")
        for user in ("U0AGENT1", "U0AGENT2")
    ]
    responses = await asyncio.gather(*(desk.post_interaction(c) for c in clicks))
    assert [r.status for r in responses] == [200, 200]
    (loser,) = await wait_for(lambda: desk.api.named("chat.postEphemeral"))
    winner = ({"U0AGENT1", "U0AGENT2"} - {loser.args["user"]}).pop()

    def shown(user: str) -> bool:
        return any(f"<@{user}>" in mentions_in(u) for u in updates_of(desk.api, card.answer["ts"]))

    await wait_for(lambda: shown(winner))
    assert not shown(loser.args["user"])
    assert "already claimed" in json.dumps(loser.args)


def with_button(api: MockSlackApi, action: str) -> list[Any]:
    """Posted messages that carry a button for `action`."""
    found = []
    for call in api.named("chat.postMessage"):
        try:
            button(call, action)
        except AssertionError:
            continue
        found.append(call)
    return found


def submission(opened: Any, user: str, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What Slack sends when `user` submits the modal that `views.open` showed."""
    view = opened.args["view"]
    body = fixture_json("view_submission.json")
    body["user"] = {"id": user, "username": user.lower(), "team_id": "T0001"}
    body["view"].update(
        id="V0" + user,
        callback_id=view["callback_id"],
        private_metadata=view["private_metadata"],
        state={"values": values},
    )
    return body


async def test_escalation_form_approval_and_department_thread(desk: SlackHarness) -> None:
    card = await open_ticket(desk)
    await desk.post(command("claim 1"), form=True)
    await wait_for(
        lambda: any("<@U0AGENT1>" in mentions_in(u) for u in desk.api.named("chat.update"))
    )

    escalate = button(card, "ticket.escalate")
    await desk.post_interaction(click(card, escalate["action_id"], "1", "U0AGENT1", "trig-esc"))
    (opened,) = await wait_for(lambda: desk.api.named("views.open"))
    assert opened.args["trigger_id"] == "trig-esc"
    assert opened.args["view"]["callback_id"] == "escalation.request"

    values: dict[str, dict[str, Any]] = {
        "reason": {"reason": {"type": "plain_text_input", "value": "Billing is down for all"}},
        "department": {
            "department": {"type": "static_select", "selected_option": {"value": "engineering"}}
        },
    }
    await desk.post_interaction(submission(opened, "U0AGENT1", values))
    (approval,) = await wait_for(lambda: with_button(desk.api, "escalation.approve"))
    assert approval.args["channel"] == SUPPORT
    assert approval.args["thread_ts"] == card.answer["ts"]  # in the ticket's thread

    approve = button(approval, "escalation.approve")
    await desk.post_interaction(
        click(approval, approve["action_id"], approve["value"], "U0LEAD1", "trig-ok")
    )
    (thread,) = await wait_for(lambda: posts_to(desk.api, ENGINEERING))
    assert "<!subteam^S0ENG>" in json.dumps(thread.args)  # the department's group is paged
    assert button(thread, "handoff.accept")


async def test_resolve_sends_a_csat_poll_and_the_score_is_recorded(desk: SlackHarness) -> None:
    card = await open_ticket(desk)
    await desk.post(command("claim 1"), form=True)
    await wait_for(
        lambda: any("<@U0AGENT1>" in mentions_in(u) for u in desk.api.named("chat.update"))
    )
    await desk.post(command("resolve 1", trigger="t-resolve"), form=True)

    def polls() -> list[Any]:
        return [c for c in posts_to(desk.api, SHARED) if "choice~" in json.dumps(c.args)]

    (poll,) = await wait_for(polls)
    assert poll.args["thread_ts"] == "1763800000.000100"  # the customer's own thread
    row = next(b for b in poll.args["blocks"] if b.get("block_id", "").startswith("choice~"))
    five = next(e for e in row["elements"] if e["value"] == "5")
    answer = click(poll, five["action_id"], "5", "U0CUSTOMER1", "trig-5")
    answer["actions"][0]["block_id"] = row["block_id"]
    answer["user"]["team_id"] = "T0CUSTOMERORG"
    await desk.post_interaction(answer)

    from supportbot.server import DESK

    tickets = desk.client.app[DESK].tickets
    poll_id = int(ids.choice_context(row["block_id"]) or 0)

    def thanked() -> list[Any]:  # the poll, updated in place, shows the recorded score
        updates = updates_of(desk.api, poll.answer["ts"])
        return [u for u in updates if "5/5" in u.args["text"]]

    await wait_for(thanked)
    assert (await tickets.csat_poll(poll_id)).score == 5
    assert card  # the card was there all along


async def test_customer_replies_in_their_thread_reach_the_ticket_thread(desk: SlackHarness) -> None:
    card = await open_ticket(desk)
    await desk.post_json(fixture_json("event_message_thread_reply.json"))

    def relayed() -> list[Any]:
        return [
            c
            for c in posts_to(desk.api, SUPPORT)
            if c.args.get("thread_ts") == card.answer["ts"]
            and "it works again" in json.dumps(c.args)
        ]

    await wait_for(relayed)


def direct_message() -> dict[str, Any]:
    body = fixture_json("event_message_shared_channel.json")
    body["event"].update(channel="D0DANA", channel_type="im", text="I cannot log in")
    body["event_id"] = "Ev0DM"
    return body


def ticket_reaction() -> dict[str, Any]:
    return fixture_json("event_reaction_added.json")


@pytest.mark.parametrize(
    ("payload", "text"),
    [
        (direct_message, "I cannot log in"),
        (lambda: fixture_json("event_app_mention.json"), "laptop won't join VPN, urgent"),
        (ticket_reaction, "The printer on 3F is jammed again"),  # fetched from Slack
    ],
    ids=["dm-to-the-bot", "mention-anywhere", "ticket-reaction"],
)
async def test_other_ways_in_open_a_ticket(desk: SlackHarness, payload: Any, text: str) -> None:
    desk.api.messages[("C0GENERAL", "1763802000.000400")] = {
        "user": "U0EMPLOYEE9",
        "text": "The printer on 3F is jammed again",
        "ts": "1763802000.000400",
    }
    await desk.post_json(payload())
    (card,) = await wait_for(lambda: posts_to(desk.api, SUPPORT))
    assert button(card, "ticket.claim")
    assert text in json.dumps(card.args["blocks"], ensure_ascii=False)
