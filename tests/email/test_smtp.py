"""The SMTP listener on the wire: only support addresses, limits as SMTP codes, 451 on trouble."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest
from supportbot_email import EmailAdapter, EmailPlugin

from supportbot.adapter import AdapterContext, Outcome
from supportbot.config import Config
from supportbot.events import AnyEvent, MessageReceived
from tests.slack.kit import Recorder, StubDirectory

from .kit import SUPPORT, CapturingRelay, email_env, hand_in, mail


class FailingSink:
    async def __call__(self, event: AnyEvent) -> Outcome:
        raise OSError("database is locked")


def _config() -> Config:
    return Config.model_validate({"intake_channels": [{"platform": "email", "channel": SUPPORT}]})


async def _adapter(relay: CapturingRelay, tmp_path: Path, sink: object, **env: str) -> EmailAdapter:
    from aiohttp import web

    ctx = AdapterContext(
        config=_config(),
        env=email_env(relay, tmp_path, **env),
        app=web.Application(),
        sink=sink,  # type: ignore[arg-type]
        directory=StubDirectory(),
        sessions=None,  # type: ignore[arg-type]  # a new mail only writes the thread (patched)
    )
    adapter = EmailPlugin().create(ctx)
    assert adapter is not None
    adapter.inbound.threads = MemoryThreads()  # type: ignore[assignment]
    await adapter.start()
    return adapter


class MemoryThreads:
    """The thread store's interface, in memory: these tests are about SMTP, not storage."""

    def __init__(self) -> None:
        self.saved: list[object] = []

    async def save(self, thread: object) -> None:
        self.saved.append(thread)

    async def find(self, ids: object) -> None:
        return None

    async def root_of_ticket(self, number: int) -> None:
        return None


@pytest.fixture
async def listener(
    relay: CapturingRelay, tmp_path: Path
) -> AsyncIterator[tuple[EmailAdapter, Recorder]]:
    sink = Recorder()
    adapter = await _adapter(
        relay, tmp_path, sink, EMAIL_MAX_BYTES="20K", EMAIL_MAX_ATTACHMENTS="1"
    )
    yield adapter, sink
    await adapter.stop()


async def test_mail_for_anyone_but_a_support_address_is_refused_at_rcpt(
    listener: tuple[EmailAdapter, Recorder],
) -> None:
    adapter, _ = listener
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=adapter.listener.port, start_tls=False)
    await client.connect()
    await client.ehlo()
    await client.mail("dana@customer.example")
    with pytest.raises(aiosmtplib.SMTPRecipientRefused) as refused:
        await client.rcpt("postmaster@elsewhere.example")
    assert refused.value.code == 550
    await client.quit()


async def test_a_mail_is_handed_in_and_answered_250(
    listener: tuple[EmailAdapter, Recorder],
) -> None:
    adapter, sink = listener
    assert await hand_in(adapter.listener.port or 0, mail()) == (250, "OK")
    (event,) = sink.events
    assert isinstance(event, MessageReceived)
    assert event.conversation.channel_id == SUPPORT
    assert event.text.startswith("Cannot log in\n\nHello,")


async def test_limits_are_smtp_refusals_and_nothing_reaches_the_desk(
    listener: tuple[EmailAdapter, Recorder],
) -> None:
    adapter, sink = listener
    port = adapter.listener.port or 0
    big = mail(body="x" * 40_000)
    code, _ = await hand_in(port, big)
    assert code == 552
    two = EmailMessage()
    two["From"], two["To"], two["Subject"] = "dana@customer.example", SUPPORT, "files"
    two.set_content("two files")
    for name in ("a.txt", "b.txt"):
        two.add_attachment(b"data", maintype="text", subtype="plain", filename=name)
    assert (await hand_in(port, two.as_bytes(policy=policy.SMTP)))[0] == 552
    assert sink.events == []


async def test_a_desk_that_cannot_store_the_mail_answers_451(
    relay: CapturingRelay, tmp_path: Path
) -> None:
    adapter = await _adapter(relay, tmp_path, FailingSink())
    try:
        code, message = await hand_in(adapter.listener.port or 0, mail())
    finally:
        await adapter.stop()
    assert code == 451 and "try again" in message
