"""Intents → mail. A post in the requester's thread is a reply to the customer's newest mail.

The desk resolves "tell the requester" into `PostMessage(ConversationRef("email", support
address, root Message-ID))`; the thread we remember under that root gives the recipient, the
subject and the References chain. Mail cannot be edited once sent, so `UpdateMessage` is a
no-op; there are no forms in mail.
"""

from __future__ import annotations

from datetime import UTC, datetime

from supportbot.adapter import DeliveryError, Directory
from supportbot.events import ConversationRef, MessageRef
from supportbot.intents import (
    Intent,
    OpenForm,
    PostEphemeral,
    PostMessage,
    Purpose,
    SendDirect,
    UpdateMessage,
)
from supportbot.messages import Message
from supportbot_email import ids
from supportbot_email.compose import HUMAN_KINDS, Addressing, body_text, compose
from supportbot_email.csat import CsatLinks
from supportbot_email.inbound import Texts
from supportbot_email.relay import MailSender
from supportbot_email.settings import PLATFORM, EmailSettings
from supportbot_email.threads import MailThread, ThreadStore


class Outbound:
    def __init__(
        self,
        *,
        settings: EmailSettings,
        threads: ThreadStore,
        relay: MailSender,
        directory: Directory,
        texts: Texts,
        links: CsatLinks,
    ) -> None:
        self.links = links
        self.settings = settings
        self.threads = threads
        self.relay = relay
        self.directory = directory
        self.texts = texts

    async def send(self, intent: Intent) -> MessageRef | None:
        match intent:
            case PostMessage(to=to, message=message):
                return await self._in_thread(await self._thread(to), message)
            case SendDirect(user_id=user, message=message, purpose=purpose):
                return await self._direct(user, message, purpose)
            case PostEphemeral(user_id=user, message=message):
                return await self._direct(user, message, None)
            case UpdateMessage():
                return None  # a sent mail stays as it was
            case OpenForm():
                raise DeliveryError("mail has no forms", retryable=False)
        raise DeliveryError(f"mail cannot deliver {type(intent).__name__}", retryable=False)

    async def _thread(self, to: ConversationRef) -> MailThread:
        thread = await self.threads.get(to.thread_id) if to.thread_id else None
        if thread is None and to.thread_id:
            thread = await self.threads.handed_over(to.channel_id, to.thread_id)
            if thread is not None:
                await self.threads.save(thread)
        if thread is None:
            raise DeliveryError(
                f"no mail thread {to.thread_id!r} at {to.channel_id}: mail goes to a customer's "
                "thread, not to a channel",
                retryable=False,
            )
        return thread

    async def _in_thread(self, thread: MailThread, message: Message) -> MessageRef:
        number = await self.threads.ticket_of(thread)
        opening = not thread.references  # we open this thread (a chat moved to mail)
        message_id = (
            thread.root if opening else ids.normalize(ids.new_message_id(self.settings.domain))
        )
        how = Addressing(
            sender=(self.settings.from_name, thread.address),
            to=(thread.name, thread.customer),
            subject=(
                ids.first_subject(thread.subject, number)
                if opening
                else ids.reply_subject(thread.subject, number)
            ),
            message_id=message_id,
            in_reply_to=thread.last_inbound,
            references=thread.references,
            charset_hint=thread.charset,
            locale=thread.locale,
        )
        footer = (
            self.texts(
                "email.footer", thread.locale, desk=self.settings.from_name, tag=ids.tag(number)
            )
            if number is not None
            else ""
        )
        links = await self.links.lines(message, thread, number)
        await self._deliver(body_text(message, self.directory, footer, links), how, message)
        await self.threads.sent(thread, message_id)
        return MessageRef(PLATFORM, thread.address, message_id, thread.root)

    async def _direct(self, user: str, message: Message, purpose: Purpose | None) -> MessageRef:
        root = await self.threads.root_of_ticket(purpose.ticket_id) if purpose else None
        thread = await self.threads.get(root) if root else None
        if thread is not None:
            return await self._in_thread(thread, message)
        if "@" not in user:
            raise DeliveryError(f"{user!r} is not an e-mail address", retryable=False)
        message_id = ids.normalize(ids.new_message_id(self.settings.domain))
        how = Addressing(
            sender=(self.settings.from_name, self.settings.address),
            to=("", user),
            subject=self.texts("email.subject.direct", None, desk=self.settings.from_name),
            message_id=message_id,
        )
        await self._deliver(body_text(message, self.directory), how, message)
        return MessageRef(PLATFORM, self.settings.address, message_id)

    async def _deliver(self, text: str, how: Addressing, message: Message) -> None:
        mail = compose(text, how, date=datetime.now(UTC), automatic=message.kind not in HUMAN_KINDS)
        await self.relay.send(mail, sender=how.sender[1], recipients=[how.to[1]])
