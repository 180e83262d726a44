"""Bolt listeners: translate, store in the desk's inbox, and only then let Bolt answer 200.

Bolt runs with `process_before_response=True`, so the HTTP answer waits for the listener: an
event is in the database before Slack hears "got it", and if storing fails Slack gets a 500
and sends the event again. Storing is one short write, so the answer stays fast. What needs
the Web API (the reacting user's name, the message a reaction is on) is looked up later, by
`SlackAdapter.complete`, when the event runs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from supportbot.adapter import EventSink
from supportbot.events import AnyEvent
from supportbot_slack import inbound
from supportbot_slack.settings import SLASH_COMMAND

log = logging.getLogger(__name__)
Ack = Callable[..., Awaitable[Any]]
_ANY = re.compile(".*")


class Listeners:
    def __init__(self, *, sink: EventSink) -> None:
        self._sink = sink

    def register(self, bolt: AsyncApp) -> None:
        bolt.event(_ANY)(self.on_event)
        bolt.command(SLASH_COMMAND)(self.on_command)
        bolt.action(_ANY)(self.on_action)
        bolt.view(_ANY)(self.on_view)

    async def on_event(self, body: dict[str, Any], context: dict[str, Any]) -> None:
        # Events are acked by Bolt itself once this returns (the answer waits for it).
        if (body.get("event") or {}).get("type") == "reaction_added":
            event: AnyEvent | None = inbound.reaction_to_event(body, None)
        else:
            event = inbound.event_to_event(body, bot_user_id=context.get("bot_user_id"))
        if event is not None:
            await self._store(event)

    async def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        await self._store(inbound.command_to_event(body))
        await ack()

    async def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        event = inbound.action_to_event(body)
        if event is not None:
            await self._store(event)
        await ack()

    async def on_view(self, ack: Ack, body: dict[str, Any]) -> None:
        await self._store(inbound.view_to_event(body))
        await ack()  # an empty ack closes the modal

    async def _store(self, event: AnyEvent) -> None:
        receipt = await self._sink.accept(event)
        if receipt.duplicate:
            log.info("Slack sent %s again; it was stored before", event.event_id)
