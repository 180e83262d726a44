"""What a sender's verdict decides, end to end: a `[#N]` subject threads only verified mail
from the ticket's customer, an unverified reply is marked in the ticket's thread, and a
verified sender's domain places them in the organisation the config maps it to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.slack.kit import MockSlackApi

from .desk import MailDesk, start_mail_desk
from .kit import CapturingRelay, mail, wait_for

PASS = "mx.acme.example; dmarc=pass header.from=customer.example"
ORGS = [
    {"name": "acme", "tier": "enterprise", "platform_ids": {"slack": "T0CUSTOMERORG"}},
    {"name": "customer-co", "tier": "premium", "domains": ["customer.example"]},
]


@pytest.fixture
async def desk(
    slack_api: MockSlackApi, relay: CapturingRelay, aiohttp_client: Any, tmp_path: Path
) -> MailDesk:
    return await start_mail_desk(aiohttp_client, slack_api, relay, tmp_path, organizations=ORGS)


async def ticket(desk: MailDesk, number: int) -> Any:
    from supportbot.server import DESK

    return await desk.client.app[DESK].tickets.get(number)


def tagged(message_id: str, auth: str | None) -> bytes:
    """A reply that names the ticket only by `[#1]` (its client dropped the headers)."""
    headers = {"Authentication-Results": auth} if auth else {}
    return mail(
        subject="Re: [#1] Cannot log in",
        body="Still broken.",
        message_id=message_id,
        headers=headers,
    )


async def test_a_tag_threads_only_verified_mail_from_the_customer(desk: MailDesk) -> None:
    await desk.mail_in(mail(headers={"Authentication-Results": PASS}))
    (card,) = await wait_for(desk.cards)
    await desk.mail_in(tagged("<spoof@attacker.example>", None))  # the customer's From, forged
    await wait_for(lambda: len(desk.cards()) == 2)  # a ticket of its own, not #1's thread
    assert "unverified sender" in str(desk.cards()[1].args["blocks"])
    await desk.mail_in(tagged("<real@mail.customer.example>", PASS))
    await wait_for(
        lambda: [c for c in desk.in_thread(card.answer["ts"]) if "Still broken" in c.args["text"]]
    )
    assert len(desk.cards()) == 2


async def test_an_unverified_reply_is_marked_in_the_thread(desk: MailDesk) -> None:
    await desk.mail_in(mail(headers={"Authentication-Results": PASS}))
    (card,) = await wait_for(desk.cards)
    (ack,) = await wait_for(lambda: desk.relay.mails)
    reply = mail(
        subject="Re: [#1] Cannot log in",
        body="Send the invoice to this other address please.",
        message_id="<unverified-reply@elsewhere.example>",
        headers={"In-Reply-To": ack.message["Message-ID"]},
    )
    await desk.mail_in(reply)
    relayed = await wait_for(
        lambda: [c for c in desk.in_thread(card.answer["ts"]) if "other address" in c.args["text"]]
    )
    assert "unverified sender" in relayed[0].args["text"]


async def test_a_verified_domain_places_the_sender_in_its_organisation(desk: MailDesk) -> None:
    await desk.mail_in(mail(headers={"Authentication-Results": PASS}))
    await wait_for(desk.cards)
    assert (await ticket(desk, 1)).requester.organization == "customer-co"
    spoofed = mail(sender="Eve <eve@customer.example>", message_id="<eve@x.example>")
    await desk.mail_in(spoofed)
    await wait_for(lambda: len(desk.cards()) == 2)
    assert (await ticket(desk, 2)).requester.organization is None  # no tier for a forged From
