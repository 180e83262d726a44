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
    answer: dict[str, Any]  # what the service answered (the new ids)


@dataclass
class BotService:
    calls: list[Call] = field(default_factory=list)
    fail_with: int | None = None  # answer calls with this status…
    fail_times: int | None = None  # …this many times (None: always)
    retry_after: str | None = "0"  # the Retry-After header of failures
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

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("isGroup"):
            root = str(next(self._ids))
            channel = body["channelData"]["channel"]["id"]
            answer = {"id": f"{channel};messageid={root}", "activityId": root}
        else:
            answer = {"id": f"a:chat-with-{body['members'][0]['id']}"}
        return self._record(request, body, answer, status=201)

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        return self._record(request, body, {"id": str(next(self._ids))}, status=201)

    async def _put(self, request: web.Request) -> web.Response:
        body = await request.json()
        return self._record(request, body, {"id": request.match_info["id"]}, status=200)

    def _record(
        self, request: web.Request, body: dict[str, Any], answer: dict[str, Any], status: int
    ) -> web.Response:
        headers = {}
        if self.fail_with and self.fail_times != 0:
            answer, status = {"error": {"code": "Boom", "message": "no"}}, self.fail_with
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            self.fail_times = None if self.fail_times is None else self.fail_times - 1
        info = request.match_info
        call = Call(
            request.method,
            request.path,
            info.get("conv"),
            info.get("id"),
            body,
            request.headers.get("Authorization"),
            answer,
        )
        self.calls.append(call)
        return web.json_response(answer, status=status, headers=headers)


def card_of(call: Call) -> dict[str, Any]:
    """The Adaptive Card an outbound activity carries."""
    activity = call.body.get("activity", call.body)
    attachment = activity["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card: dict[str, Any] = attachment["content"]
    return card


def card_texts(card: dict[str, Any]) -> list[str]:
    return [block["text"] for block in card["body"] if block.get("type") == "TextBlock"]
