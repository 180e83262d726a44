"""Bolt listeners: ack first, then translate and hand the event to the core's sink.

Bolt runs with `process_before_response=False`, so Slack gets its 200 as soon as `ack()` is
called (events are acked by Bolt itself) and the work below happens after, well inside
Slack's 3-second limit whatever the desk does. That work runs in tasks Bolt does not keep, so
the listeners remember them: at shutdown `drain()` lets acked events finish before the
database closes, instead of dropping what Slack already considers delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
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
        self._working: set[asyncio.Task[Any]] = set()

    def register(self, bolt: AsyncApp) -> None:
        bolt.event(_ANY)(self.on_event)
        bolt.command(SLASH_COMMAND)(self.on_command)
        bolt.action(_ANY)(self.on_action)
        bolt.view(_ANY)(self.on_view)

    async def drain(self, grace: float = 10.0) -> None:
        """Wait (up to `grace` seconds) for acked requests still being handled."""
        for _ in range(3):  # listeners Bolt scheduled a moment ago start on the next turns
            await asyncio.sleep(0)
        if self._working:
            await asyncio.wait(set(self._working), timeout=grace)

    async def on_event(self, body: dict[str, Any], context: dict[str, Any]) -> None:
        with self._busy():
            if (body.get("event") or {}).get("type") == "reaction_added":
                event: AnyEvent | None = await self._reaction(body)
            else:
                event = inbound.event_to_event(body, bot_user_id=context.get("bot_user_id"))
            if event is not None:
                await self._deliver(await self._with_profile(event))

    async def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        with self._busy():
            await ack()
            await self._deliver(inbound.command_to_event(body))

    async def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        with self._busy():
            await ack()
            event = inbound.action_to_event(body)
            if event is not None:
                await self._deliver(event)

    async def on_view(self, ack: Ack, body: dict[str, Any]) -> None:
        with self._busy():
            await ack()  # an empty ack closes the modal
            await self._deliver(inbound.view_to_event(body))

    @contextlib.contextmanager
    def _busy(self) -> Iterator[None]:
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - listeners always run in a task
            yield
            return
        self._working.add(task)
        try:
            yield
        finally:
            self._working.discard(task)

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
