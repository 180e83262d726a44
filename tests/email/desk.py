"""The whole server (`create_app`) with the Slack and e-mail plug-ins, on the wire both ways."""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient
from supportbot_email import EmailAdapter, EmailPlugin

from supportbot.config import Config
from tests.slack.e2e import RecordingPlugin, desk_config
from tests.slack.kit import MockSlackApi, Recorder, fixture_json, signed_headers, slack_env

from .kit import SUPPORT, CapturingRelay, email_env, hand_in

SLACK_SUPPORT = "C0SUPPORT"
REPO_WORKFLOWS = Path(__file__).parents[2] / "workflows"


def mail_desk_config(
    tmp_path: Path, workflows: tuple[str, ...] = ("10-triage.yaml",), **overrides: Any
) -> Config:
    folder = tmp_path / "workflows"
    folder.mkdir(exist_ok=True)
    for name in workflows:  # 10-triage acknowledges; 60-csat polls after resolution
        shutil.copy(REPO_WORKFLOWS / name, folder / name)
    intake = [
        {"platform": "slack", "channel": "C0ACMESHARED", "organization": "acme"},
        {"platform": "email", "channel": SUPPORT},
    ]
    # Open around the clock, every day: the business-hours acknowledgement is what these tests
    # read, and it must not depend on when the suite runs.
    always_open = {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start": "00:00",
        "end": "00:00",
    }
    overrides.setdefault("business_hours", always_open)
    return desk_config(tmp_path, intake_channels=intake, **overrides)


@dataclass
class MailDesk:
    client: TestClient[Any, Any]
    api: MockSlackApi
    relay: CapturingRelay
    recorder: Recorder

    @property
    def adapter(self) -> EmailAdapter:
        from supportbot.server import DESK

        found = self.client.app[DESK].adapters["email"]
        assert isinstance(found, EmailAdapter)
        return found

    async def mail_in(self, raw: bytes, sender: str = "dana@customer.example") -> tuple[int, str]:
        port = self.adapter.listener.port
        assert port is not None
        return await hand_in(port, raw, sender=sender)

    def cards(self) -> list[Any]:
        return [
            c
            for c in self.api.named("chat.postMessage")
            if c.args["channel"] == SLACK_SUPPORT and "thread_ts" not in c.args
        ]

    def in_thread(self, ts: str) -> list[Any]:
        return [c for c in self.api.named("chat.postMessage") if c.args.get("thread_ts") == ts]

    async def slack_customer_writes(self, text: str) -> int:
        """A customer writes in the shared Slack channel (a chat ticket)."""
        payload = fixture_json("event_message_shared_channel.json")
        payload["event"]["text"] = text
        body = json.dumps(payload)
        response = await self.client.post(
            "/slack/events",
            data=body.encode(),
            headers={"Content-Type": "application/json", **signed_headers(body)},
        )
        return response.status

    async def slash(self, text: str, user: str = "U0AGENT1") -> int:
        """`/support <text>` from Slack, as a signed form post."""
        body = urlencode(
            {
                "command": "/support",
                "text": text,
                "user_id": user,
                "user_name": user.lower(),
                "channel_id": SLACK_SUPPORT,
                "team_id": "T0001",
                "trigger_id": f"t{uuid.uuid4().hex}",  # each command is its own event
                "response_url": "https://hooks.slack.com/commands/T0001/1/x",
            }
        )
        response = await self.client.post(
            "/slack/events",
            data=body.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                **signed_headers(body),
            },
        )
        return response.status

    def private(self, user: str = "U0AGENT1") -> list[str]:
        """What the desk told `user` privately (ephemeral messages)."""
        return [
            str(c.args.get("text", "")) + str(c.args.get("blocks", ""))
            for c in self.api.named("chat.postEphemeral")
            if c.args.get("user") == user
        ]

    async def slack_thread_reply(
        self, card_ts: str, text: str, user: str = "U0AGENT1", kind: str = "message"
    ) -> int:
        payload = {
            "token": "XXYYZZ",
            "team_id": "T0001",
            "api_app_id": "A0APP",
            "event": {
                "type": kind,  # "app_mention" when the text mentions the bot
                "text": text,
                "user": user,
                "ts": "1763900999.000300",
                "thread_ts": card_ts,
                "channel": SLACK_SUPPORT,
                "event_ts": "1763900999.000300",
                "channel_type": "channel",
            },
            "type": "event_callback",
            "event_id": f"Ev0REPLY{len(self.api.calls)}",
            "event_time": 1763900999,
        }
        body = json.dumps(payload)
        response = await self.client.post(
            "/slack/events",
            data=body.encode(),
            headers={"Content-Type": "application/json", **signed_headers(body)},
        )
        return response.status


async def start_mail_desk(
    aiohttp_client: Any,
    api: MockSlackApi,
    relay: CapturingRelay,
    tmp_path: Path,
    *,
    env: dict[str, str] | None = None,
    plugin: EmailPlugin | None = None,
    **config: Any,
) -> MailDesk:
    from supportbot.server import create_app

    recorder = Recorder()
    app = create_app(
        mail_desk_config(tmp_path, **config),
        {**slack_env(api), **email_env(relay, tmp_path), **(env or {})},
        plugins={"slack": RecordingPlugin(recorder), "email": plugin or EmailPlugin()},
        migrate=False,
        poll_interval=0.05,
    )
    return MailDesk(await aiohttp_client(app), api, relay, recorder)
