"""The playground's HTTP surface on supportbot's aiohttp app.

GET  /playground              the page (static HTML, JS and CSS; no build step)
GET  /playground/api/personas whom a visitor can act as
GET  /playground/api/state    history, channels and personas for one persona
POST /playground/api/actions  one user gesture (post, button, choice, form, react, dismiss)
GET  /playground/ws           live updates for one persona (WebSocket)
"""

from __future__ import annotations

import json
import logging
from importlib.resources import files
from pathlib import Path

from aiohttp import WSMsgType, web

from supportbot.playground.access import Access
from supportbot.playground.actions import ActionError, Actions
from supportbot.playground.adapter import PlaygroundAdapter

log = logging.getLogger(__name__)
PREFIX = "/playground"


def static_dir() -> Path:
    return Path(str(files("supportbot.playground").joinpath("static")))


def mount(
    app: web.Application, adapter: PlaygroundAdapter, actions: Actions, *, access: Access
) -> None:
    pages = _Pages(adapter, actions, access)
    app.router.add_get(PREFIX, pages.index)
    app.router.add_get(PREFIX + "/", pages.index)
    app.router.add_get(PREFIX + "/api/personas", pages.personas)
    app.router.add_get(PREFIX + "/api/state", pages.state)
    app.router.add_post(PREFIX + "/api/actions", pages.action)
    app.router.add_get(PREFIX + "/ws", pages.live)
    app.router.add_static(PREFIX + "/static", static_dir())


class _Pages:
    def __init__(self, adapter: PlaygroundAdapter, actions: Actions, access: Access) -> None:
        self.adapter = adapter
        self.actions = actions
        self.access = access

    def _guard(self, request: web.Request) -> None:
        """Anyone who uses the playground can act as anyone: only holders of its token."""
        self.access.guard(request)

    async def index(self, request: web.Request) -> web.StreamResponse:
        self.access.admit(request)  # `?token=…` becomes the cookie
        return web.FileResponse(static_dir() / "index.html", headers={"Cache-Control": "no-cache"})

    def _persona(self, request: web.Request) -> str:
        self._guard(request)
        persona = request.query.get("persona", "")
        if persona not in self.adapter.personas:
            raise web.HTTPBadRequest(
                text=json.dumps({"error": f"unknown persona {persona!r}"}),
                content_type="application/json",
            )
        return persona

    async def personas(self, request: web.Request) -> web.Response:
        self._guard(request)
        return web.json_response([p.as_json() for p in self.adapter.personas.values()])

    async def state(self, request: web.Request) -> web.Response:
        return web.json_response(await self.adapter.state(self._persona(request)))

    async def action(self, request: web.Request) -> web.Response:
        self._guard(request)
        try:
            payload = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "error": "the body must be JSON"}, status=400)
        if not isinstance(payload, dict):
            return web.json_response(
                {"ok": False, "error": "the body must be an object"}, status=400
            )
        try:
            outcome = await self.actions.handle(payload)
        except ActionError as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        error = outcome.error if outcome else None
        return web.json_response({"ok": error is None, "error": error})

    async def live(self, request: web.Request) -> web.WebSocketResponse:
        persona = self._persona(request)
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        self.adapter.hub.join(socket, persona)
        try:
            await socket.send_json({"type": "hello", "persona": persona})
            async for msg in socket:
                # Pages only listen; anything they send is ignored except to keep the line open.
                if msg.type == WSMsgType.ERROR:
                    log.debug("playground socket error: %s", socket.exception())
        finally:
            self.adapter.hub.leave(socket)
        return socket
