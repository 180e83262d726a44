"""A local Slack Web API: answers like Slack, records every call, can stall a method.

Used in two ways:
- in-process by the pipeline tests (`MockSlack().app()` on an ephemeral port, then read
  `mock.calls`, `mock.cards()`); the server under test is a subprocess, the mock is not;
- as its own process by the pipeline benchmark (`python -m bench.mockslack --port 0`), so
  the mock's work does not land in the server's process. It prints `listening on PORT` and
  streams every card it receives to the websocket `GET /_mock/cards` (one JSON object per
  card: `{"tag": …, "at": time.monotonic()}`; Linux's monotonic clock is shared by every
  process of the machine, so the reader can compare it with its own).

A *card* is a top-level `chat.postMessage` (no `thread_ts`) into the card channel
(`C0SUPPORT`, the shipped config's support channel). Its ticket number is the first `#N` of
its text or header, its tag the first match of `TAG` (the benchmark writes one into every
customer message, and both supportbot and the bare Bolt app repeat the text in the card).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import re
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import WSMsgType, web

CARD_CHANNEL = "C0SUPPORT"
BOT_USER = "U0BOT"
TAG = re.compile(r"\bZQ\d{6}\b")
_NUMBER = re.compile(r"#(\d+)")


@dataclass(slots=True)
class Call:
    """One Web API call as the mock saw it (`answered` is False while a stalled call hangs)."""

    method: str
    args: dict[str, Any]
    at: float
    answer: dict[str, Any] = field(default_factory=dict)
    answered: bool = False

    @property
    def channel(self) -> str:
        return str(self.args.get("channel", ""))

    @property
    def thread_ts(self) -> str | None:
        value = self.args.get("thread_ts")
        return str(value) if value else None

    @property
    def wire(self) -> str:
        """The call's arguments as one string, for searching (blocks arrive as JSON text in
        form bodies, as objects in JSON bodies: both end up here)."""
        return json.dumps(self.args, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Card:
    number: int | None
    tag: str | None
    call: Call


@dataclass
class MockSlack:
    card_channel: str = CARD_CHANNEL
    calls: list[Call] = field(default_factory=list)
    stalled: set[str] = field(default_factory=set)  # methods that are accepted, never answered
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel -> posts
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _watchers: set[web.WebSocketResponse] = field(default_factory=set)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.handle)
        app.router.add_post("/response/{tail:.*}", self.response_url)
        app.router.add_get("/_mock/cards", self.watch)
        app.router.add_get("/healthz", _healthz)
        app.on_shutdown.append(self._close)
        return app

    # -- what tests read ---------------------------------------------------------------------
    def named(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def cards(self) -> list[Card]:
        """Answered cards, in arrival order."""
        return [_card(c) for c in self.calls if c.answered and self.is_card(c)]

    def is_card(self, call: Call) -> bool:
        return (
            call.method == "chat.postMessage"
            and call.channel == self.card_channel
            and call.thread_ts is None
        )

    def release(self) -> None:
        """Answer every stalled call (with an error) and stop stalling."""
        self.stalled.clear()
        self._release.set()

    # -- the Web API -------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method, await _arguments(request), time.monotonic())
        self.calls.append(call)
        if method in self.stalled:
            await self._release.wait()
            return web.json_response({"ok": False, "error": "fatal_error"}, status=503)
        call.answer = self.answer(method, call.args)
        call.answered = True
        if self.is_card(call) and self._watchers:
            await self._announce(_card(call))
        return web.json_response(call.answer)

    async def response_url(self, request: web.Request) -> web.Response:
        """Slash commands' `response_url`: Slack answers a plain `ok`."""
        call = Call("response_url", await _arguments(request), time.monotonic(), answered=True)
        self.calls.append(call)
        return web.Response(text="ok")

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        channel = str(args.get("channel", ""))
        match method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": "https://acme.slack.com/",
                    "team": "Acme",
                    "user": "supportbot",
                    "team_id": "T0001",
                    "user_id": BOT_USER,
                    "bot_id": "B0BOT",
                }
            case "chat.postMessage":
                message = {"type": "message", "user": BOT_USER, "ts": ts, "text": args.get("text")}
                self._keep(channel, message, args)
                return {"ok": True, "channel": channel, "ts": ts, "message": message}
            case "chat.update":
                return {"ok": True, "channel": channel, "ts": args.get("ts"), "text": ""}
            case "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            case "conversations.open":
                return {"ok": True, "channel": {"id": "D0" + str(args.get("users", "X"))[2:]}}
            case "conversations.history" | "conversations.replies":
                return {"ok": True, "messages": self._history(method, args), "has_more": False}
            case "users.info":
                return {"ok": True, "user": _user(str(args.get("user", "")))}
            case "views.open" | "views.update" | "views.push":
                return {"ok": True, "view": {"id": f"V{next(self._ts):08d}"}}
        return {"ok": True}

    def _keep(self, channel: str, message: dict[str, Any], args: dict[str, Any]) -> None:
        """Remember a post as Slack would show it in history (metadata included)."""
        kept = dict(message)
        if args.get("thread_ts"):
            kept["thread_ts"] = str(args["thread_ts"])
        if isinstance(args.get("metadata"), dict):
            kept["metadata"] = args["metadata"]
        self.history.setdefault(channel, []).append(kept)

    def _history(self, method: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Newest first: the channel's top-level posts, or one thread's replies."""
        posts = self.history.get(str(args.get("channel", "")), [])
        if method == "conversations.replies":
            found = [m for m in posts if m.get("thread_ts") == str(args.get("ts"))]
        else:
            found = [m for m in posts if "thread_ts" not in m]
        if str(args.get("include_all_metadata", "")).lower() not in ("true", "1"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        return list(reversed(found))[: int(args.get("limit") or 100)]

    # -- the benchmark's side channel --------------------------------------------------------
    async def watch(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._watchers.add(ws)
        try:
            async for msg in ws:
                if msg.type == WSMsgType.ERROR:
                    break
        finally:
            self._watchers.discard(ws)
        return ws

    async def _announce(self, card: Card) -> None:
        data = json.dumps({"tag": card.tag, "number": card.number, "at": card.call.at})
        for ws in list(self._watchers):
            if not ws.closed:
                await ws.send_str(data)

    async def _close(self, app: web.Application) -> None:
        self.release()
        methods = Counter(c.method for c in self.calls)
        print("calls:", ", ".join(f"{m} {n}" for m, n in methods.most_common()), flush=True)
        for ws in list(self._watchers):
            await ws.close()


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _card(call: Call) -> Card:
    wire = call.wire
    number = _NUMBER.search(wire)
    tag = TAG.search(wire)
    return Card(int(number.group(1)) if number else None, tag.group(0) if tag else None, call)


def _user(user_id: str) -> dict[str, Any]:
    """A plausible `users.info` user: a customer named after the id's digits."""
    name = f"Customer {user_id[-3:]}"
    return {
        "id": user_id,
        "team_id": "T0001",
        "name": user_id.lower(),
        "real_name": name,
        "tz": "Asia/Tokyo",
        "locale": "en-US",
        "is_bot": False,
        "profile": {"display_name": name, "real_name": name},
    }


async def _arguments(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    body = await request.text()
    if request.content_type == "application/json" and body:
        args.update(json.loads(body))
    elif body:
        args.update(parse_qsl(body))
    return args


class CardFeed:
    """The benchmark's side of `GET /_mock/cards`: when each tagged card reached the mock."""

    def __init__(self, mock_url: str) -> None:
        self._url = f"{mock_url}/_mock/cards"
        self.arrived: dict[str, float] = {}
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._reader: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._session = aiohttp.ClientSession()
        ws = await self._session.ws_connect(self._url)
        self._reader = asyncio.create_task(self._read(ws))

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._session is not None:
            await self._session.close()

    async def wait(self, tag: str, limit: float) -> float | None:
        """The card's arrival time, or None when it did not come within `limit` seconds."""
        if tag in self.arrived:
            return self.arrived[tag]
        waiter = self._waiters.setdefault(tag, asyncio.get_running_loop().create_future())
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), limit)
        except TimeoutError:
            return None

    async def wait_all(self, tags: list[str], limit: float) -> int:
        """Wait until every tag's card came or `limit` seconds passed; return how many came."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        for tag in tags:
            if await self.wait(tag, max(0.0, deadline - loop.time())) is None:
                break
        return sum(tag in self.arrived for tag in tags)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            tag, at = data.get("tag"), float(data["at"])
            if tag is None or tag in self.arrived:
                continue  # a duplicate card keeps its first arrival
            self.arrived[tag] = at
            waiter = self._waiters.pop(tag, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(at)


async def serve(host: str, port: int, card_channel: str) -> None:
    runner = web.AppRunner(MockSlack(card_channel=card_channel).app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    print(f"listening on {bound}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--card-channel", default=CARD_CHANNEL)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.card_channel))


if __name__ == "__main__":
    main()
