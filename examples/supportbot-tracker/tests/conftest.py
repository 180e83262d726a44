"""Fixtures: a mock tracker on loopback, and a desk (supportbot's `DeskHarness`: SQLite, an
in-memory chat platform) with the built-in features and this one, running a workflow file.

    async def test_x(desk: StartDesk, tracker: MockTracker) -> None:
        h = await desk(OUTAGE_WORKFLOW)
        await h.say("customers", "cust1", "Checkout is down")
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from supportbot.plugins import discover_features
from supportbot.testing import DeskHarness

from mock_tracker import MockTracker
from supportbot_tracker import TrackerFeature
from tracker_desk import OUTAGE_WORKFLOW, TOKEN, StartDesk, desk_config


@pytest.fixture
def tracker() -> MockTracker:
    return MockTracker(token=TOKEN, repositories={"acme/app"})


@pytest.fixture
async def tracker_url(tracker: MockTracker, aiohttp_server: Any) -> str:
    server = await aiohttp_server(tracker.app(), host="127.0.0.1")
    return str(server.make_url(""))


@pytest.fixture
async def desk(tmp_path: Path, tracker_url: str) -> AsyncIterator[StartDesk]:
    """`await desk(workflow, project=…, env=…)`: a running desk; `env` entries replace the
    tracker settings (an entry set to None is left out)."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(
            workflow: str = OUTAGE_WORKFLOW,
            *,
            project: str = "acme/app",
            env: Mapping[str, str | None] | None = None,
        ) -> DeskHarness:
            folder = tmp_path / "workflows"
            folder.mkdir()
            (folder / "tracker.yaml").write_text(workflow.format(project=project), "utf-8")
            settings = {
                "SUPPORTBOT_TRACKER_URL": tracker_url,
                "SUPPORTBOT_TRACKER_TOKEN": TOKEN,
                "SUPPORTBOT_TRACKER_TIMEOUT": "0.5",
                **(env or {}),
            }
            harness = DeskHarness.start(
                desk_config(),
                tmp_path,
                workflows_dir=folder,
                features=[*discover_features(), TrackerFeature()],
                env={k: v for k, v in settings.items() if v is not None},
            )
            return await stack.enter_async_context(harness)

        yield start
