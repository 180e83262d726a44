"""`TeamsAdapter`: the ChatAdapter for Microsoft Teams, built from the Bot Framework SDK."""

from __future__ import annotations

from aiohttp import web
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botframework.connector.auth import BotFrameworkAuthentication

from supportbot.adapter import Capabilities, Delivery, DeliveryError, Directory, EventSink
from supportbot.events import AnyEvent, MessageRef
from supportbot.intents import (
    Intent,
    OpenForm,
    PostEphemeral,
    PostMessage,
    SendDirect,
    UpdateMessage,
)
from supportbot.store.db import SessionFactory
from supportbot_teams.answer import Texts
from supportbot_teams.connectors import Connectors
from supportbot_teams.handler import MessagesHandler
from supportbot_teams.hints import MentionHints
from supportbot_teams.ids import PLATFORM
from supportbot_teams.outbound import TeamsSender
from supportbot_teams.refs import ReferenceStore
from supportbot_teams.settings import TeamsSettings
from supportbot_teams.turn import TeamsBot

MESSAGES_PATH = "/api/messages"


class TeamsAdapter:
    platform = PLATFORM
    # Teams has threads in channels and updates cards in place, but no ephemeral messages, no
    # modal a bot can open on a click (forms are cards with inputs) and no reaction events
    # carrying the message text.
    capabilities = Capabilities(modals=False, ephemeral=False, reactions=False)

    def __init__(
        self,
        *,
        settings: TeamsSettings,
        sink: EventSink,
        directory: Directory,
        sessions: SessionFactory,
        texts: Texts,
        hints: MentionHints | None = None,
        app_name: str = "",
        authentication: BotFrameworkAuthentication | None = None,
    ) -> None:
        auth = authentication or ConfigurationBotFrameworkAuthentication(
            settings.bot_configuration()
        )
        self.settings = settings
        self.cloud = CloudAdapter(auth)
        self.refs = ReferenceStore(sessions)
        self.connectors = Connectors(self.cloud, settings.app_id)
        self.sender = TeamsSender(
            connectors=self.connectors,
            refs=self.refs,
            directory=directory,
            hints=None if settings.rsc else hints,
            app_name=app_name,
        )
        self.bot = TeamsBot(sink=sink, refs=self.refs, directory=directory, texts=texts)
        self.handler = MessagesHandler(cloud=self.cloud, on_turn=self.bot.on_turn)

    def mount(self, app: web.Application, path: str = MESSAGES_PATH) -> None:
        app.router.add_post(path, self.handler)

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        # Teams gives a bot no way to look up its own posts: a retry after a crash that came
        # between Teams' answer and the outbox's record posts again (see the adapter README).
        match intent:
            case PostMessage(to, message):
                return await self.sender.post(to, message)
            case UpdateMessage(ref, message):
                return await self.sender.update(ref, message)
            case PostEphemeral(to, user_id, message):
                return await self.sender.ephemeral(to, user_id, message)
            case SendDirect(_, user_id, message):
                return await self.sender.direct(user_id, message)
            case OpenForm(_, user_id, _, form, where):
                return await self.sender.form(user_id, form, where)
        raise DeliveryError(f"Teams cannot deliver {type(intent).__name__}", retryable=False)

    async def start(self) -> None:
        return None

    async def complete(self, event: AnyEvent) -> AnyEvent:
        return event  # activities carry what the desk needs

    async def stop(self) -> None:
        self.handler.close()
        await self.connectors.close()
