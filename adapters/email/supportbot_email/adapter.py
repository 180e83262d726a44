"""`EmailAdapter`, the ChatAdapter for mail, and `EmailPlugin`, its entry point.

The plug-in is on when `EMAIL_ADDRESS` is set. It mounts `POST /api/email/inbound`, starts the
SMTP listener with the server (`EMAIL_LISTEN`, default 127.0.0.1:2525) and sends through
`EMAIL_RELAY`.
"""

from __future__ import annotations

from supportbot.adapter import Capabilities, Delivery, Directory, EventSink
from supportbot.events import AnyEvent, MessageRef
from supportbot.intents import Intent
from supportbot.store.db import SessionFactory
from supportbot_email.attachments import AttachmentStore
from supportbot_email.csat import CsatLinks
from supportbot_email.inbound import Inbound, Texts
from supportbot_email.mailroom import Mailroom
from supportbot_email.outbound import Outbound
from supportbot_email.relay import Relay
from supportbot_email.settings import PLATFORM, PLAYGROUND, EmailSettings
from supportbot_email.smtp import SmtpHandler, SmtpListener
from supportbot_email.threads import ThreadStore
from supportbot_email.trust import DnsLookup, SenderCheck


class EmailAdapter:
    platform = PLATFORM
    # A mail thread is a thread; there is nothing to edit, click, react to or mention.
    capabilities = Capabilities(
        threads=True,
        modals=False,
        ephemeral=False,
        reactions=False,
        update_in_place=False,
        group_mentions=False,
        images=False,
    )

    def __init__(
        self,
        *,
        settings: EmailSettings,
        sink: EventSink,
        directory: Directory,
        threads: ThreadStore,
        texts: Texts,
        sessions: SessionFactory,
        dns: DnsLookup | None = None,
    ) -> None:
        self.settings = settings
        check = SenderCheck(settings.trusted_authserv_ids, settings.dkim_verify, dns)
        self.inbound = Inbound(
            settings=settings,
            sink=sink,
            threads=threads,
            store=AttachmentStore(settings.attachments_dir),
            check=check,
            texts=texts,
        )
        self.mailroom = (
            Mailroom(self.inbound, settings.address) if settings.relay.host == PLAYGROUND else None
        )
        self.outbound = Outbound(
            settings=settings,
            threads=threads,
            relay=self.mailroom or Relay(settings.relay),
            directory=directory,
            texts=texts,
            links=CsatLinks(settings, sessions, texts),
        )
        self.listener = SmtpListener(SmtpHandler(self.inbound, settings), settings)

    async def send(self, intent: Intent, delivery: Delivery | None = None) -> MessageRef | None:
        return await self.outbound.send(intent)

    async def start(self) -> None:
        await self.listener.start()

    async def complete(self, event: AnyEvent) -> AnyEvent:
        return event  # a mail carries everything the desk needs

    async def stop(self) -> None:
        await self.listener.stop()
