"""Fixtures for the Slack adapter's tests (the kit itself lives in `kit.py`)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from supportbot_slack import SlackPlugin

from supportbot.adapter import AdapterContext
from supportbot.config import Config

from .kit import MockSlackApi, Recorder, SlackHarness, StubDirectory, slack_env


@pytest.fixture
async def slack_api(aiohttp_server: Any) -> MockSlackApi:
    mock = MockSlackApi()
    app = web.Application()
    app.router.add_route("*", "/api/{method}", mock.handle)
    server: TestServer = await aiohttp_server(app)
    mock.base_url = f"http://127.0.0.1:{server.port}/api/"
    return mock


@pytest.fixture
def sink() -> Recorder:
    return Recorder()


# `slack_api` before `aiohttp_client`: the mock Web API must outlive the app's shutdown,
# when the adapter lets acked work finish.
@pytest.fixture
async def slack(slack_api: MockSlackApi, aiohttp_client: Any, sink: Recorder) -> SlackHarness:
    app = web.Application()
    ctx = AdapterContext(
        config=Config(),
        env=slack_env(slack_api),
        app=app,
        sink=sink,
        directory=StubDirectory(),
        sessions=None,  # type: ignore[arg-type]  # the adapter never touches the database
    )
    adapter = SlackPlugin().create(ctx)
    assert adapter is not None
    sink.complete = adapter.complete  # as the desk does before an event runs
    client = await aiohttp_client(app)
    return SlackHarness(client, adapter, slack_api, sink)
