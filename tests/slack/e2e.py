"""End-to-end harness: the whole supportbot server (`create_app`) with the Slack plug-in only,
Slack requests signed on the wire, and the Web API mocked locally."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from supportbot_slack import SlackAdapter, SlackPlugin

from supportbot.adapter import AdapterContext, EventSink, Outcome, Stored
from supportbot.config import Config
from supportbot.events import AnyEvent

from .kit import MockSlackApi, Recorder, slack_env

SUPPORT = "C0SUPPORT"
SHARED = "C0ACMESHARED"
ENGINEERING = "C0ENG"
LEADS = "C0LEADS"


def desk_config(tmp_path: Path, **overrides: Any) -> Config:
    data: dict[str, Any] = {
        "desk_name": "Acme Support",
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        "workflows_dir": str(tmp_path / "workflows"),
        "support_channel": {"slack": SUPPORT},
        "leads_channel": {"slack": LEADS},
        "intake_channels": [{"platform": "slack", "channel": SHARED, "organization": "acme"}],
        "organizations": [
            {"name": "acme", "tier": "enterprise", "platform_ids": {"slack": "T0CUSTOMERORG"}}
        ],
        "departments": [
            {
                "name": "engineering",
                "channel": {"slack": ENGINEERING},
                "mention": {"slack": "S0ENG"},
            }
        ],
        "people": [
            {
                "id": "aiko",
                "name": "Aiko",
                "roles": ["agent"],
                "teams": ["support"],
                "identities": {"slack": "U0AGENT1"},
            },
            {
                "id": "ben",
                "name": "Ben",
                "roles": ["agent"],
                "teams": ["support"],
                "identities": {"slack": "U0AGENT2"},
            },
            {
                "id": "kenji",
                "name": "Kenji",
                "roles": ["lead", "agent"],
                "teams": ["support"],
                "identities": {"slack": "U0LEAD1"},
            },
        ],
    }
    data.update(overrides)
    return Config.model_validate(data)


class RecordingPlugin(SlackPlugin):
    """The Slack plug-in, with the desk's answers to each event written down for the test."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def create(self, ctx: AdapterContext) -> SlackAdapter | None:
        return super().create(dataclasses.replace(ctx, sink=_Recording(ctx.sink, self.recorder)))


@dataclasses.dataclass
class _Recording:
    """The desk's sink, writing down what it was given and what storing it gave."""

    desk: EventSink
    recorder: Recorder

    async def accept(self, event: AnyEvent) -> Stored:
        receipt = await self.desk.accept(event)
        self.recorder.events.append(event)
        self.recorder.receipts.append(receipt)
        return receipt

    async def __call__(self, event: AnyEvent) -> Outcome:
        outcome = await self.desk(event)
        self.recorder.events.append(event)
        self.recorder.outcomes.append(outcome)
        return outcome


async def start_desk(
    aiohttp_client: Any, api: MockSlackApi, config: Config, recorder: Recorder, **options: Any
) -> TestClient[Any, Any]:
    from supportbot.server import create_app

    app = create_app(
        config,
        slack_env(api),
        plugins={"slack": RecordingPlugin(recorder)},
        migrate=False,
        **{"poll_interval": 0.05, **options},
    )
    return await aiohttp_client(app)  # type: ignore[no-any-return]
