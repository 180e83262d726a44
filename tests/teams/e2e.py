"""End-to-end harness: the whole supportbot server (`create_app`) with the Teams plug-in in
emulator mode, Activities POSTed to `/api/messages`, the channel service mocked locally."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from supportbot_teams import TeamsAdapter, TeamsPlugin

from supportbot.config import Config

from .botservice import BotService
from .conftest import payload

SUPPORT = "19:support0channel@thread.tacv2"
ENGINEERING = "19:engineering0channel@thread.tacv2"
CUSTOMER_CHAT = "a:1PersonalConvId"
YUI = "29:1AgentYuiXyZ"  # agent
KEN = "29:1LeadKen"  # lead
CUSTOMER = "29:1CustomerAbc"
# The names Teams sends along with each user's id (`from.name`).
NAMES = {YUI: "Yui Tanaka", KEN: "Ken Suzuki", CUSTOMER: "Sato Customer"}


WORKFLOWS = """\
version: 1
workflows:
  - name: acknowledge
    trigger: ticket.created
    steps:
      - action: reply
        with: {template: workflows.ack}
  - name: escalation-needs-a-lead
    trigger: escalation.requested
    steps:
      - action: request_approval
        with: {approvers: "role:lead", timeout: 30m}
  - name: escalation-approved
    trigger: escalation.approved
    steps:
      - action: handoff
        with: {department: requested}
  - name: handoff-thread
    trigger: handoff.opened
    steps:
      - action: handoff_thread
  - name: csat-after-resolve
    trigger: ticket.resolved
    steps:
      - action: csat_poll
        with: {scale: 5, delay: 0s}
"""


def write_workflows(folder: Path) -> None:
    """What these tests need: acknowledgement, approval, hand-off thread, CSAT right away."""
    folder.mkdir(exist_ok=True)
    (folder / "desk.yaml").write_text(WORKFLOWS, encoding="utf-8")


def desk_config(tmp_path: Path, **overrides: Any) -> Config:
    data: dict[str, Any] = {
        "desk_name": "Acme Support",
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        "workflows_dir": str(tmp_path / "workflows"),
        "support_channel": {"teams": SUPPORT},
        "departments": [{"name": "engineering", "channel": {"teams": ENGINEERING}}],
        "people": [
            {"id": "yui", "name": "Yui Tanaka", "roles": ["agent"], "teams": ["support"],
             "identities": {"teams": YUI}},
            {"id": "ken", "name": "Ken Suzuki", "roles": ["lead", "agent"], "teams": ["support"],
             "identities": {"teams": KEN}},
        ],
    }  # fmt: skip
    data.update(overrides)
    return Config.model_validate(data)


@dataclass
class TeamsDesk:
    client: TestClient[Any, Any]
    adapter: TeamsAdapter
    service: BotService
    service_url: str

    async def post(self, body: dict[str, Any]) -> Any:
        response = await self.client.post(
            "/api/messages", json={**body, "serviceUrl": self.service_url}
        )
        assert response.status in (200, 201), await response.text()
        await self.settled()
        return response

    async def settled(self) -> None:
        """Wait until the desk has run what it stored and delivered what that sent."""
        from supportbot.server import DESK

        pipeline = self.client.app[DESK].pipeline
        assert pipeline is not None
        await pipeline.drain()

    async def install(self) -> None:
        """The bot is added to the support team (Teams then names the channel's service URL)."""
        await self.post(payload("conversation_update_installed"))

    async def install_in(self, channel: str, team: str, activity_id: str) -> None:
        """The bot is added to another team (Teams then names that channel's service URL)."""
        body = payload("conversation_update_installed", id=activity_id)
        body["conversation"]["id"] = channel
        body["channelData"]["team"] = {"id": team, "name": team}
        await self.post(body)

    async def say_in_thread(
        self,
        root: str,
        user: str,
        text: str,
        activity_id: str,
        *,
        channel: str = SUPPORT,
        mention: bool = True,
        name: str = "",
    ) -> Any:
        """A reply in a channel thread; `mention=False` is what Teams delivers only with RSC:
        no `<at>` tag and no mention entity."""
        body = payload("message_channel_mention", id=activity_id, text=text)
        if mention:
            body["text"] = f"<at>SupportBot</at> {text}"
        else:
            body["entities"] = [e for e in body["entities"] if e["type"] != "mention"]
        body["from"] = {"id": user, "name": name or NAMES.get(user, user)}
        body["conversation"]["id"] = f"{channel};messageid={root}"
        body["channelData"]["channel"] = {"id": channel}
        return await self.post(body)

    async def execute(
        self,
        root: str,
        verb: str,
        value: str,
        user: str,
        activity_id: str,
        *,
        card: str = "",
        channel: str = SUPPORT,
    ) -> Any:
        """Press an Action.Execute button on a card in the thread `root` (the root card itself
        unless `card` names another message of the thread)."""
        body = payload("invoke_adaptive_card_execute", id=activity_id, replyToId=card or root)
        body["conversation"]["id"] = f"{channel};messageid={root}"
        body["channelData"]["channel"] = {"id": channel}
        return await self._press(body, user, {"action": verb, "value": value})

    async def execute_in_chat(self, card: str, data: dict[str, str], activity_id: str) -> Any:
        """The customer presses a button on a card in their personal chat."""
        body = payload("invoke_adaptive_card_execute", id=activity_id, replyToId=card)
        body["conversation"] = payload("message_personal")["conversation"]
        body["channelData"] = payload("message_personal")["channelData"]
        return await self._press(body, CUSTOMER, data)

    async def _press(self, body: dict[str, Any], user: str, data: dict[str, str]) -> Any:
        body["from"] = {"id": user, "name": NAMES.get(user, user)}
        action = {"type": "Action.Execute", "verb": data["action"], "data": data}
        body["value"] = {"action": action, "trigger": "manual"}
        return await self.post(body)


async def wait_for(check: Callable[[], Any], *, limit: float = 10.0) -> Any:
    """Poll until `check()` is truthy (work after the ack may finish later); the limit only
    guards against hanging."""
    deadline = asyncio.get_running_loop().time() + limit
    while not (result := check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("gave up waiting")
        await asyncio.sleep(0.01)
    return result


async def start_desk(
    aiohttp_client: Any,
    service: BotService,
    service_url: str,
    config: Config,
    env: dict[str, str] | None = None,
) -> TeamsDesk:
    from supportbot.server import DESK, create_app

    env = {"SUPPORTBOT_TEAMS": "1", **(env or {})}
    app = create_app(config, env, plugins={"teams": TeamsPlugin()},
                     migrate=False, poll_interval=0.05)  # fmt: skip
    client: TestClient[Any, Any] = await aiohttp_client(app)
    adapter = client.app[DESK].adapters["teams"]
    assert isinstance(adapter, TeamsAdapter)
    return TeamsDesk(client, adapter, service, service_url)
