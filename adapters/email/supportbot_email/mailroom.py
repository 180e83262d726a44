"""`EMAIL_RELAY=playground`: the desk's mail stays in memory, for the playground's mail view.

The demo has no SMTP relay and no MX. The mailroom stands in for both: what the desk sends is
kept (newest last, the last `KEEP`) instead of being relayed, and what a visitor writes in the
mail view is built into a real RFC 822 message and handed to the adapter's intake
(`Inbound.receive`), exactly as the SMTP listener does. The visitor's mail carries an
`Authentication-Results` field from authserv-id `playground`; it counts only where
`EMAIL_TRUSTED_AUTHSERV_IDS` lists that id (the demo does).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from supportbot.playground.mail import Draft, Letter
from supportbot_email import charsets, ids
from supportbot_email.inbound import Envelope, Inbound

AUTHSERV_ID = "playground"
KEEP = 500


class Mailroom:
    def __init__(self, inbound: Inbound, address: str) -> None:
        self.inbound = inbound
        self._address = address
        self._letters: deque[Letter] = deque(maxlen=KEEP)

    @property
    def address(self) -> str:
        return self._address

    def letters(self) -> Sequence[Letter]:
        return list(self._letters)

    async def send(self, mail: Message, *, sender: str, recipients: list[str]) -> None:
        """The relay's part: keep the desk's mail instead of sending it."""
        parsed = message_from_bytes(mail.as_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        body = parsed.get_body(preferencelist=("plain",))
        name, _ = parseaddr(str(parsed.get("From", "")))
        self._letters.append(
            Letter(
                sender=sender,
                sender_name=charsets.header(name),
                to=", ".join(recipients),
                subject=str(parsed.get("Subject", "")),
                text=str(body.get_content()) if isinstance(body, EmailMessage) else "",
                message_id=str(parsed.get("Message-ID", "")),
                outgoing=True,
            )
        )

    async def write(self, draft: Draft) -> Letter:
        """A visitor's mail to the desk, through the adapter's intake."""
        raw = self._compose(draft)
        receipt = await self.inbound.receive(
            raw, Envelope(sender=draft.sender, recipients=(self._address,))
        )
        parsed = message_from_bytes(raw, policy=policy.default)
        letter = Letter(
            sender=draft.sender,
            sender_name=draft.sender_name,
            to=self._address,
            subject=draft.subject,
            text=draft.text,
            message_id=str(parsed.get("Message-ID", "")),
            outgoing=False,
            status=receipt.status if not receipt.reason else f"{receipt.status}: {receipt.reason}",
        )
        self._letters.append(letter)
        return letter

    def _compose(self, draft: Draft) -> bytes:
        domain = draft.sender.rpartition("@")[2]
        mail = EmailMessage()
        mail["From"] = formataddr((draft.sender_name, draft.sender))
        mail["To"] = self._address
        mail["Subject"] = draft.subject
        mail["Date"] = format_datetime(datetime.now(UTC))
        mail["Message-ID"] = make_msgid(domain=domain or None)
        if draft.reply_to:
            mail["In-Reply-To"] = f"<{ids.normalize(draft.reply_to)}>"
            mail["References"] = f"<{ids.normalize(draft.reply_to)}>"
        mail["Authentication-Results"] = f"{AUTHSERV_ID}; dmarc=pass header.from={domain}"
        mail.set_content(draft.text or "\n")
        return mail.as_bytes(policy=policy.SMTP)
