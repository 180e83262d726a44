"""One received mail → checks → a neutral event for the desk, or a reason to refuse it.

Both ways in (the SMTP listener and `POST /api/email/inbound`) call `Inbound.receive` and turn
its `Receipt` into their own answer (an SMTP reply code, an HTTP status). A new mail to a
support address is a `MessageReceived` in that address's "channel"; a mail that names one of a
thread's Message-IDs (or carries `[#42]` and comes, verified, from that ticket's customer) is a
`ThreadReplyReceived` in the thread whose id is the root Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from supportbot.adapter import EventSink
from supportbot.events import (
    Actor,
    ChoiceSubmitted,
    ConversationRef,
    MessageReceived,
    ThreadReplyReceived,
)
from supportbot_email import ids
from supportbot_email.attachments import AttachmentStore, Kept
from supportbot_email.bounces import bounce_of
from supportbot_email.loops import automatic
from supportbot_email.parse import MailFormatError, ParsedMail, parse
from supportbot_email.settings import BOUNCED, PLATFORM, EmailSettings
from supportbot_email.threads import MailThread, ThreadStore
from supportbot_email.trust import SenderCheck, Verdict

log = logging.getLogger(__name__)
Status = Literal["accepted", "duplicate", "ignored", "rejected"]
Problem = Literal["too_large", "too_many_attachments", "sender_not_allowed", "unreadable"]
Texts = Callable[..., str]  # texts(name, locale or None for the desk's, **values) -> plain text
MailEvent = MessageReceived | ThreadReplyReceived


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the SMTP transaction said (nothing, for mail posted over HTTP)."""

    sender: str | None = None  # MAIL FROM; "" is the null sender of bounces
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Receipt:
    status: Status
    reason: str = ""
    problem: Problem | None = None


class Inbound:
    def __init__(
        self,
        *,
        settings: EmailSettings,
        sink: EventSink,
        threads: ThreadStore,
        store: AttachmentStore,
        check: SenderCheck,
        texts: Texts,
    ) -> None:
        self.settings = settings
        self.sink = sink
        self.threads = threads
        self.store = store
        self.check = check
        self.texts = texts

    async def receive(self, raw: bytes, envelope: Envelope) -> Receipt:
        limits = self.settings.limits
        if len(raw) > limits.max_bytes:
            return Receipt(
                "rejected", f"the message is larger than {limits.max_bytes} bytes", "too_large"
            )
        try:
            mail = parse(raw, fallback_id="sha256:" + hashlib.sha256(raw).hexdigest())
        except MailFormatError as exc:
            return Receipt("rejected", str(exc), "unreadable")
        try:  # header checks decode lazily: corrupted bytes may still surface here
            refusal = self._refusal(mail, envelope)
            verdict = await self.check.verdict(mail, raw)
        except (ValueError, UnicodeError, LookupError) as exc:
            return Receipt("rejected", f"the mail cannot be read: {exc}", "unreadable")
        if refusal is not None:
            if refusal.status == "ignored":
                await self._bounced(mail)
            return refusal
        kept = await self.store.keep(mail.parts)
        # Stored before the relay hears 250 (or the gateway 202): a crash now loses nothing.
        stored = await self.sink.accept(await self._event(mail, envelope, verdict, kept))
        return Receipt("duplicate" if stored.duplicate else "accepted")

    async def _bounced(self, mail: ParsedMail) -> None:
        """A report about a mail of ours: the desk hears of it (a note in the ticket's thread),
        as an event in the inbox like any other; the report itself opens nothing."""
        bounce = bounce_of(mail)
        thread = await self.threads.find_sent(bounce.message_ids) if bounce else None
        if bounce is None or thread is None:
            return
        await self.sink.accept(
            ChoiceSubmitted(
                event_id=f"bounce:{mail.message_id}",
                actor=Actor(PLATFORM, mail.sender or "mailer-daemon", mail.sender_name),
                conversation=ConversationRef(PLATFORM, thread.address, thread.root),
                action=BOUNCED,
                value=thread.root,
                values={
                    "recipient": bounce.recipient or thread.customer,
                    "status": bounce.status,
                    "diagnostic": bounce.diagnostic,
                },
            )
        )

    def _refusal(self, mail: ParsedMail, envelope: Envelope) -> Receipt | None:
        reason = automatic(mail, envelope_sender=envelope.sender, own=self.settings.addresses)
        if reason is not None:
            log.info("ignoring mail %s from %s: %s", mail.message_id, mail.sender, reason)
            return Receipt("ignored", reason)
        if not self.settings.sender_allowed(mail.sender):
            return Receipt(
                "rejected", f"mail from {mail.sender} is not accepted here", "sender_not_allowed"
            )
        if len(mail.parts) > self.settings.limits.max_attachments:
            return Receipt(
                "rejected",
                f"more than {self.settings.limits.max_attachments} attachments",
                "too_many_attachments",
            )
        return None

    async def _event(
        self, mail: ParsedMail, envelope: Envelope, verdict: Verdict, kept: tuple[Kept, ...]
    ) -> MailEvent:
        actor = Actor(
            PLATFORM,
            mail.sender,
            mail.sender_name or mail.sender,
            # an unverified From proves nothing about the company: no organisation (and tier)
            organization=mail.sender.rpartition("@")[2] if verdict.verified else None,
            locale=mail.locale,
            verified=verdict.verified,
        )
        thread = await self._thread_of(mail, verdict)
        if thread is not None:
            await self.threads.save(thread.heard(mail.message_id, inbound=True))
            text = self._with_files(mail.text, kept)
            if not verdict.verified:  # the card says so for new tickets; a reply says it itself
                text = f"{self.texts('email.unverified_reply', None)}\n{text}"
            return ThreadReplyReceived(
                event_id=mail.message_id,
                actor=actor,
                conversation=ConversationRef(PLATFORM, thread.address, thread.root),
                text=text,
                message_id=mail.message_id,
            )
        address = self._support_address(mail, envelope)
        await self.threads.save(_new_thread(mail, address))
        opening = f"{mail.subject}\n\n{mail.full_text}" if mail.subject else mail.full_text
        return MessageReceived(
            event_id=mail.message_id,
            actor=actor,
            conversation=ConversationRef(PLATFORM, address),
            text=self._with_files(opening, kept, after_first_line=bool(mail.subject)),
            message_id=mail.message_id,
            files=tuple(k.label for k in kept),
        )

    async def _thread_of(self, mail: ParsedMail, verdict: Verdict) -> MailThread | None:
        thread = await self.threads.find(mail.thread_ids)
        if thread is not None:
            return thread
        number = ids.tagged_number(mail.subject)
        if not verdict.verified:
            return None  # anyone can write another's From and a guessed [#42]: a new ticket
        root = await self.threads.root_of_ticket(number) if number is not None else None
        thread = await self.threads.get(root) if root else None
        # The number alone is easy to guess: it threads only mail from that ticket's customer.
        return thread if thread is not None and thread.customer == mail.sender else None

    def _support_address(self, mail: ParsedMail, envelope: Envelope) -> str:
        for candidate in (*envelope.recipients, *mail.recipients):
            if self.settings.accepts(candidate):
                return candidate.strip().lower()
        return self.settings.address  # a gateway forwarded it to us: it was for the desk

    def _with_files(
        self, text: str, kept: tuple[Kept, ...], *, after_first_line: bool = False
    ) -> str:
        """The text with the attachments listed (after the subject line, so the card's
        excerpt shows them however long the mail is)."""
        if not kept:
            return text
        line = self.texts("email.attachments", None, files=", ".join(k.label for k in kept))
        if after_first_line:
            first, _, rest = text.partition("\n")
            return f"{first}\n{line}\n{rest}".rstrip()
        return f"{text}\n\n{line}".strip()


def _new_thread(mail: ParsedMail, address: str) -> MailThread:
    return MailThread(
        root=mail.message_id,
        address=address,
        customer=mail.sender,
        name=mail.sender_name,
        subject=ids.bare_subject(mail.subject),
        references=(mail.message_id,),
        last_inbound=mail.message_id,
        charset=mail.charset,
        locale=mail.locale,
    )
