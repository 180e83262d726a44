"""A mail in → a ticket card on Slack → `reply:` in its thread → a mail out → the customer's
answer back in the same thread: real SMTP both ways, signed Slack requests, mock Web API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.slack.kit import MockSlackApi

from .desk import MailDesk, start_mail_desk
from .kit import SUPPORT, CapturingRelay, mail, wait_for


@pytest.fixture
async def desk(
    slack_api: MockSlackApi, relay: CapturingRelay, aiohttp_client: Any, tmp_path: Path
) -> MailDesk:
    return await start_mail_desk(aiohttp_client, slack_api, relay, tmp_path)


async def test_mail_round_trip_through_a_slack_thread(desk: MailDesk) -> None:
    assert await desk.mail_in(mail()) == (250, "OK")
    (card,) = await wait_for(desk.cards)
    assert "Cannot log in" in str(card.args["blocks"])
    (ack,) = await wait_for(lambda: desk.relay.mails)
    assert ack.recipients == ["dana@customer.example"]
    assert ack.message["In-Reply-To"] == "<first-1@mail.customer.example>"
    assert ack.message["Auto-Submitted"] == "auto-replied"  # the desk wrote it, not a person
    assert str(ack.message["Subject"]).startswith("Re: [#1] Cannot log in")

    assert await desk.slack_thread_reply(card.answer["ts"], "reply: Please try again now.") == 200
    reply = (await wait_for(lambda: desk.relay.mails[1:]))[0]
    headers = reply.message
    assert headers["To"] == "Dana Scully <dana@customer.example>"
    assert headers["From"] == f"Acme Support <{SUPPORT}>"
    assert headers["In-Reply-To"] == "<first-1@mail.customer.example>"
    references = str(headers["References"]).split()
    assert references[0] == "<first-1@mail.customer.example>"  # the root first
    assert f"<{ack.message['Message-ID'].strip('<>')}>" in references  # and our ack
    assert str(headers["Subject"]) == "Re: [#1] Cannot log in"
    assert "Auto-Submitted" not in headers  # an agent wrote this one
    assert "Please try again now." in reply.text()

    answer = mail(
        subject="Re: [#1] Cannot log in",
        body="It works now, thank you!\n\nOn Mon, Acme Support wrote:\n> Please try again now.\n",
        message_id="<answer-2@mail.customer.example>",
        headers={"In-Reply-To": headers["Message-ID"], "References": " ".join(references)},
    )
    assert await desk.mail_in(answer) == (250, "OK")
    relayed = await wait_for(
        lambda: [c for c in desk.in_thread(card.answer["ts"]) if "It works now" in c.args["text"]]
    )
    assert "Please try again now" not in relayed[0].args["text"]  # the quote was cut
    assert len(desk.cards()) == 1  # no new ticket
