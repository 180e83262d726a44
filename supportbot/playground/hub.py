"""Live updates: every open playground page holds a WebSocket; the hub pushes to the right ones."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)


class Hub:
    """The open pages and whom each one acts as."""

    def __init__(self) -> None:
        self._pages: dict[web.WebSocketResponse, str] = {}

    def join(self, socket: web.WebSocketResponse, persona: str) -> None:
        self._pages[socket] = persona

    def leave(self, socket: web.WebSocketResponse) -> None:
        self._pages.pop(socket, None)

    async def publish(self, payload: dict[str, Any], shown_to: Callable[[str], bool]) -> None:
        """Send `payload` to every page whose persona may see it."""
        for socket, persona in list(self._pages.items()):
            if not shown_to(persona):
                continue
            try:
                await socket.send_json(payload)
            except (ConnectionError, RuntimeError) as exc:
                # A page that went away mid-send: forget it; it reloads its history on reconnect.
                log.debug("dropping a closed playground page: %s", exc)
                self.leave(socket)

    async def close_all(self) -> None:
        for socket in list(self._pages):
            await socket.close()
        self._pages.clear()
