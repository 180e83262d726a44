"""The SMTP listener an MX or relay forwards the support addresses' mail to (aiosmtpd).

It runs on the server's own event loop (`loop.create_server` with aiosmtpd's `SMTP` protocol,
not aiosmtpd's `Controller`, which starts a thread with a loop of its own), so the desk is
called directly. `250` is answered only once the desk has the event; anything unexpected is a
`451` (the relay keeps the mail and tries again), never aiosmtpd's default `500`, which would
bounce a customer's mail for our fault. Only support addresses are accepted at `RCPT TO`.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.smtp import SMTP, Envelope, Session

from supportbot_email.inbound import Envelope as MailEnvelope
from supportbot_email.inbound import Inbound, Receipt
from supportbot_email.settings import EmailSettings

log = logging.getLogger(__name__)
_REJECTIONS = {
    "too_large": "552 5.3.4 Message too big for this desk",
    "too_many_attachments": "552 5.3.4 Too many attachments",
    "sender_not_allowed": "550 5.7.1 Sender domain not accepted here",
    "unreadable": "550 5.6.0 Message has no readable sender",
}


class SmtpHandler:
    """aiosmtpd's handler hooks: `RCPT` checks the address, `DATA` hands the mail in."""

    def __init__(self, inbound: Inbound, settings: EmailSettings) -> None:
        self.inbound = inbound
        self.settings = settings

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not self.settings.accepts(address):
            return f"550 5.1.1 <{address}>: not a support address of this desk"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        sender = envelope.mail_from
        try:
            receipt = await self.inbound.receive(
                raw, MailEnvelope(sender=sender, recipients=tuple(envelope.rcpt_tos))
            )
        except Exception:  # the desk could not take it: the relay must keep it and retry
            log.exception("could not hand in mail from %s", sender)
            return "451 4.3.0 The desk could not store the message; try again later"
        return reply(receipt)


def reply(receipt: Receipt) -> str:
    if receipt.status == "rejected" and receipt.problem is not None:
        return _REJECTIONS[receipt.problem]
    return "250 OK"  # accepted, a repeat of a mail we have, or a robot's mail we drop


class SmtpListener:
    def __init__(self, handler: SmtpHandler, settings: EmailSettings) -> None:
        self.handler = handler
        self.settings = settings
        self.server: asyncio.Server | None = None

    @property
    def port(self) -> int | None:
        """The port it listens on (the one the OS chose when configured as 0)."""
        if self.server is None or not self.server.sockets:
            return None
        return int(self.server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        if self.settings.listen is None or self.server is not None:
            return
        host, port = self.settings.listen
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(self._protocol, host, port)
        log.info("SMTP listener on %s:%s", host, self.port)

    def _protocol(self) -> SMTP:
        return SMTP(
            self.handler,
            # aiosmtpd answers 552 itself past this; a little slack for the transfer encoding
            data_size_limit=self.settings.limits.max_bytes + 4096,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=self.settings.domain,
            loop=asyncio.get_running_loop(),
        )

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
