"""The yardstick: a bare slack-bolt app on aiohttp doing what a small real app does per message.

Bolt's `AsyncApp` verifies the signature, acks, and its `event("message")` listener posts one
Block Kit card with `client.chat_postMessage` into the support channel (to the mock Web API in
`SLACK_API_URL`). No database, no workflows: the pipeline benchmark divides supportbot's
figures by this app's. Run: `python -m bench.barebolt --port PORT` (env `SLACK_BOT_TOKEN`,
`SLACK_SIGNING_SECRET`, `SLACK_API_URL`).

This is the one module outside `adapters/` allowed to import Bolt (tests/test_layout.py): it is
the platform's bare app we measure against, not a part of supportbot.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

CARD_CHANNEL = "C0SUPPORT"


def card_blocks(event: dict[str, Any]) -> list[dict[str, Any]]:
    """A ticket-card-sized Block Kit message: header, the text, fields, buttons, context."""
    text = str(event.get("text", ""))
    return [
        {"type": "header", "text": {"type": "plain_text", "text": text[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Status*\nNew"},
                {"type": "mrkdwn", "text": f"*Requester*\n<@{event.get('user')}>"},
                {"type": "mrkdwn", "text": f"*Channel*\n<#{event.get('channel')}>"},
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "claim",
                    "text": {"type": "plain_text", "text": "Claim"},
                    "value": str(event.get("ts")),
                    "style": "primary",
                }
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"from {event.get('ts')}"}]},
    ]


def build_bolt(env: dict[str, str]) -> AsyncApp:
    client = AsyncWebClient(token=env["SLACK_BOT_TOKEN"], base_url=env["SLACK_API_URL"])
    bolt = AsyncApp(client=client, signing_secret=env["SLACK_SIGNING_SECRET"])

    @bolt.event("message")
    async def on_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.chat_postMessage(
            channel=CARD_CHANNEL, text=str(event.get("text", "")), blocks=card_blocks(event)
        )

    return bolt


def build_app(env: dict[str, str]) -> web.Application:
    bolt = build_bolt(env)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args()
    web.run_app(build_app(dict(os.environ)), host=args.host, port=args.port, access_log=None)


if __name__ == "__main__":
    main()
