"""Mail written by machines opens no ticket and is never answered (RFC 3834)."""

from __future__ import annotations

import pytest
from supportbot_email.loops import automatic
from supportbot_email.parse import parse

from .kit import SUPPORT, mail, sample

OWN = frozenset({SUPPORT})


def reason(raw: bytes, envelope_sender: str | None = None) -> str | None:
    return automatic(parse(raw, fallback_id="x"), envelope_sender=envelope_sender, own=OWN)


@pytest.mark.parametrize("name", ["ooo_exchange.eml", "ooo_vacation_ja.eml", "dsn_bounce.eml"])
def test_samples_of_robots_are_recognised(name: str) -> None:
    assert reason(sample(name)) is not None


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "auto_reply"},
        {"X-Autoreply": "yes"},
        {"X-Loop": SUPPORT},
        {"Subject": "Out of Office: back on Monday"},
    ],
)
def test_each_signal_alone_is_enough(headers: dict[str, str]) -> None:
    subject = headers.pop("Subject", "Cannot log in")
    assert reason(mail(subject=subject, headers=headers)) is not None


def test_people_and_mailing_lists_are_not_robots() -> None:
    assert reason(mail()) is None
    assert reason(mail(headers={"Auto-Submitted": "no"})) is None
    # a support address that is a Google Group forwards customers' mail like this
    assert reason(mail(headers={"Precedence": "list", "List-Id": "<support.acme.example>"})) is None
    assert reason(mail(subject="Out of office hours support?")) is None
    assert reason(mail(), envelope_sender="dana@customer.example") is None


def test_the_null_sender_and_our_own_address_are_loops() -> None:
    assert reason(mail(), envelope_sender="") is not None
    assert reason(mail(sender=f"Acme <{SUPPORT}>")) is not None
