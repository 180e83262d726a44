"""Outgoing mail through a relay that wants STARTTLS and AUTH; refusals as DeliveryError."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from email.mime.text import MIMEText
from pathlib import Path

import pytest
import trustme
from supportbot_email.relay import Relay
from supportbot_email.settings import RelaySettings

from supportbot.adapter import DeliveryError

from .kit import CapturingRelay


@pytest.fixture
async def provider(tmp_path: Path) -> AsyncIterator[tuple[CapturingRelay, Path]]:
    ca = trustme.CA()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(tls)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    relay = CapturingRelay(tls=tls, login=("desk", "s3cret"))
    await relay.start()
    yield relay, ca_file
    await relay.stop()


def letter() -> MIMEText:
    mail = MIMEText("こんにちは", "plain", "utf-8")
    mail["From"], mail["To"], mail["Subject"] = (
        "support@acme.example",
        "dana@customer.example",
        "Hi",
    )
    return mail


def settings(relay: CapturingRelay, ca_file: Path | None, **changes: object) -> RelaySettings:
    base: dict[str, object] = {"host": "127.0.0.1", "port": relay.port, "security": "starttls"}
    base |= {"username": "desk", "password": "s3cret", "timeout": 5.0}
    base["ca_file"] = str(ca_file) if ca_file else None
    return RelaySettings(**{**base, **changes})  # type: ignore[arg-type]


async def test_starttls_and_auth_then_the_mail_is_relayed(
    provider: tuple[CapturingRelay, Path],
) -> None:
    relay, ca_file = provider
    await Relay(settings(relay, ca_file)).send(
        letter(), sender="support@acme.example", recipients=["dana@customer.example"]
    )
    (sent,) = relay.mails
    assert relay.logins == ["desk"]
    assert sent.recipients == ["dana@customer.example"] and sent.text().strip() == "こんにちは"


async def test_a_relay_whose_certificate_we_cannot_check_gets_nothing(
    provider: tuple[CapturingRelay, Path],
) -> None:
    relay, _ = provider
    with pytest.raises(DeliveryError):
        await Relay(settings(relay, None)).send(
            letter(), sender="a@b.example", recipients=["c@d.example"]
        )
    assert relay.mails == []


async def test_temporary_refusals_and_an_unreachable_relay_are_retryable(
    relay: CapturingRelay,
) -> None:
    plain = settings(relay, None, security="none", username=None, password=None)
    relay.refuse_with = "451 4.3.0 try later"
    with pytest.raises(DeliveryError) as later:
        await Relay(plain).send(letter(), sender="a@b.example", recipients=["c@d.example"])
    assert later.value.retryable is True
    relay.refuse_with = "554 5.7.1 rejected as spam"
    with pytest.raises(DeliveryError) as final:
        await Relay(plain).send(letter(), sender="a@b.example", recipients=["c@d.example"])
    assert final.value.retryable is False
    await relay.stop()
    with pytest.raises(DeliveryError, match="unreachable") as down:
        await Relay(plain).send(letter(), sender="a@b.example", recipients=["c@d.example"])
    assert down.value.retryable is True
