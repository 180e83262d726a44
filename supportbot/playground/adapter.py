"""The playground as a chat platform: outbound intents are stored and pushed to open pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from supportbot.adapter import Capabilities, Delivery, DeliveryError, Directory
from supportbot.events import AnyEvent, ConversationRef, MessageRef
from supportbot.intents import (
    Intent,
    OpenForm,
    PostEphemeral,
    PostMessage,
    SendDirect,
    UpdateMessage,
)
from supportbot.playground.codec import (
    form_from_json,
    form_to_json,
    message_from_json,
    message_to_json,
)
from supportbot.playground.hub import Hub
from supportbot.playground.personas import PLATFORM, Persona
from supportbot.playground.render import render_form, render_message
from supportbot.playground.store import (
    BOT,
    MessageStore,
    NewMessage,
    StoredMessage,
    dm_channel,
)
from supportbot.playground.ui import ui_strings
from supportbot.templates import Templates

Json = dict[str, Any]
HISTORY_LIMIT = 1000


class PlaygroundAdapter:
    platform = PLATFORM
    capabilities = Capabilities()  # a browser can show everything the Message model has

    def __init__(
        self,
        *,
        store: MessageStore,
        directory: Directory,
        personas: Sequence[Persona],
        channels: Sequence[str],
        bot_name: str,
        templates: Templates,
    ) -> None:
        self.store = store
        self.directory = directory
        self.personas = {p.id: p for p in personas}
        self.channels = tuple(channels)
        self.bot_name = bot_name
        self.templates = templates
        self.hub = Hub()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self.hub.close_all()

    async def complete(self, event: AnyEvent) -> AnyEvent:
        return event  # the browser sends everything the event needs

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        match intent:
            case PostMessage(to, message):
                new = NewMessage(to.channel_id, BOT, message_to_json(message), to.thread_id)
                return await self._post(new)
            case UpdateMessage(ref, message):
                return await self._update(ref, message_to_json(message))
            case PostEphemeral(to, user_id, message):
                body = message_to_json(message)
                return await self._post(NewMessage(to.channel_id, BOT, body, to.thread_id, user_id))
            case SendDirect(_, user_id, message):
                return await self._post(
                    NewMessage(dm_channel(user_id), BOT, message_to_json(message))
                )
            case OpenForm(_, user_id, _, form, where):
                await self._open_form(user_id, form_to_json(form), where)
                return None
        raise DeliveryError(
            f"the playground cannot deliver {type(intent).__name__}", retryable=False
        )

    async def post(self, new: NewMessage) -> StoredMessage:
        """Store a message and show it on every page allowed to see it."""
        row = await self.store.add(new)
        await self.hub.publish({"type": "message", "message": self.view(row)}, row.shown_to)
        return row

    async def _post(self, new: NewMessage) -> MessageRef:
        row = await self.post(new)
        return MessageRef(PLATFORM, row.channel_id, row.message_id, row.thread_id)

    async def _update(self, ref: MessageRef, body: Json) -> MessageRef:
        row = await self.store.replace_body(_row_id(ref.message_id), body)
        if row is None:
            raise DeliveryError(f"no playground message {ref.message_id}", retryable=False)
        await self.hub.publish({"type": "message", "message": self.view(row)}, row.shown_to)
        return ref

    async def _open_form(self, user_id: str, form: Json, where: ConversationRef | None) -> None:
        # The form row remembers where it was opened, for the `FormSubmitted` it will produce.
        channel = where.channel_id if where else dm_channel(user_id)
        thread = where.thread_id if where else None
        new = NewMessage(channel, BOT, {"form": form}, thread, user_id, "form")
        row = await self.store.add(new)
        await self.hub.publish({"type": "form", "form": self.view_form(row)}, row.shown_to)

    # What pages see.
    def name_of(self, person: str) -> str:
        if person == BOT:
            return self.bot_name
        persona = self.personas.get(person)
        return persona.name if persona else self.directory.display_name(person) or person

    def view(self, row: StoredMessage) -> Json:
        persona = self.personas.get(row.author)
        return {
            "id": row.message_id,
            "channel": row.channel_id,
            "thread": row.thread_id,
            "author": {
                "id": row.author,
                "name": self.name_of(row.author),
                "role": "bot" if row.author == BOT else persona.role if persona else "",
            },
            "private": row.visible_to is not None,
            "at": row.created_at.isoformat(),
            **render_message(message_from_json(row.body), self.directory),
        }

    def view_form(self, row: StoredMessage) -> Json:
        return {
            "id": row.message_id,
            **render_form(form_from_json(row.body["form"]), self.directory),
        }

    async def state(self, persona: str) -> Json:
        """Everything a page needs when it opens (or switches persona)."""
        rows = await self.store.history(persona, HISTORY_LIMIT)
        locale = self.personas[persona].locale if persona in self.personas else "en"
        return {
            "persona": persona,
            "ui": ui_strings(self.templates, locale),
            "personas": [p.as_json() for p in self.personas.values()],
            "channels": list(self.channels),
            "bot": self.bot_name,
            "messages": [self.view(r) for r in rows],
        }


def _row_id(message_id: str) -> int:
    try:
        return int(message_id)
    except ValueError:
        raise DeliveryError(
            f"{message_id!r} is not a playground message id", retryable=False
        ) from None
