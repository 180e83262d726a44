"""Wire-level test kit: a mock Slack Web API that records calls, and signed Slack requests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.test_utils import TestClient
from supportbot_slack import SlackAdapter

from supportbot.adapter import Outcome
from supportbot.events import AnyEvent
from supportbot.pipeline.inbox import Receipt

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "U0BOT"


def fixture_json(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8").strip()


def signed_headers(
    body: str, *, secret: str = SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends: v0 HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


async def wait_for(check: Callable[[], Any], *, limit: float = 10.0) -> Any:
    """Poll until `check()` is truthy; the limit only guards against hanging, it asserts nothing."""
    deadline = asyncio.get_running_loop().time() + limit
    while not (result := check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("gave up waiting")
        await asyncio.sleep(0.01)
    return result


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class MockSlackApi:
    """Answers like the Slack Web API and records every call; `fail()` scripts failures."""

    calls: list[Call] = field(default_factory=list)
    posted: list[dict[str, Any]] = field(default_factory=list)  # chat.postMessage args + ts
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, str], dict[str, Any]]]] = field(
        default_factory=dict
    )
    base_url: str = ""
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fail(
        self, method: str, status: int, body: dict[str, Any] | None = None, **headers: str
    ) -> None:
        self.failures.setdefault(method, []).append(
            (status, {k.replace("_", "-"): v for k, v in headers.items()}, body or {"ok": False})
        )

    def named(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        call = Call(method, args)
        self.calls.append(call)
        if self.failures.get(method):
            status, headers, call.answer = self.failures[method].pop(0)
            return web.json_response(call.answer, status=status, headers=headers)
        call.answer = self._answer(method, args)
        return web.json_response(call.answer)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"1763900000.{next(self._ts):06d}"
        match method:
            case "auth.test":
                return {"ok": True, "user_id": BOT_USER, "bot_id": "B0BOT", "team_id": "T0001"}
            case "chat.postMessage":
                self.posted.append({**args, "ts": ts})
                return {"ok": True, "channel": args["channel"], "ts": ts, "message": {"ts": ts}}
            case "chat.update":
                return {"ok": True, "channel": args["channel"], "ts": args["ts"]}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            case "conversations.open":
                return {"ok": True, "channel": {"id": "D0" + str(args["users"])}}
            case "conversations.history" | "conversations.replies" if "latest" not in args:
                return {"ok": True, "messages": self._recent(method, args)}
            case "conversations.history" | "conversations.replies":
                found = self.messages.get((str(args["channel"]), str(args["latest"])))
                return {"ok": True, "messages": [found] if found else []}
            case "users.info":
                user = self.users.get(str(args["user"]))
                return (
                    {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
                )
            case "views.open":
                return {"ok": True, "view": {"id": "V0NEW"}}
        return {"ok": True}

    def _recent(self, method: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Our posts in a channel (or one thread), newest first, with their metadata."""
        channel, thread = str(args["channel"]), args.get("ts")
        found = [
            p
            for p in self.posted
            if p["channel"] == channel
            and (p.get("thread_ts") == thread if method == "conversations.replies" else True)
        ]
        return [dict(p) for p in reversed(found)]


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    body = await request.text()
    if request.content_type == "application/json" and body:
        args.update(json.loads(body))
    elif body:
        args.update(parse_qsl(body))
    return args


@dataclass
class Recorder:
    """An EventSink that remembers what it was given (and may react, like a tiny desk)."""

    events: list[AnyEvent] = field(default_factory=list)
    react: Callable[[AnyEvent], Awaitable[None]] | None = None
    outcomes: list[Outcome] = field(default_factory=list)  # when it wraps a real desk
    stored: list[AnyEvent] = field(default_factory=list)  # as the ack path stored them
    receipts: list[Any] = field(default_factory=list)  # what storing them gave (real desk)
    complete: Callable[[AnyEvent], Awaitable[AnyEvent]] | None = None  # the adapter's

    async def __call__(self, event: AnyEvent) -> Outcome:
        self.events.append(event)
        if self.react is not None:
            await self.react(event)
        return Outcome()

    async def accept(self, event: AnyEvent) -> Receipt:
        """As the desk's inbox: stored, then (after the ack) completed by the adapter and
        run; `events` holds them as the desk sees them."""
        self.stored.append(event)
        asyncio.get_running_loop().create_task(self._run(event))
        return Receipt(len(self.stored))

    async def _run(self, event: AnyEvent) -> None:
        if self.complete is not None:
            event = await self.complete(event)
        await self(event)


class StubDirectory:
    def user_id(self, person: str, platform: str) -> str | None:
        return {"aiko": "U0AGENT1", "kenji": "U0LEAD1"}.get(person)

    def group_id(self, group: str, platform: str) -> str | None:
        return {"engineering": "S0ENG"}.get(group)

    def display_name(self, person: str) -> str:
        return person.capitalize()


def slack_env(api: MockSlackApi) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.base_url,
    }


@dataclass
class SlackHarness:
    client: TestClient[Any, Any]
    adapter: SlackAdapter
    api: MockSlackApi
    sink: Recorder  # in end-to-end tests the desk is the sink and this one stays empty

    async def post(
        self, body: str, *, form: bool = False, headers: dict[str, str] | None = None
    ) -> Any:
        content_type = "application/x-www-form-urlencoded" if form else "application/json"
        return await self.client.post(
            "/slack/events",
            data=body.encode(),
            headers={"Content-Type": content_type, **signed_headers(body), **(headers or {})},
        )

    async def post_json(self, payload: dict[str, Any], **headers: str) -> Any:
        return await self.post(json.dumps(payload), headers=headers)

    async def post_interaction(self, payload: dict[str, Any]) -> Any:
        from urllib.parse import urlencode

        return await self.post(urlencode({"payload": json.dumps(payload)}), form=True)
