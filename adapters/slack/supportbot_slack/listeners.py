"""Bolt listeners: ack first, then translate and hand the event to the core's sink.

Bolt runs with `process_before_response=False`, so Slack gets its 200 as soon as `ack()` is
called (events are acked by Bolt itself) and the work below happens after, well inside
Slack's 3-second limit whatever the desk does.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from supportbot.adapter import DeliveryError, EventSink
from supportbot.events import AnyEvent, ReactionAdded
from supportbot_slack import inbound
from supportbot_slack.client import SlackSender
from supportbot_slack.profiles import Profiles
from supportbot_slack.settings import SLASH_COMMAND

log = logging.getLogger(__name__)
Ack = Callable[..., Awaitable[Any]]
_ANY = re.compile(".*")


class Listeners:
    def __init__(self, *, sink: EventSink, sender: SlackSender, profiles: Profiles) -> None:
        self._sink = sink
        self._sender = sender
        self._profiles = profiles

    def register(self, bolt: AsyncApp) -> None:
        bolt.event(_ANY)(self.on_event)
        bolt.command(SLASH_COMMAND)(self.on_command)
        bolt.action(_ANY)(self.on_action)
        bolt.view(_ANY)(self.on_view)

    async def on_event(self, body: dict[str, Any], context: dict[str, Any]) -> None:
        if (body.get("event") or {}).get("type") == "reaction_added":
            event: AnyEvent | None = await self._reaction(body)
        else:
            event = inbound.event_to_event(body, bot_user_id=context.get("bot_user_id"))
        if event is not None:
            await self._deliver(await self._with_profile(event))

    async def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        await self._deliver(inbound.command_to_event(body))

    async def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        event = inbound.action_to_event(body)
        if event is not None:
            await self._deliver(event)

    async def on_view(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()  # an empty ack closes the modal
        await self._deliver(inbound.view_to_event(body))

    async def _reaction(self, body: dict[str, Any]) -> ReactionAdded | None:
        event = body.get("event") or {}
        item = event.get("item") or {}
        if event.get("reaction") not in inbound.TICKET_REACTIONS or not item.get("ts"):
            return None  # only `:ticket:` means something; do not fetch every reacted message
        try:
            target = await self._sender.fetch_message(str(item["channel"]), str(item["ts"]))
        except DeliveryError as exc:
            log.warning("cannot fetch the message reacted to: %s", exc)
            target = None
        return inbound.reaction_to_event(body, target)

    async def _with_profile(self, event: AnyEvent) -> AnyEvent:
        actor = await self._profiles.complete(event.actor)
        if isinstance(event, ReactionAdded) and event.author is not None:
            author = await self._profiles.complete(event.author)
            return dataclasses.replace(event, actor=actor, author=author)
        return dataclasses.replace(event, actor=actor)

    async def _deliver(self, event: AnyEvent) -> None:
        outcome = await self._sink(event)
        if outcome.error:
            log.warning("supportbot could not handle %s: %s", event.event_id, outcome.error)
