"""Outgoing mail through the relay (aiosmtplib): STARTTLS or implicit TLS, optional AUTH.

A refusal the relay means (5xx) is final: `DeliveryError(retryable=False)`. A temporary one
(4xx), a dropped connection or a timeout is retryable, and the core's outbox tries again.
"""

from __future__ import annotations

import ssl
from email.message import Message
from typing import Protocol

import aiosmtplib

from supportbot.adapter import DeliveryError
from supportbot_email.settings import RelaySettings


class MailSender(Protocol):
    """Where outgoing mail goes: the SMTP relay, or the playground's mailroom."""

    async def send(self, mail: Message, *, sender: str, recipients: list[str]) -> None: ...


class Relay:
    def __init__(self, settings: RelaySettings) -> None:
        self.settings = settings
        self._tls: ssl.SSLContext | None = None

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:  # built on first use: reading the CA file is I/O
            self._tls = ssl.create_default_context(cafile=self.settings.ca_file)
        return self._tls

    async def send(self, mail: Message, *, sender: str, recipients: list[str]) -> None:
        s = self.settings
        try:
            await aiosmtplib.send(
                mail,
                sender=sender,
                recipients=recipients,
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password,
                use_tls=s.security == "tls",
                start_tls=s.security == "starttls",
                tls_context=self._context() if s.security != "none" else None,
                timeout=s.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            raise DeliveryError(
                f"the relay refused {', '.join(recipients)}: {exc}",
                retryable=all(400 <= c < 500 for c in codes),
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"the relay answered {exc.code} {exc.message}", retryable=not 500 <= exc.code < 600
            ) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(f"the relay {s.host}:{s.port} is unreachable: {exc}") from exc
