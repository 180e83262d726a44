"""End-to-end harness: the whole supportbot server (`create_app`) with the Teams plug-in in
emulator mode, Activities POSTed to `/api/messages`, the channel service mocked locally."""

from __future__ import annotations

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

    async def say_in_thread(self, root: str, user: str, text: str, activity_id: str) -> Any:
        body = payload(
            "message_channel_mention", id=activity_id, text=f"<at>SupportBot</at> {text}"
        )
        body["from"] = {"id": user, "name": user}
        body["conversation"]["id"] = f"{SUPPORT};messageid={root}"
        return await self.post(body)

    async def execute(
        self, root: str, verb: str, value: str, user: str, activity_id: str, *, card: str = ""
    ) -> Any:
        """Press an Action.Execute button on a card in the thread `root` (the root card itself
        unless `card` names another message of the thread)."""
        body = payload("invoke_adaptive_card_execute", id=activity_id, replyToId=card or root)
        body["conversation"]["id"] = f"{SUPPORT};messageid={root}"
        return await self._press(body, user, {"action": verb, "value": value})

    async def execute_in_chat(self, card: str, data: dict[str, str], activity_id: str) -> Any:
        """The customer presses a button on a card in their personal chat."""
        body = payload("invoke_adaptive_card_execute", id=activity_id, replyToId=card)
        body["conversation"] = payload("message_personal")["conversation"]
        body["channelData"] = payload("message_personal")["channelData"]
        return await self._press(body, "29:1CustomerAbc", data)

    async def _press(self, body: dict[str, Any], user: str, data: dict[str, str]) -> Any:
        body["from"] = {"id": user, "name": user}
        action = {"type": "Action.Execute", "verb": data["action"], "data": data}
        body["value"] = {"action": action, "trigger": "manual"}
        return await self.post(body)


async def start_desk(
    aiohttp_client: Any, service: BotService, service_url: str, config: Config
) -> TeamsDesk:
    from supportbot.server import DESK, create_app

    app = create_app(config, {"SUPPORTBOT_TEAMS": "1"}, plugins={"teams": TeamsPlugin()},
                     migrate=False, poll_interval=0.05)  # fmt: skip
    client: TestClient[Any, Any] = await aiohttp_client(app)
    adapter = client.app[DESK].adapters["teams"]
    assert isinstance(adapter, TeamsAdapter)
    return TeamsDesk(client, adapter, service, service_url)
