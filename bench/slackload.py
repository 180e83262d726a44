"""Signed Slack requests, sent the way Slack sends them, and the two load shapes of the benchmark.

`SlackSender` posts Events API callbacks and slash commands to `POST /slack/events`, signed with
`v0` HMAC-SHA256 over `v0:{timestamp}:{body}`, through one aiohttp session with a connection
pool (so the load generator is not what limits the figures). A retry carries
`X-Slack-Retry-Num` and `X-Slack-Retry-Reason` and the same `event_id`, as Slack's do.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp

BOT_TOKEN = "xoxb-bench-token"
INTAKE_CHANNEL = "C0CUSTOMERS"
TEXTS = (
    "Hello, our dashboard has been slow since this morning (order {tag}).",
    "I was charged twice on my last invoice, can you refund one? Order {tag}.",
    "I cannot log in after the password reset, order {tag}.",
    "請求書の金額が違うようです。注文番号 {tag} を確認してください。",
    "How do I export last month's report as CSV? Order {tag}.",
)


def new_secret() -> str:
    """A signing secret for one run. Never a shared constant: on a machine where other test
    runs send signed events to ports they picked, a port we reuse would accept theirs."""
    return secrets.token_hex(16)


def signed_headers(body: bytes, *, secret: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def customer(n: int) -> str:
    return f"U0CUST{n:04d}"


def tag(n: int) -> str:
    """The marker the benchmark writes into message n (the mock finds it again in the card)."""
    return f"ZQ{n:06d}"


@dataclass(frozen=True, slots=True)
class CustomerMessage:
    """One message a customer writes in the intake channel, as an Events API callback."""

    n: int
    user: str
    ts: str
    text: str
    channel: str = INTAKE_CHANNEL

    @property
    def event_id(self) -> str:
        return f"Ev{self.n:010d}"

    def body(self) -> bytes:
        payload = {
            "token": "XXYYZZ",
            "team_id": "T0001",
            "context_team_id": "T0001",
            "api_app_id": "A0APP",
            "event": {
                "type": "message",
                "client_msg_id": f"00000000-0000-4000-8000-{self.n:012d}",
                "text": self.text,
                "user": self.user,
                "ts": self.ts,
                "team": "T0001",
                "blocks": [],
                "channel": self.channel,
                "event_ts": self.ts,
                "channel_type": "channel",
            },
            "type": "event_callback",
            "event_id": self.event_id,
            "event_time": int(float(self.ts)),
            "authorizations": [
                {"team_id": "T0001", "user_id": "U0BOT", "is_bot": True, "enterprise_id": None}
            ],
            "is_ext_shared_channel": False,
        }
        return json.dumps(payload, ensure_ascii=False).encode()


def message(n: int, *, customers: int = 50, seconds: int | None = None) -> CustomerMessage:
    """Message n: from customer `n % customers`, with its own `ts` and tag."""
    base = int(time.time()) if seconds is None else seconds
    return CustomerMessage(
        n=n,
        user=customer(n % customers),
        ts=f"{base}.{n:06d}",
        text=TEXTS[n % len(TEXTS)].format(tag=tag(n)),
    )


def messages(
    count: int, *, customers: int = 50, start: int = 0, seconds: int | None = None
) -> list[CustomerMessage]:
    base = int(time.time()) if seconds is None else seconds
    return [message(n, customers=customers, seconds=base) for n in range(start, start + count)]


def slash_command(text: str, *, user: str, channel: str, response_url: str) -> bytes:
    return urlencode(
        {
            "token": "XXYYZZ",
            "team_id": "T0001",
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "support",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/support",
            "text": text,
            "api_app_id": "A0APP",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{time.time_ns()}.1.abc",
        }
    ).encode()


@dataclass(frozen=True, slots=True)
class Ack:
    """What one POST got: the status (None when the connection failed) and how long it took."""

    status: int | None
    seconds: float


class SlackSender:
    """One pooled client for every request of a run (Slack keeps connections open too)."""

    def __init__(self, *, secret: str, pool: int = 512, timeout: float = 10.0) -> None:
        self._secret = secret
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=pool),
            timeout=aiohttp.ClientTimeout(total=timeout),
        )

    async def close(self) -> None:
        await self._session.close()

    async def __aenter__(self) -> SlackSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def event(self, url: str, message: CustomerMessage, *, retry: int = 0) -> Ack:
        headers = {"Content-Type": "application/json"}
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(url, message.body(), headers)

    async def command(self, url: str, body: bytes) -> Ack:
        return await self.post(url, body, {"Content-Type": "application/x-www-form-urlencoded"})

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Ack:
        started = time.monotonic()
        try:
            async with self._session.post(
                url, data=body, headers={**headers, **signed_headers(body, secret=self._secret)}
            ) as response:
                await response.read()
                status: int | None = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = None  # refused, reset or timed out: Slack would retry it
        return Ack(status, time.monotonic() - started)


@dataclass(frozen=True, slots=True)
class Sent:
    message: CustomerMessage
    sent_at: float
    ack: Ack


async def at_rate(
    sender: SlackSender, url: str, batch: Sequence[CustomerMessage], rate: float
) -> list[Sent]:
    """Open loop: start message i at `i / rate` seconds, whatever the server is doing."""
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(i: int, message: CustomerMessage) -> Sent:
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        sent_at = time.monotonic()
        return Sent(message, sent_at, await sender.event(url, message))

    return list(await asyncio.gather(*(one(i, m) for i, m in enumerate(batch))))


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between the closest ranks (the house's one definition)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
