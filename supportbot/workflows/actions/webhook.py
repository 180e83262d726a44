"""`call_webhook`: POST a JSON body (strings rendered as templates), after the turn's commit.

The action renders the body and emits a `CallService`; the courier hands it to
`WebhookDeliverer` from the outbox, so a slow or failing hook never holds a turn, and one
that is down is tried again (with back-off) instead of being lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Annotated, Any

import aiohttp
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportbot.adapter import DeliveryError
from supportbot.durations import Duration
from supportbot.intents import CallService
from supportbot.workflows.context import ActionContext
from supportbot.workflows.inline import check_tree, environment, plain, render_tree
from supportbot.workflows.registry import Registrar

log = logging.getLogger(__name__)
WEBHOOK = "webhook"  # the deliverer's name


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


class CallWebhook(BaseModel):
    """POST a JSON body (every string in it a template) with a timeout and retries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: Annotated[str, AfterValidator(_http_url)]
    body: Annotated[dict[str, Any], AfterValidator(check_tree)] = Field(
        default_factory=lambda: {"ticket": "{{ ticket.number }}", "trigger": "{{ trigger }}"},
        description="JSON body; every string in it is a template",
    )
    headers: dict[str, str] = Field(default_factory=dict)
    timeout: Duration = timedelta(seconds=10)
    retries: int = Field(default=2, ge=0, le=10, description="quick retries; then the outbox's")
    retry_delay: Duration = Field(default=timedelta(seconds=1), description="doubles each retry")


async def call_webhook(ctx: ActionContext, p: CallWebhook) -> None:
    """Render the body now (the ticket as the turn leaves it is what the hook is about), and
    leave the call to the outbox: it goes out after the turn's commit, never inside it."""
    ticket = await ctx.ticket() if ctx.happening.ticket_id is not None else None
    body = render_tree(environment(), p.body, plain(ctx.values(ticket)))
    payload = {
        "url": p.url,
        "body": body,
        "headers": dict(p.headers),
        "timeout": p.timeout.total_seconds(),
        "retries": p.retries,
        "retry_delay": p.retry_delay.total_seconds(),
    }
    ctx.emit(CallService(WEBHOOK, payload, ctx.happening.ticket_id))


class WebhookDeliverer:
    """POSTs what `call_webhook` asked for, with its quick retries; what still fails is a
    retryable `DeliveryError` (5xx, 429, no answer: the outbox tries again later) or a final
    one (any other 4xx: sending the same request again cannot help)."""

    async def deliver(self, call: CallService) -> None:
        p = call.payload
        data = json.dumps(p["body"], ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **p.get("headers", {})}
        timeout = aiohttp.ClientTimeout(total=float(p.get("timeout", 10)))
        last = ""
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for attempt in range(int(p.get("retries", 0)) + 1):
                if attempt:
                    await asyncio.sleep(float(p.get("retry_delay", 1)) * 2 ** (attempt - 1))
                try:
                    async with session.post(p["url"], data=data, headers=headers) as response:
                        if response.status < 400:
                            return
                        last = f"HTTP {response.status}"
                        if response.status < 500 and response.status != 429:
                            raise DeliveryError(f"POST {p['url']}: {last}", retryable=False)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    last = f"{type(exc).__name__}: {exc}"
                log.warning("webhook %s attempt %d failed: %s", p["url"], attempt + 1, last)
        raise DeliveryError(f"POST {p['url']} failed: {last}")


def register(registry: Registrar) -> None:
    registry.action(
        "call_webhook", CallWebhook, needs_ticket=False, simulate=lambda s, p: s.would_call(p.url)
    )(call_webhook)
