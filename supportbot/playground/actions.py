"""What a browser can do on the playground, checked and turned into events for the core.

A page posts one JSON action per user gesture. Like a real platform, the playground first records
what happened in its own channels (the message someone typed), then hands the core an `Event`
through the sink. Every action carries the page's own unique id, so a retried POST is one event.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from supportbot import markup
from supportbot.adapter import EventSink, Outcome
from supportbot.events import AnyEvent
from supportbot.messages import Message
from supportbot.playground import inbound
from supportbot.playground.adapter import PlaygroundAdapter
from supportbot.playground.codec import form_from_json, message_from_json, message_to_json
from supportbot.playground.inbound import Delivery
from supportbot.playground.personas import Persona
from supportbot.playground.store import NewMessage, StoredMessage, dm_channel

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TEXT = 4000


class ActionError(ValueError):
    """The action is malformed or refers to something that is not there; the page shows why,
    from the `playground.error.*` template in the persona's language (`str()`: once rendered,
    that text; before, the English for logs)."""

    def __init__(self, english: str, template: str, /, **values: Any) -> None:
        super().__init__(english)
        self.template, self.values = template, values
        self.text: str | None = None

    def __str__(self) -> str:
        return self.text if self.text is not None else super().__str__()


class Actions:
    def __init__(self, adapter: PlaygroundAdapter, sink: EventSink) -> None:
        self.adapter = adapter
        self.sink = sink

    async def handle(self, payload: Mapping[str, Any]) -> Outcome | None:
        """Run one action; None when it needed no event (closing a dialog). A refused action
        raises `ActionError` worded in the persona's language."""
        locale = "en"
        try:
            persona = self._persona(payload)
            locale = persona.locale
            return await self._handle(payload, persona)
        except ActionError as exc:
            text = self.adapter.templates.render(exc.template, locale, **exc.values)
            exc.text = markup.to_plain(text)
            raise

    async def _handle(self, payload: Mapping[str, Any], persona: Persona) -> Outcome | None:
        delivery = Delivery(_event_id(payload), persona.actor())
        kind = _text(payload, "type")
        if kind == "post":
            return await self.sink(await self._post(payload, persona, delivery))
        if kind == "dismiss":
            await self._form_row(payload, persona, remove=True)
            return None
        event = await self._interaction(kind, payload, persona, delivery)
        return await self.sink(event)

    async def _interaction(
        self, kind: str, payload: Mapping[str, Any], persona: Persona, d: Delivery
    ) -> AnyEvent:
        if kind == "button":
            row, action, value = await self._button(payload, persona)
            return inbound.click_event(d, row, action, value)
        if kind == "choice":
            row, action, value, context = await self._choice(payload, persona)
            return inbound.choice_event(d, row, action, value, context)
        if kind == "react":
            row = await self._message_row(payload, persona)
            author = self.adapter.personas.get(row.author)
            text = markup.to_plain(message_from_json(row.body).text)
            return inbound.reaction_event(d, row, text, author.actor() if author else d.actor)
        if kind == "form":
            return await self._form(payload, persona, d)
        raise ActionError(
            f"unknown action type {kind!r}", "playground.error.unknown_action", kind=kind
        )

    def _persona(self, payload: Mapping[str, Any]) -> Persona:
        persona_id = _text(payload, "persona")
        persona = self.adapter.personas.get(persona_id)
        if persona is None:
            raise ActionError(
                f"unknown persona {persona_id!r}",
                "playground.error.unknown_persona",
                persona=persona_id,
            )
        return persona

    async def _post(self, payload: Mapping[str, Any], persona: Persona, d: Delivery) -> AnyEvent:
        text = _text(payload, "text").strip()
        if not text or len(text) > MAX_TEXT:
            raise ActionError(
                f"a message needs 1 to {MAX_TEXT} characters",
                "playground.error.text_length",
                limit=MAX_TEXT,
            )
        channel = _text(payload, "channel")
        if channel.startswith("dm:") and channel != dm_channel(persona.id):
            raise ActionError(
                "you can only write in your own direct messages", "playground.error.not_your_dm"
            )
        thread = await self._thread(payload, channel)
        body = message_to_json(Message(text=markup.escape(text)))
        command = inbound.command_text(text)
        # A slash command is seen only by whoever typed it, as on Slack.
        private = persona.id if command is not None else None
        row = await self.adapter.post(NewMessage(channel, persona.id, body, thread, private))
        if command is not None:
            return inbound.command_event(d, inbound.conversation(channel, thread), command)
        return inbound.post_event(d, row, text)

    async def _thread(self, payload: Mapping[str, Any], channel: str) -> str | None:
        thread = payload.get("thread")
        if thread is None:
            return None
        root = await self.adapter.store.get(_int(thread))
        if root is None or root.channel_id != channel or root.thread_id is not None:
            raise ActionError(
                f"no thread {thread!r} in #{channel}",
                "playground.error.no_thread",
                thread=str(thread),
                channel=channel,
            )
        return root.message_id

    async def _message_row(self, payload: Mapping[str, Any], persona: Persona) -> StoredMessage:
        row = await self.adapter.store.get(_int(payload.get("message")))
        if row is None or row.kind != "message" or not row.shown_to(persona.id):
            raise ActionError("that message is not there any more", "playground.error.message_gone")
        return row

    async def _button(
        self, payload: Mapping[str, Any], persona: Persona
    ) -> tuple[StoredMessage, str, str]:
        row = await self._message_row(payload, persona)
        action, value = _text(payload, "action"), _text(payload, "value")
        buttons = message_from_json(row.body).buttons
        if not any(b.action == action and b.value == value for b in buttons):
            raise ActionError(
                "that button is not on the message any more", "playground.error.button_gone"
            )
        return row, action, value

    async def _choice(
        self, payload: Mapping[str, Any], persona: Persona
    ) -> tuple[StoredMessage, str, str, str]:
        row = await self._message_row(payload, persona)
        action, value = _text(payload, "action"), _text(payload, "value")
        for choice in message_from_json(row.body).choices:
            if choice.action == action and any(o.value == value for o in choice.options):
                return row, action, value, choice.context
        raise ActionError(
            "that choice is not on the message any more", "playground.error.choice_gone"
        )

    async def _form(self, payload: Mapping[str, Any], persona: Persona, d: Delivery) -> AnyEvent:
        row = await self._form_row(payload, persona, remove=False)
        form = form_from_json(row.body["form"])
        given = payload.get("values")
        given = given if isinstance(given, Mapping) else {}
        values = {i.name: str(given.get(i.name, "")).strip() for i in form.inputs}
        missing = [i.name for i in form.inputs if not i.optional and not values[i.name]]
        if missing:
            labels = [i.label for i in form.inputs if i.name in missing]
            raise ActionError(
                f"please fill in: {', '.join(missing)}",
                "playground.error.missing_fields",
                fields=", ".join(labels),
            )
        await self.adapter.store.remove(row.id)
        where = inbound.conversation(row.channel_id, row.thread_id)
        return inbound.form_event(d, where, form.form, values, form.context)

    async def _form_row(
        self, payload: Mapping[str, Any], persona: Persona, *, remove: bool
    ) -> StoredMessage:
        row = await self.adapter.store.get(_int(payload.get("form")))
        if row is None or row.kind != "form" or row.visible_to != persona.id:
            raise ActionError("that dialog is closed", "playground.error.dialog_closed")
        if remove:
            await self.adapter.store.remove(row.id)
        return row


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str):
        raise ActionError(f"{key!r} must be a string", "playground.error.not_text", key=key)
    return value


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ActionError(
            f"{value!r} is not a message id", "playground.error.not_a_message_id"
        ) from None


def _event_id(payload: Mapping[str, Any]) -> str:
    """The page's id for this action (so a retried POST is dropped), or a fresh one."""
    client_id = payload.get("id")
    if isinstance(client_id, str) and _CLIENT_ID.match(client_id):
        return f"pg-{client_id}"
    return f"pg-{uuid.uuid4().hex}"
