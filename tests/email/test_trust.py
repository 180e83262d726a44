"""The From is believed only on our relay's word or a DKIM signature we verified ourselves."""

from __future__ import annotations

import base64

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from supportbot_email.parse import parse
from supportbot_email.trust import SenderCheck, aligned

from .kit import mail

TRUSTED = frozenset({"mx.acme.example"})


async def verdict(raw: bytes, check: SenderCheck | None = None) -> tuple[bool, str]:
    found = await (check or SenderCheck(TRUSTED)).verdict(parse(raw, fallback_id="x"), raw)
    return found.verified, found.how


def results(value: str) -> bytes:
    return mail(headers={"Authentication-Results": value})


async def test_our_relays_pass_counts_when_aligned_with_the_from_domain() -> None:
    assert await verdict(results("mx.acme.example; dmarc=pass header.from=customer.example")) == (
        True,
        "dmarc",
    )
    assert await verdict(results("mx.acme.example; dkim=pass header.d=mail.customer.example")) == (
        True,
        "dkim",
    )
    assert await verdict(
        results("mx.acme.example; spf=pass smtp.mailfrom=bounce@customer.example")
    ) == (True, "spf")


async def test_a_pass_for_another_domain_or_from_another_server_counts_for_nothing() -> None:
    assert (await verdict(results("mx.acme.example; dkim=pass header.d=mailchimp.example")))[
        0
    ] is False
    assert (await verdict(results("mx.evil.example; dmarc=pass header.from=customer.example")))[
        0
    ] is False
    assert await verdict(results("mx.acme.example; dkim=fail header.d=customer.example")) == (
        False,
        "dkim=fail",
    )
    assert (await verdict(mail()))[0] is False
    assert (await verdict(results("not ;; parseable ===")))[0] is False


def test_alignment_is_relaxed_but_never_on_a_bare_suffix() -> None:
    assert aligned("customer.example", "mail.customer.example")
    assert not aligned("example", "customer.example")
    assert not aligned("other.example", "customer.example")


async def test_a_dkim_signature_checked_here_with_the_published_key() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"s1._domainkey.customer.example." else None

    raw = mail()
    signed = (
        dkim.sign(raw, b"s1", b"customer.example", private, include_headers=[b"from", b"subject"])
        + raw
    )
    check = SenderCheck(frozenset(), dkim_verify=True, dns=dns)
    assert await verdict(signed, check) == (True, "dkim-local")
    tampered = signed.replace(b"Cannot log in", b"Send me the payroll")
    assert (await verdict(tampered, check))[0] is False
