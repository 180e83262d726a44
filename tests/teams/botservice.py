"""A stand-in for the Bot Framework channel service at `serviceUrl`: records `/v3/conversations`
calls and answers like Teams (new ids for posts and threads)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    conversation: str | None
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None


@dataclass
class BotService:
    calls: list[Call] = field(default_factory=list)
    fail_with: int | None = None  # answer every call with this status
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1763900000001))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conv}/activities", self._post)
        app.router.add_post("/v3/conversations/{conv}/activities/{id}", self._post)
        app.router.add_put("/v3/conversations/{conv}/activities/{id}", self._put)
        return app

    def posts(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and c.conversation]

    def created(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and c.conversation is None]

    def updates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    async def _record(self, request: web.Request) -> web.Response | None:
        body = await request.json()
        self.calls.append(
            Call(
                request.method,
                request.path,
                request.match_info.get("conv"),
                request.match_info.get("id"),
                body,
                request.headers.get("Authorization"),
            )
        )
        if self.fail_with:
            return web.json_response(
                {"error": {"code": "Boom", "message": "no"}}, status=self.fail_with
            )
        return None

    async def _create(self, request: web.Request) -> web.Response:
        if failed := await self._record(request):
            return failed
        body = self.calls[-1].body
        if body.get("isGroup"):
            root = str(next(self._ids))
            channel = body["channelData"]["channel"]["id"]
            return web.json_response(
                {"id": f"{channel};messageid={root}", "activityId": root}, status=201
            )
        return web.json_response({"id": f"a:chat-with-{body['members'][0]['id']}"}, status=201)

    async def _post(self, request: web.Request) -> web.Response:
        if failed := await self._record(request):
            return failed
        return web.json_response({"id": str(next(self._ids))}, status=201)

    async def _put(self, request: web.Request) -> web.Response:
        if failed := await self._record(request):
            return failed
        return web.json_response({"id": request.match_info["id"]})


def card_of(call: Call) -> dict[str, Any]:
    """The Adaptive Card an outbound activity carries."""
    activity = call.body.get("activity", call.body)
    attachment = activity["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachment["content"]
    return card


def card_texts(card: dict[str, Any]) -> list[str]:
    return [block["text"] for block in card["body"] if block.get("type") == "TextBlock"]
