"""The Slack plug-in: builds the Bolt app and the adapter, mounts `POST /slack/events`."""

from __future__ import annotations

import dataclasses
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from supportbot.adapter import (
    AdapterContext,
    Capabilities,
    Delivery,
    DeliveryError,
    Directory,
    EventSink,
)
from supportbot.events import AnyEvent, MessageRef, ReactionAdded
from supportbot.intents import Intent
from supportbot_slack import inbound
from supportbot_slack.client import SlackSender, web_client
from supportbot_slack.gate import RequestGate
from supportbot_slack.listeners import Listeners
from supportbot_slack.profiles import Profiles
from supportbot_slack.settings import EVENTS_PATH, SlackSettings

log = logging.getLogger(__name__)


class SlackAdapter:
    """The `ChatAdapter` for Slack: Bolt for inbound requests, the Web API for intents."""

    platform = "slack"
    capabilities = Capabilities()

    def __init__(self, settings: SlackSettings, *, sink: EventSink, directory: Directory) -> None:
        self._settings = settings
        self._client = client = web_client(settings.bot_token, settings.api_url)
        self._sender = SlackSender(client, directory)
        # Bolt's own single-workspace authorization calls `auth.test` once (cached), which
        # gives it the bot's ids so the bot never answers its own messages.
        self.bolt = AsyncApp(
            client=client,
            signing_secret=settings.signing_secret,
            process_before_response=True,  # the answer waits until the event is stored
            request_verification_enabled=False,  # the gate verifies, on the bytes Slack signed
        )
        self._gate = RequestGate(settings.signing_secret)
        self._profiles = Profiles(self._sender.user_info)
        Listeners(sink=sink).register(self.bolt)
        self._socket: AsyncSocketModeHandler | None = None

    async def handle(self, request: web.Request) -> web.Response:
        """Events API, slash commands and interactivity: all on one URL, as Bolt expects."""
        checked = await self._gate.admit(request)  # 413, 401, 400 before Bolt sees anything
        return await to_aiohttp_response(await self.bolt.async_dispatch(checked))

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        return await self._sender.send(intent, delivery)

    async def complete(self, event: AnyEvent) -> AnyEvent:
        """Names and languages from `users.info` (remembered), and the message a 🎫 reaction
        is on (its text and author make the ticket)."""
        if isinstance(event, ReactionAdded) and not event.text:
            event = await self._with_target(event)
        actor = await self._profiles.complete(event.actor)
        if isinstance(event, ReactionAdded) and event.author is not None:
            author = await self._profiles.complete(event.author)
            return dataclasses.replace(event, actor=actor, author=author)
        return dataclasses.replace(event, actor=actor)

    async def _with_target(self, event: ReactionAdded) -> ReactionAdded:
        channel, ts = event.conversation.channel_id, event.message_id
        try:
            target = await self._sender.fetch_message(channel, ts)
        except DeliveryError as exc:
            log.warning("cannot fetch the message reacted to: %s", exc)
            return event
        return inbound.with_reacted_message(event, target or {})

    async def start(self) -> None:
        # One HTTP session for every Web API call: without it the client opens (and closes)
        # a connection per call.
        if self._client.session is None:
            self._client.session = aiohttp.ClientSession()
        if self._settings.app_token is not None and self._socket is None:
            self._socket = AsyncSocketModeHandler(self.bolt, self._settings.app_token)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in Bolt

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None

    async def close(self) -> None:
        """After the last delivery (the server's shutdown, once the outbox has drained)."""
        if self._client.session is not None:
            await self._client.session.close()
            self._client.session = None


class SlackPlugin:
    """Entry point `supportbot.adapters: slack`."""

    name = "slack"

    def create(self, ctx: AdapterContext) -> SlackAdapter | None:
        settings = SlackSettings.from_env(ctx.env)
        if settings is None:
            return None
        adapter = SlackAdapter(settings, sink=ctx.sink, directory=ctx.directory)
        ctx.on_shutdown.append(adapter.close)
        if not settings.socket_mode:
            ctx.app.router.add_post(EVENTS_PATH, adapter.handle)
        return adapter
