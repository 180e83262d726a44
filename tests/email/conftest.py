"""Fixtures for the e-mail adapter's tests: a capturing relay, and the whole desk (Slack + mail)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.slack.kit import MockSlackApi

from .kit import CapturingRelay


@pytest.fixture
async def relay() -> AsyncIterator[CapturingRelay]:
    capturing = CapturingRelay()
    await capturing.start()
    yield capturing
    await capturing.stop()


@pytest.fixture
async def slack_api(aiohttp_server: Any) -> MockSlackApi:
    mock = MockSlackApi()
    app = web.Application()
    app.router.add_route("*", "/api/{method}", mock.handle)
    server: TestServer = await aiohttp_server(app)
    mock.base_url = f"http://127.0.0.1:{server.port}/api/"
    return mock
