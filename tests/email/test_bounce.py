"""Our answer bounces: the delivery report opens no ticket and gets no answer, but the ticket's
thread says which address failed and why, once however often the report is delivered."""

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


def report(returned_id: str, report_id: str = "<dsn-1@mx.customer.example>") -> bytes:
    """A Postfix-style delivery status notification about one of our mails."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>\r\n"
        f"To: {SUPPORT}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {report_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.customer.example\r\n\r\n"
        "Final-Recipient: rfc822; dana@customer.example\r\n"
        "Action: failed\r\nStatus: 5.2.2\r\n"
        "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: Acme Support <{SUPPORT}>\r\nTo: dana@customer.example\r\n"
        f"Subject: Re: [#1] Cannot log in\r\nMessage-ID: {returned_id}\r\n"
        "--B--\r\n"
    ).encode()


async def test_a_bounce_of_our_mail_is_noted_in_the_ticket_thread(desk: MailDesk) -> None:
    await desk.mail_in(mail())
    (card,) = await wait_for(desk.cards)
    (ack,) = await wait_for(lambda: desk.relay.mails)
    for _ in range(2):  # the MX may deliver the same report twice
        assert await desk.mail_in(report(ack.message["Message-ID"]), sender="") == (250, "OK")
    (note,) = await wait_for(
        lambda: [c for c in desk.in_thread(card.answer["ts"]) if "bounced" in c.args["text"]]
    )
    text = note.args["text"]
    assert "dana@customer.example" in text and "5.2.2" in text and "Mailbox full" in text
    other = report("<someone-elses@example.org>", "<dsn-2@mx.customer.example>")
    assert await desk.mail_in(other, sender="") == (250, "OK")  # not ours: nothing to say
    await desk.mail_in(mail(message_id="<next@mail.customer.example>", subject="Another"))
    await wait_for(lambda: len(desk.cards()) == 2)
    assert len([c for c in desk.api.named("chat.postMessage") if "bounced" in c.args["text"]]) == 1
    await wait_for(lambda: len(desk.relay.mails) == 2)  # the second ticket's acknowledgement
    assert [m.message["Subject"] for m in desk.relay.mails] == [
        "Re: [#1] Cannot log in",
        "Re: [#2] Another",
    ]  # and no answer to a report


async def test_an_out_of_office_reply_to_our_mail_is_no_bounce(desk: MailDesk) -> None:
    await desk.mail_in(mail())
    (card,) = await wait_for(desk.cards)
    (ack,) = await wait_for(lambda: desk.relay.mails)
    away = mail(
        subject="Automatic reply: Re: [#1] Cannot log in",
        message_id="<ooo@mail.customer.example>",
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": ack.message["Message-ID"]},
    )
    assert await desk.mail_in(away) == (250, "OK")
    await desk.mail_in(mail(message_id="<next@mail.customer.example>", subject="Another"))
    await wait_for(lambda: len(desk.cards()) == 2)
    assert not [c for c in desk.in_thread(card.answer["ts"]) if "bounced" in c.args["text"]]
