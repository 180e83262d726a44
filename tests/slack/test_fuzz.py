"""Mutated, correctly signed Slack payloads of every kind against the whole desk
(`create_app` with the Slack plug-in and a local mock Web API), one server per test: no 5xx,
the server healthy afterwards, and no row in any table written by a refused request (the
harness compares every table's row count around each refused one).

`SUPPORTBOT_FUZZ_EXAMPLES` sets the number of examples per kind (default sized so the four
tests take about 40 s together on two cores; `SUPPORTBOT_FUZZ_EXAMPLES=5000` for a long run).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from supportbot_slack import SlackAdapter

from .e2e import desk_config, start_desk
from .fuzz import Fuzzed, FuzzHarness, block_actions, commands, events, view_submissions
from .kit import MockSlackApi, Recorder, SlackHarness

EXAMPLES = int(os.environ.get("SUPPORTBOT_FUZZ_EXAMPLES", "400"))


@pytest.fixture
async def fuzz(slack_api: MockSlackApi, aiohttp_client: Any, tmp_path: Path) -> FuzzHarness:
    recorder = Recorder()
    config = desk_config(tmp_path)
    # No background loop runs during the test (poll_interval): only requests write rows.
    client = await start_desk(aiohttp_client, slack_api, config, recorder, poll_interval=3600)
    from supportbot.server import DESK

    adapter = client.app[DESK].adapters["slack"]
    assert isinstance(adapter, SlackAdapter)
    return FuzzHarness(SlackHarness(client, adapter, slack_api, recorder))


@pytest.mark.parametrize(
    "strategy",
    [events(), commands(), block_actions(), view_submissions()],
    ids=["events", "commands", "block_actions", "view_submission"],
)
async def test_mutated_payloads_never_break_the_desk(
    fuzz: FuzzHarness, strategy: st.SearchStrategy[Fuzzed]
) -> None:
    tally = await fuzz.run(strategy, EXAMPLES)
    assert not [status for status in tally.statuses if status >= 500]
    # Not vacuous: mutations both pass (and reach the desk) and get refused, in numbers.
    total = sum(tally.statuses.values())
    assert tally.statuses.get(200, 0) > total // 10, tally.statuses
    assert tally.statuses.get(400, 0) > total // 10, tally.statuses
    assert fuzz.slack.sink.events
    health = await fuzz.slack.client.get("/healthz")
    assert health.status == 200
    answer = await health.json()
    assert answer["status"] == "ok" and answer["adapters"] == ["intake", "slack"]
