"""Socket Mode: with SLACK_APP_TOKEN the adapter dials out over WebSocket, serving no HTTP."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import WSMsgType, web
from supportbot_slack import SlackPlugin

from supportbot.adapter import AdapterContext
from supportbot.config import Config
from supportbot.events import MessageReceived

from .kit import BOT_TOKEN, Recorder, StubDirectory, fixture_json, wait_for


async def test_socket_mode_events_reach_the_core_and_are_acked(aiohttp_server: Any) -> None:
    acks: list[dict[str, Any]] = []
    opened: list[str] = []
    envelope = {
        "envelope_id": "env-1",
        "type": "events_api",
        "accepts_response_payload": False,
        "payload": fixture_json("event_message_shared_channel.json"),
    }

    async def connections_open(request: web.Request) -> web.Response:
        opened.append(request.headers.get("Authorization", ""))
        return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{server.port}/ws"})

    async def auth_test(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT"})

    async def socket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        await ws.send_json(envelope)
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                acks.append(json.loads(message.data))
        return ws

    mock = web.Application()
    mock.router.add_post("/api/apps.connections.open", connections_open)
    mock.router.add_post("/api/auth.test", auth_test)
    mock.router.add_route("*", "/api/users.info", auth_test)  # any ok answer will do
    mock.router.add_get("/ws", socket)
    server = await aiohttp_server(mock)

    sink = Recorder()
    app = web.Application()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-test",
        "SLACK_API_URL": f"http://127.0.0.1:{server.port}/api/",
    }
    ctx = AdapterContext(Config(), env, app, sink, StubDirectory(), None)  # type: ignore[arg-type]
    adapter = SlackPlugin().create(ctx)
    assert adapter is not None
    assert not [r for r in app.router.routes() if r.resource and "/slack" in r.resource.canonical]
    await adapter.start()
    try:
        (event,) = await wait_for(lambda: sink.events)
        await wait_for(lambda: acks)
    finally:
        await adapter.stop()
        for hook in ctx.on_shutdown:  # as the server does once the outbox has drained
            await hook()
    assert isinstance(event, MessageReceived) and event.event_id == "Ev0MESSAGE001"
    assert acks[0]["envelope_id"] == "env-1"
    assert opened == ["Bearer xapp-1-test"]
