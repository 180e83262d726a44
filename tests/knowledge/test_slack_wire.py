"""Self-service and suggested replies through the real Slack wire: signed Events API and
interaction requests in (the whole server, `create_app` + the Slack plug-in), Web API calls out
to a local mock that records them (tests/slack kit)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.slack.conftest import slack_api  # noqa: F401  (the mock Web API fixture)
from tests.slack.e2e import SHARED, SUPPORT, desk_config, start_desk
from tests.slack.kit import MockSlackApi, Recorder, SlackHarness, fixture_json, wait_for
from tests.slack.test_e2e import button, click, posts_to, updates_of

pytest.importorskip("supportbot.server")

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "How do I export my invoices to a CSV file for Excel?"
OFF_TOPIC = "Can you recommend a good restaurant near your office for lunch?"


@pytest.fixture
async def desk(slack_api: MockSlackApi, aiohttp_client: Any, tmp_path: Path) -> SlackHarness:  # noqa: F811
    folder = tmp_path / "workflows"
    folder.mkdir()
    shutil.copy(ROOT / "workflows" / "35-self-service.yaml", folder)
    config = desk_config(tmp_path, knowledge_dir=str(ROOT / "knowledge"))
    client = await start_desk(aiohttp_client, slack_api, config, Recorder())
    from supportbot.server import DESK

    harness = SlackHarness(client, client.app[DESK].adapters["slack"], slack_api, Recorder())
    slack_api.users["U0CUSTOMER1"] = {"id": "U0CUSTOMER1", "profile": {"display_name": "Dana"}}
    return harness


def the_desk(h: SlackHarness) -> Any:
    from supportbot.server import DESK

    return h.client.app[DESK]


async def ask(h: SlackHarness, text: str) -> Any:
    """The customer writes in the shared channel; returns the ticket card's call."""
    payload = fixture_json("event_message_shared_channel.json")
    payload["event"]["text"] = text
    assert (await h.post_json(payload)).status == 200
    return (await wait_for(lambda: posts_to(h.api, SUPPORT)))[0]


def self_service_posts(h: SlackHarness) -> list[Any]:
    return [
        c for c in posts_to(h.api, SHARED) if "kb.solved" in json.dumps(c.args.get("blocks", []))
    ]


async def test_suggestions_shown_in_the_customers_thread_then_solved(desk: SlackHarness) -> None:
    await ask(desk, QUESTION)
    (shown,) = await wait_for(lambda: self_service_posts(desk))
    assert shown.args["thread_ts"] == "1763800000.000100"  # their own thread
    assert "Export" in json.dumps(shown.args["blocks"])
    assert "Internal" not in json.dumps(shown.args)
    solved = button(shown, "kb.solved")
    await desk.post_interaction(
        click(shown, solved["action_id"], solved["value"], "U0CUSTOMER1", "trig-solved")
    )

    def resolved() -> list[Any]:
        return [u for u in updates_of(desk.api, shown.answer["ts"]) if "resolved" in str(u.args)]

    await wait_for(resolved)
    ticket = await the_desk(desk).tickets.get(1)
    assert ticket.status == "resolved"
    (row,) = await the_desk(desk).tickets.history(1, ["resolved"])
    assert row.data["self_served"] is True and row.source == "slack"


async def test_still_need_a_person_keeps_the_ticket_going(desk: SlackHarness) -> None:
    await ask(desk, QUESTION)
    (shown,) = await wait_for(lambda: self_service_posts(desk))
    person = button(shown, "kb.declined")
    await desk.post_interaction(
        click(shown, person["action_id"], person["value"], "U0CUSTOMER1", "trig-declined")
    )
    (update,) = await wait_for(lambda: updates_of(desk.api, shown.answer["ts"]))
    assert "declined" in json.dumps(update.args)
    reason = button(update, "kb.reason")
    assert reason["value"] == "1:not_related"
    assert (await the_desk(desk).tickets.get(1)).is_open
    await wait_for(
        lambda: [c for c in posts_to(desk.api, SUPPORT) if "declined" in json.dumps(c.args)]
    )


async def test_nothing_above_the_threshold_posts_nothing(desk: SlackHarness) -> None:
    await ask(desk, OFF_TOPIC)
    d = the_desk(desk)
    await wait_for(lambda: d.courier is not None)
    await d.courier.drain()
    rows = await d.tickets.history(1, ["kb.unanswered", "kb.suggested"])
    assert [r.kind for r in rows] == ["kb.unanswered"]
    assert posts_to(desk.api, SHARED) == []  # no acknowledgement workflow here, no article


async def test_the_agents_draft_sent_with_one_click(desk: SlackHarness) -> None:
    await ask(desk, QUESTION)

    def drafts() -> list[Any]:
        return [
            c
            for c in posts_to(desk.api, SUPPORT)
            if "kb.draft.send" in json.dumps(c.args.get("blocks", []))
        ]

    (draft,) = await wait_for(drafts)
    assert draft.args["thread_ts"]  # in the ticket's internal thread
    before = len(posts_to(desk.api, SHARED))
    send = button(draft, "kb.draft.send")
    await desk.post_interaction(
        click(draft, send["action_id"], send["value"], "U0AGENT1", "trig-send")
    )

    def replies() -> list[Any]:
        return [c for c in posts_to(desk.api, SHARED)[before:] if "Export CSV" in str(c.args)]

    (reply,) = await wait_for(replies)
    assert reply.args["thread_ts"] == "1763800000.000100"
    ticket = await the_desk(desk).tickets.get(1)
    assert ticket.first_response_at is not None
