"""Wire-level kit for the e-mail adapter: a capturing SMTP relay (aiosmtpd), a real SMTP
client (aiosmtplib) to hand mail to the desk's listener, and the samples."""

from __future__ import annotations

import asyncio
import email
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

SAMPLES = Path(__file__).parent / "samples"
SUPPORT = "support@acme.example"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@dataclass
class Captured:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert isinstance(body, EmailMessage)
        return str(body.get_content())


@dataclass
class CapturingRelay:
    """An SMTP relay that keeps every mail; optionally STARTTLS and AUTH like a provider's."""

    mails: list[Captured] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "550 5.1.1 no such user": answer DATA with it
    tls: ssl.SSLContext | None = None
    login: tuple[str, str] | None = None
    logins: list[str] = field(default_factory=list)
    server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(self._protocol, "127.0.0.1", 0)

    def _protocol(self) -> SMTP:
        return SMTP(
            self,
            tls_context=self.tls,
            require_starttls=self.tls is not None,
            auth_required=self.login is not None,
            authenticator=self._authenticate if self.login else None,
            loop=asyncio.get_running_loop(),
        )

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and (
                data.login.decode(),
                data.password.decode(),
            )
            == self.login
        )
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_with:
            return self.refuse_with
        self.mails.append(
            Captured(
                str(envelope.mail_from), list(envelope.rcpt_tos), envelope.original_content or b""
            )
        )
        return "250 OK queued"

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


async def hand_in(
    port: int, raw: bytes, *, sender: str = "someone@customer.example", to: str = SUPPORT
) -> tuple[int, str]:
    """Send `raw` to the desk's SMTP listener as an MX would; return the reply to DATA."""
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
    await client.connect()
    try:
        await client.ehlo()
        await client.mail(sender)
        await client.rcpt(to)
        response = await client.data(raw)
        return response.code, response.message
    except aiosmtplib.SMTPResponseException as exc:
        return exc.code, exc.message
    finally:
        await client.quit()


def mail(
    *,
    subject: str = "Cannot log in",
    body: str = "Hello,\nI cannot log in since this morning.\n",
    sender: str = "Dana Scully <dana@customer.example>",
    message_id: str = "<first-1@mail.customer.example>",
    headers: dict[str, str] | None = None,
) -> bytes:
    """A plain UTF-8 mail as a client writes it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 02 Mar 2026 10:00:00 +0000"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes(policy=policy.SMTP)


async def wait_for(check: Any, *, limit: float = 10.0) -> Any:
    """Poll until `check()` is truthy; the limit only guards against hanging."""
    deadline = asyncio.get_running_loop().time() + limit
    while not (result := check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("gave up waiting")
        await asyncio.sleep(0.01)
    return result


def email_env(relay: CapturingRelay, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "EMAIL_ADDRESS": SUPPORT,
        "EMAIL_FROM_NAME": "Acme Support",
        "EMAIL_LISTEN": "127.0.0.1:0",
        "EMAIL_RELAY": f"127.0.0.1:{relay.port}",
        "EMAIL_RELAY_SECURITY": "none",
        "EMAIL_TRUSTED_AUTHSERV_IDS": "mx.acme.example",
        "EMAIL_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        **extra,
    }
