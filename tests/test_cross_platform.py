"""One ticket spanning two platforms: a customer on Teams, engineering on Slack.

Both adapters run in one server (`create_app` with the Slack and Teams plug-ins). Teams
Activities are POSTed to `/api/messages` (emulator mode) and its replies recorded by a local
channel service; Slack requests are signed on the wire and its Web API is a local mock.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from supportbot_slack import SlackPlugin
from supportbot_teams import TeamsPlugin

from supportbot.config import Config
from supportbot.server import DESK, create_app
from tests.slack.kit import MockSlackApi, signed_headers, slack_env, wait_for
from tests.teams.botservice import BotService, card_of, card_texts
from tests.teams.conftest import payload

SUPPORT = "19:support0channel@thread.tacv2"
ENGINEERING = "C0ENG"
AGENT = "29:1AgentYuiXyZ"
ENGINEER = "U0ERI"
WORKFLOWS = """\
version: 1
workflows:
  - name: handoff-thread
    trigger: handoff.opened
    steps:
      - action: handoff_thread
"""


def _config(tmp_path: Path, **desk: Any) -> Config:
    """A desk whose only workflow opens the hand-off thread; `desk` places channels and people."""
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "desk.yaml").write_text(WORKFLOWS, encoding="utf-8")
    return Config.model_validate({
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        "workflows_dir": str(tmp_path / "workflows"),
        **desk,
    })  # fmt: skip


def _people(agent: dict[str, str], engineer: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"id": "yui", "name": "Yui Tanaka", "roles": ["agent"], "teams": ["support"],
         "identities": agent},
        {"id": "eri", "name": "Eri Sato", "roles": ["engineer"], "department": "engineering",
         "identities": engineer},
    ]  # fmt: skip


async def _servers(aiohttp_server: Any) -> tuple[MockSlackApi, BotService, str]:
    slack = MockSlackApi()
    slack_app = web.Application()
    slack_app.router.add_route("*", "/api/{method}", slack.handle)
    slack_server: TestServer = await aiohttp_server(slack_app)
    slack.base_url = f"http://127.0.0.1:{slack_server.port}/api/"
    teams = BotService()
    teams_server: TestServer = await aiohttp_server(teams.app())
    return slack, teams, str(teams_server.make_url("/"))


async def test_a_teams_ticket_handed_off_to_slack_gets_the_reply_back(
    aiohttp_server: Any, aiohttp_client: Any, tmp_path: Path
) -> None:
    slack, teams, service_url = await _servers(aiohttp_server)
    env = {**slack_env(slack), "SUPPORTBOT_TEAMS": "1"}
    config = _config(
        tmp_path,
        support_channel={"teams": SUPPORT},
        departments=[{"name": "engineering", "channel": {"slack": ENGINEERING},
                      "mention": {"slack": "S0ENG"}, "oncall": ["eri"]}],
        people=_people({"teams": AGENT}, {"slack": ENGINEER}),
    )  # fmt: skip
    app = create_app(config, env, plugins={"slack": SlackPlugin(),
                     "teams": TeamsPlugin()}, migrate=False, poll_interval=0.05)  # fmt: skip
    client: TestClient[Any, Any] = await aiohttp_client(app)

    async def to_teams(body: dict[str, Any]) -> None:
        response = await client.post("/api/messages", json={**body, "serviceUrl": service_url})
        assert response.status in (200, 201), await response.text()
        await client.app[DESK].pipeline.drain()  # type: ignore[union-attr]  # the desk is quiet

    # A customer writes to the bot in Teams: the card opens a thread in the Teams support channel.
    await to_teams(payload("conversation_update_installed"))
    await to_teams(payload("message_personal"))
    (card,) = teams.created()
    root = str(card.answer["activityId"])

    # The agent hands it off from the ticket's Teams thread.
    handoff = payload(
        "message_channel_mention",
        id="act-handoff",
        text="<at>SupportBot</at> handoff 1 engineering invoices fail to render",
    )
    handoff["from"] = {"id": AGENT, "name": "Yui Tanaka"}
    handoff["conversation"]["id"] = f"{SUPPORT};messageid={root}"
    await to_teams(handoff)

    # Engineering's thread opens on Slack, with the note and the on-call group mentioned.
    def department_post() -> Any:
        return [c for c in slack.named("chat.postMessage") if c.args["channel"] == ENGINEERING]

    (thread,) = await wait_for(department_post)
    posted = json.dumps(thread.args, ensure_ascii=False)
    assert "invoices fail to render" in posted and "<!subteam^S0ENG>" in posted
    thread_ts = thread.answer["ts"]

    # An engineer answers in that Slack thread (a signed Events API request)...
    event = {
        "token": "x", "team_id": "T0001", "api_app_id": "A0APP", "type": "event_callback",
        "event_id": "Ev0ENGREPLY", "event_time": 1763803600,
        "event": {"type": "message", "text": "Fixed in build 4182", "user": ENGINEER,
                  "ts": "1763900100.000100", "thread_ts": thread_ts, "channel": ENGINEERING,
                  "event_ts": "1763900100.000100", "channel_type": "channel"},
    }  # fmt: skip
    body = json.dumps(event)
    response = await client.post("/slack/events", data=body.encode(), headers={
        "Content-Type": "application/json", **signed_headers(body)})  # fmt: skip
    assert response.status == 200

    # ...and the reply is relayed, with the author's name, into the ticket's Teams thread.
    def relayed() -> Any:
        return [
            c
            for c in teams.posts()
            if c.conversation == f"{SUPPORT};messageid={root}"
            and "Fixed in build 4182" in json.dumps(c.body, ensure_ascii=False)
        ]

    (relay,) = await wait_for(relayed)
    text = json.dumps(relay.body, ensure_ascii=False)
    assert "Eri Sato" in text and "engineering" in text
    texts = card_texts(card_of(relay)) if relay.body.get("attachments") else [text]
    assert any("Fixed in build 4182" in t for t in texts)


TEAMS_ENGINEERING = "19:engineering0channel@thread.tacv2"
SLACK_SUPPORT, SLACK_CUSTOMERS, SLACK_AGENT = "C0SUPPORT", "C0ACMESHARED", "U0AGENT1"
TEAMS_ENGINEER = "29:1EngineerEri"


async def test_a_slack_ticket_handed_off_to_teams_gets_the_reply_back(
    aiohttp_server: Any, aiohttp_client: Any, tmp_path: Path
) -> None:
    slack, teams, service_url = await _servers(aiohttp_server)
    env = {**slack_env(slack), "SUPPORTBOT_TEAMS": "1"}
    config = _config(
        tmp_path,
        support_channel={"slack": SLACK_SUPPORT},
        intake_channels=[{"platform": "slack", "channel": SLACK_CUSTOMERS}],
        departments=[{"name": "engineering", "channel": {"teams": TEAMS_ENGINEERING},
                      "oncall": ["eri"]}],
        people=_people({"slack": SLACK_AGENT}, {"teams": TEAMS_ENGINEER}),
    )  # fmt: skip
    app = create_app(config, env, plugins={"slack": SlackPlugin(),
                     "teams": TeamsPlugin()}, migrate=False, poll_interval=0.05)  # fmt: skip
    client: TestClient[Any, Any] = await aiohttp_client(app)

    async def to_slack(body: str, content_type: str) -> None:
        response = await client.post("/slack/events", data=body.encode(), headers={
            "Content-Type": content_type, **signed_headers(body)})  # fmt: skip
        assert response.status == 200

    # The bot was added to engineering's team in Teams (that is how it learns the service URL).
    install = payload("conversation_update_installed")
    install["conversation"]["id"] = TEAMS_ENGINEERING
    install["channelData"]["channel"] = {"id": TEAMS_ENGINEERING}
    response = await client.post("/api/messages", json={**install, "serviceUrl": service_url})
    assert response.status in (200, 201)

    # A customer asks in the Slack shared channel; the card lands in Slack's support channel.
    message = {
        "token": "x", "team_id": "T0001", "api_app_id": "A0APP", "type": "event_callback",
        "event_id": "Ev0ASK", "event_time": 1763800000,
        "event": {"type": "message", "text": "Exports time out", "user": "U0CUSTOMER1",
                  "ts": "1763800000.000100", "channel": SLACK_CUSTOMERS,
                  "event_ts": "1763800000.000100", "channel_type": "channel"},
    }  # fmt: skip
    await to_slack(json.dumps(message), "application/json")

    def card() -> Any:
        return [c for c in slack.named("chat.postMessage") if c.args["channel"] == SLACK_SUPPORT]

    card_ts = (await wait_for(card))[0].answer["ts"]

    # The agent hands off with the slash command; engineering's thread opens in Teams.
    form = (
        f"token=x&team_id=T0001&channel_id={SLACK_SUPPORT}&user_id={SLACK_AGENT}"
        "&user_name=aiko&command=%2Fsupport&text=handoff+1+engineering+exports+time+out"
        "&api_app_id=A0APP&response_url=https%3A%2F%2Fexample.invalid%2Fr&trigger_id=t1"
    )
    await to_slack(form, "application/x-www-form-urlencoded")
    (thread,) = await wait_for(teams.created)
    assert thread.body["channelData"]["channel"]["id"] == TEAMS_ENGINEERING
    root = str(thread.answer["activityId"])

    # Eri answers in that Teams thread; the reply reaches the card's thread on Slack.
    reply = payload("message_channel_mention", id="act-eri", text="Raised the timeout to 120 s")
    reply["entities"] = []
    reply["from"] = {"id": TEAMS_ENGINEER, "name": "Eri Sato"}
    reply["conversation"]["id"] = f"{TEAMS_ENGINEERING};messageid={root}"
    reply["channelData"]["channel"] = {"id": TEAMS_ENGINEERING}
    response = await client.post("/api/messages", json={**reply, "serviceUrl": service_url})
    assert response.status in (200, 201)

    def relayed() -> Any:
        return [
            c
            for c in slack.named("chat.postMessage")
            if c.args.get("thread_ts") == card_ts
            and "Raised the timeout" in json.dumps(c.args, ensure_ascii=False)
        ]

    (relay,) = await wait_for(relayed)
    assert "Eri Sato" in json.dumps(relay.args, ensure_ascii=False)
