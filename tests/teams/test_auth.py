"""With an app id, only authenticated activities reach the desk; authentication never blocks
the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult
from supportbot_teams import TeamsPlugin

from .conftest import RecordingSink, TeamsApp, payload

MakeApp = Callable[..., Any]
APP_ENV = {
    "MICROSOFT_APP_ID": "00000000-1111-2222-3333-444444444444",
    "MICROSOFT_APP_PASSWORD": "not-a-real-secret",
}


class GatedAuthentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """Emulator-mode authentication, except that `Bearer slow` blocks its thread (as a token
    validation fetching OpenID metadata does) until the gate opens, then fails."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__(SimpleNamespace(APP_ID="", APP_PASSWORD=""))
        self.gate = gate

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        if auth_header == "Bearer slow":
            self.gate.wait(timeout=30)  # blocking on purpose, like requests.get
            raise PermissionError("token rejected")
        return await super().authenticate_request(activity, auth_header)


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    opened = threading.Event()
    yield opened
    opened.set()  # never leave a worker thread waiting


async def test_without_authorization_header_the_request_is_refused(
    make_app: MakeApp, sink: RecordingSink
) -> None:
    app: TeamsApp = await make_app(env=APP_ENV)
    response = await app.post(payload("message_personal"))
    assert response.status == 401
    assert sink.events == []
    assert await app.adapter.refs.get("29:1CustomerAbc") is None


async def test_a_malformed_token_is_refused_too(make_app: MakeApp, sink: RecordingSink) -> None:
    app: TeamsApp = await make_app(env=APP_ENV)
    response = await app.post(payload("message_personal"), Authorization="Bearer not.a.jwt")
    assert response.status == 401
    invoke = await app.post(payload("invoke_adaptive_card_execute"), Authorization="Basic x")
    assert invoke.status == 401
    assert sink.events == []


async def test_authentication_runs_off_the_event_loop(
    make_app: MakeApp, sink: RecordingSink, gate: threading.Event
) -> None:
    app: TeamsApp = await make_app(plugin=TeamsPlugin(GatedAuthentication(gate)))
    slow = asyncio.create_task(app.post(payload("message_personal"), Authorization="Bearer slow"))
    # While the slow request's validation blocks its thread, the loop still serves others.
    other = await app.post(payload("message_channel_mention"))
    assert other.status == 201
    assert not slow.done()
    gate.set()
    assert (await slow).status == 401
    assert len(sink.events) == 1


async def test_authentication_that_hangs_is_refused_after_the_time_limit(
    make_app: MakeApp, sink: RecordingSink, gate: threading.Event
) -> None:
    app: TeamsApp = await make_app(plugin=TeamsPlugin(GatedAuthentication(gate)))
    app.adapter.handler.auth_timeout = 0.05
    response = await app.post(payload("message_personal"), Authorization="Bearer slow")
    assert response.status == 401
    assert sink.events == []
