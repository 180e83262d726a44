"""Delivering intents to Teams through the Bot Framework REST API.

Where a message goes:
- into a channel thread: `POST v3/conversations/<channel>;messageid=<root>/activities`;
- into a channel, as a new thread (a ticket card, a hand-off): `POST v3/conversations` with
  `isGroup` and `channelData.channel.id`; the new activity id names the thread;
- into a chat (personal or group): `POST v3/conversations/<chat>/activities`;
- an update: `PUT v3/conversations/<conversation>/activities/<id>`.
Each needs the service URL, bot account and tenant of a stored conversation reference.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from botbuilder.schema import (
    Activity,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from botframework.connector.aio import ConnectorClient
from msrest.exceptions import ClientRequestError, HttpOperationError

from supportbot.adapter import DeliveryError, Directory
from supportbot.events import ConversationRef, MessageRef
from supportbot.messages import Form, Message
from supportbot_teams import ids
from supportbot_teams.connectors import Connectors
from supportbot_teams.hints import MentionHints
from supportbot_teams.ids import PLATFORM
from supportbot_teams.refs import ReferenceStore
from supportbot_teams.render import CONTENT_TYPE, Card, render, render_form, summary

_CHANNEL_SUFFIXES = ("@thread.tacv2", "@thread.skype")
_RETRYABLE_STATUS = frozenset({408, 425, 429})
QUICK_RETRIES = 2
MAX_QUICK_DELAY = 5.0  # seconds; a longer Retry-After is the outbox's job
Operation = Callable[[ConnectorClient], Awaitable[Any]]


class TeamsSender:
    def __init__(
        self,
        *,
        connectors: Connectors,
        refs: ReferenceStore,
        directory: Directory,
        hints: MentionHints | None = None,
        app_name: str = "",
    ) -> None:
        self.connectors = connectors
        self.refs = refs
        self.directory = directory
        self.hints = hints  # None when Teams delivers every reply (resource-specific consent)
        self.app_name = app_name  # the bot's name until a reference names it

    async def post(self, to: ConversationRef, message: Message) -> MessageRef:
        return await self._post_activity(to, await self._activity(message))

    async def update(self, ref: MessageRef, message: Message) -> MessageRef:
        activity = await self._activity(message)
        thread = ref.thread_id
        if thread is None and await self._is_channel(ref.channel_id):
            thread = ref.message_id  # a channel's top-level message is its own thread's root
        conversation = ids.thread_conversation(ref.channel_id, thread)
        reference = await self._reference(conversation)
        activity.id = ref.message_id
        activity.conversation = reference.conversation
        await self._call(
            f"update {ref.message_id} in {conversation}",
            reference.service_url,
            lambda c: c.conversations.update_activity(conversation, ref.message_id, activity),
        )
        return ref

    async def direct(self, user_id: str, message: Message) -> MessageRef:
        return await self._to_user(user_id, await self._activity(message))

    async def form(self, user_id: str, form: Form, where: ConversationRef | None) -> MessageRef:
        activity = card_activity(render_form(form, self.directory), summary(Message(form.title)))
        if where is not None:
            return await self._post_activity(where, activity)
        return await self._to_user(user_id, activity)

    async def ephemeral(self, to: ConversationRef, user_id: str, message: Message) -> MessageRef:
        """Teams has no ephemeral messages: the user's personal chat, else the conversation."""
        if await self.refs.get(user_id) is not None:
            return await self.direct(user_id, message)
        return await self.post(to, message)

    async def _activity(self, message: Message) -> Activity:
        if self.hints is not None and self.hints.wanted(message):
            message = self.hints.apply(message, await self._bot_name())
        return card_activity(render(message, self.directory), summary(message, self.directory))

    async def _bot_name(self) -> str:
        """The name people @mention: the bot's account name in the references Teams sent."""
        bot = ((await self.refs.latest()) or {}).get("bot") or {}
        return str(bot.get("name") or self.app_name or "bot")

    # -- delivery ----------------------------------------------------------------------------
    async def _post_activity(self, to: ConversationRef, activity: Activity) -> MessageRef:
        """Into a channel thread, a new channel thread, or a chat (where a thread id is
        dropped: Teams chats have no threads, and the core may name the customer's first
        message as the thread to answer in)."""
        if to.is_direct or not await self._is_channel(to.channel_id):
            return MessageRef(PLATFORM, to.channel_id, await self._send(to.channel_id, activity))
        if not to.thread_id:
            return await self._new_thread(to.channel_id, activity)
        conversation = ids.thread_conversation(to.channel_id, to.thread_id)
        sent = await self._send(conversation, activity)
        return MessageRef(PLATFORM, to.channel_id, sent, to.thread_id)

    async def _to_user(self, user_id: str, activity: Activity) -> MessageRef:
        stored = await self.refs.get(user_id)
        if stored is None:
            return await self._new_chat(user_id, activity)
        chat = str((stored.get("conversation") or {}).get("id") or "")
        return MessageRef(PLATFORM, chat, await self._send(chat, activity))

    async def _send(self, conversation: str, activity: Activity) -> str:
        reference = await self._reference(conversation)
        activity.conversation = reference.conversation
        activity.from_property = reference.bot
        response = await self._call(
            f"post to {conversation}",
            reference.service_url,
            lambda c: c.conversations.send_to_conversation(conversation, activity),
        )
        return str(getattr(response, "id", "") or "")

    async def _new_thread(self, channel_id: str, activity: Activity) -> MessageRef:
        reference = await self._reference(channel_id)
        tenant = reference.conversation.tenant_id
        params = ConversationParameters(
            is_group=True,
            bot=reference.bot,
            channel_data={"channel": {"id": channel_id}, **_tenant_data(tenant)},
            activity=activity,
            tenant_id=tenant,
        )
        created = await self._call(
            f"start a thread in {channel_id}",
            reference.service_url,
            lambda c: c.conversations.create_conversation(params),
        )
        root = str(created.activity_id or ids.split_thread(created.id or "")[1] or "")
        return MessageRef(PLATFORM, channel_id, root, root)

    async def _new_chat(self, user_id: str, activity: Activity) -> MessageRef:
        """A proactive 1:1 chat with someone who never wrote to the bot (the app must be
        installed for them); Teams answers with the chat's id."""
        reference = await self._reference(user_id, chat=True)
        tenant = reference.conversation.tenant_id
        params = ConversationParameters(
            is_group=False,
            bot=reference.bot,
            members=[ChannelAccount(id=user_id)],
            channel_data=_tenant_data(tenant),
            tenant_id=tenant,
        )
        created = await self._call(
            f"open a chat with {user_id}",
            reference.service_url,
            lambda c: c.conversations.create_conversation(params),
        )
        chat = str(created.id or "")
        # Remember the chat, so the next message to this person needs no new conversation.
        account = ConversationAccount(id=chat, conversation_type="personal", tenant_id=tenant)
        reference.conversation, reference.user = account, ChannelAccount(id=user_id)
        await self.refs.save(reference.serialize(), [chat, user_id])
        return MessageRef(PLATFORM, chat, await self._send(chat, activity))

    async def _call(self, what: str, service_url: str, operation: Operation) -> Any:
        """Run one REST call; retry a 429 or 5xx quickly a few times (as Teams asks, after
        `Retry-After`), then leave the rest to the core's outbox as a `DeliveryError`."""
        attempt = 0
        while True:
            async with _delivering(what):
                client = await self.connectors.get(service_url)
                try:
                    return await operation(client)
                except HttpOperationError as exc:
                    delay = quick_retry_delay(exc, attempt)
                    if delay is None:
                        raise
            attempt += 1
            await asyncio.sleep(delay)

    # -- where things go ---------------------------------------------------------------------
    async def _reference(self, conversation: str, *, chat: bool = False) -> ConversationReference:
        """A reference for `conversation`: its own, its channel's, or (same service URL, bot
        and tenant) the newest one we have, readdressed."""
        channel_id, _ = ids.split_thread(conversation)
        stored = (
            (None if chat else await self.refs.get(conversation))
            or (None if chat else await self.refs.get(channel_id))
            or await self.refs.latest()
        )
        if stored is None:
            raise DeliveryError(
                f"Teams: no conversation reference yet, so no service URL to reach {conversation};"
                " install the bot in a team or chat (or send it a message) first",
                retryable=True,
            )
        reference = ConversationReference().deserialize(stored)
        tenant = reference.conversation.tenant_id if reference.conversation else None
        address = None if chat else conversation
        reference.conversation = ConversationAccount(id=address, tenant_id=tenant)
        return reference

    async def _is_channel(self, conversation: str) -> bool:
        stored = await self.refs.get(conversation)
        kind = ((stored or {}).get("conversation") or {}).get("conversationType")
        if kind:
            return bool(kind == "channel")
        return conversation.endswith(_CHANNEL_SUFFIXES)


def card_activity(card: Card, text: str) -> Activity:
    attachment = Attachment(content_type=CONTENT_TYPE, content=card)
    return Activity(type="message", summary=text or None, attachments=[attachment])


def _tenant_data(tenant: str | None) -> dict[str, dict[str, str]]:
    return {"tenant": {"id": tenant}} if tenant else {}


def quick_retry_delay(exc: HttpOperationError, attempt: int) -> float | None:
    """Seconds to wait before retrying now, or None to give up (the outbox retries later)."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", 0) or 0
    if attempt >= QUICK_RETRIES or not (status == 429 or status >= 500):
        return None
    header = (getattr(response, "headers", None) or {}).get("Retry-After")
    try:
        delay = float(header) if header is not None else 0.5 * 2**attempt
    except ValueError:  # an HTTP date: too far ahead for a quick retry
        return None
    return delay if 0 <= delay <= MAX_QUICK_DELAY else None


@asynccontextmanager
async def _delivering(what: str) -> AsyncIterator[None]:
    """Turn the SDK's and the network's failures into `DeliveryError`s the outbox understands."""
    try:
        yield
    except HttpOperationError as exc:
        status = getattr(exc.response, "status_code", None) or 0
        retryable = status >= 500 or status in _RETRYABLE_STATUS
        raise DeliveryError(f"Teams: {what} failed ({status}): {exc}", retryable=retryable) from exc
    except (ClientRequestError, aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise DeliveryError(f"Teams: {what} failed: {exc}", retryable=True) from exc
