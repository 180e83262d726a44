"""`call_webhook`: POST a JSON body (strings rendered as templates) with timeout and retries."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Annotated, Any

import aiohttp
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportbot.durations import Duration
from supportbot.workflows.context import ActionContext
from supportbot.workflows.inline import check_tree, environment, plain, render_tree
from supportbot.workflows.registry import Registry

log = logging.getLogger(__name__)


class WebhookError(Exception):
    """The webhook answered with an error, or not at all, after every retry."""


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
    retries: int = Field(default=2, ge=0, le=10)
    retry_delay: Duration = Field(default=timedelta(seconds=1), description="doubles each retry")


async def call_webhook(ctx: ActionContext, p: CallWebhook) -> None:
    ticket = await ctx.ticket() if ctx.happening.ticket_id is not None else None
    values = plain(ctx.values(ticket))
    body = render_tree(environment(), p.body, values)
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", **p.headers}
    timeout = aiohttp.ClientTimeout(total=p.timeout.total_seconds())
    last = ""
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for attempt in range(p.retries + 1):
            if attempt:
                await asyncio.sleep(p.retry_delay.total_seconds() * 2 ** (attempt - 1))
            try:
                async with session.post(p.url, data=data, headers=headers) as response:
                    if response.status < 400:
                        return
                    last = f"HTTP {response.status}"
                    if response.status < 500 and response.status != 429:
                        break  # the request itself is wrong: retrying will not help
            except (aiohttp.ClientError, TimeoutError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            log.warning("webhook %s attempt %d failed: %s", p.url, attempt + 1, last)
    raise WebhookError(f"POST {p.url} failed: {last}")


def register(registry: Registry) -> None:
    registry.action(
        "call_webhook", CallWebhook, needs_ticket=False, simulate=lambda s, p: s.would_call(p.url)
    )(call_webhook)
