"""A mail in → a ticket card on Slack → `reply:` in its thread → a mail out → the customer's
answer back in the same thread: real SMTP both ways, signed Slack requests, mock Web API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.slack.kit import MockSlackApi

from .desk import MailDesk, start_mail_desk
from .kit import SUPPORT, CapturingRelay, mail, sample, wait_for


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


async def test_a_japanese_iso_2022_jp_mail_round_trip(desk: MailDesk) -> None:
    assert (await desk.mail_in(sample("iso2022jp_thunderbird.eml"), "hanako@sample-shoji.example"))[
        0
    ] == 250
    (card,) = await wait_for(desk.cards)
    blocks = str(card.args["blocks"])
    assert "ログインできません" in blocks and "認証エラー" in blocks
    assert "田中 花子" in blocks  # the MIME-encoded From name
    (ack,) = await wait_for(lambda: desk.relay.mails)
    assert ack.message.get_content_charset() == "iso-2022-jp"  # answered in kind
    assert b"\x1b$B" in ack.raw  # JIS escapes on the wire, 7-bit clean
    assert "お問い合わせ" in ack.text() or "チケット" in ack.text()  # the ack is in Japanese

    text = "reply: ご不便をおかけしました。パスワードを再設定しました。"
    assert await desk.slack_thread_reply(card.answer["ts"], text) == 200
    reply = (await wait_for(lambda: desk.relay.mails[1:]))[0]
    assert reply.message.get_content_charset() == "iso-2022-jp"
    assert "パスワードを再設定しました。" in reply.text()
    assert str(reply.message["Subject"]) == "Re: [#1] ログインできません"
    assert reply.message["Content-Language"] == "ja"

    answer = (
        "From: =?ISO-2022-JP?B?GyRCRURDZhsoQiAbJEIyVjtSGyhC?= <hanako@sample-shoji.example>\r\n"
        "To: support@acme.example\r\n"
        f"Subject: {reply.message['Subject']}\r\n"
        "Message-ID: <ja-answer-2@sample-shoji.example>\r\n"
        f"In-Reply-To: {reply.message['Message-ID']}\r\n"
        f"References: {reply.message['References']} {reply.message['Message-ID']}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
        "Content-Transfer-Encoding: 7bit\r\n\r\n"
    ).encode() + "ログインできました。ありがとうございます。\r\n".encode("iso2022_jp")
    assert (await desk.mail_in(answer, "hanako@sample-shoji.example"))[0] == 250
    await wait_for(
        lambda: [
            c for c in desk.in_thread(card.answer["ts"]) if "ログインできました" in c.args["text"]
        ]
    )
    assert len(desk.cards()) == 1


async def test_an_out_of_office_reply_opens_nothing_and_gets_no_answer(desk: MailDesk) -> None:
    for name in ("ooo_exchange.eml", "ooo_vacation_ja.eml", "dsn_bounce.eml"):
        assert (await desk.mail_in(sample(name)))[0] == 250  # accepted, so the MX stops trying
    bounce = mail(message_id="<bounce-3@customer.example>")
    assert (await desk.mail_in(bounce, sender=""))[0] == 250  # MAIL FROM:<>: a bounce
    await desk.mail_in(mail(message_id="<real-4@customer.example>"))  # then a real one
    await wait_for(desk.cards)
    await wait_for(lambda: desk.relay.mails)
    assert len(desk.cards()) == 1
    assert [m.recipients for m in desk.relay.mails] == [["dana@customer.example"]]


async def test_a_spoofed_sender_is_marked_on_the_card(desk: MailDesk) -> None:
    spoofed = mail(
        sender="Acme CEO <ceo@acme-partner.example>",
        message_id="<spoof-1@attacker.example>",
        headers={
            # what the sender wrote themselves: another authserv-id, so it counts for nothing
            "Authentication-Results": (
                "mx.acme.example.evil; dkim=pass header.d=acme-partner.example"
            ),
        },
    )
    honest = mail(
        sender="Dana Scully <dana@customer.example>",
        message_id="<honest-2@mail.customer.example>",
        headers={
            "Authentication-Results": (
                "mx.acme.example; dkim=pass header.d=customer.example; "
                "dmarc=pass header.from=customer.example"
            )
        },
    )
    await desk.mail_in(spoofed)
    await desk.mail_in(honest)
    cards = await wait_for(lambda: len(desk.cards()) == 2 and desk.cards())
    first, second = (str(c.args["blocks"]) for c in cards)
    assert "Acme CEO" in first and "unverified sender" in first
    assert "Dana Scully" in second and "unverified" not in second


async def test_a_relay_that_says_dkim_fail_marks_the_sender(desk: MailDesk) -> None:
    failed = mail(
        headers={"Authentication-Results": "mx.acme.example; dkim=fail header.d=customer.example"}
    )
    await desk.mail_in(failed)
    (card,) = await wait_for(desk.cards)
    assert "unverified sender" in str(card.args["blocks"])


async def test_raw_mail_over_http_with_a_bearer_key(desk: MailDesk) -> None:
    from supportbot.intake import add_key
    from supportbot.server import DESK

    key = await add_key(desk.client.app[DESK], "mail-gateway")
    url = "/api/email/inbound"
    raw = sample("shiftjis_becky_attachment.eml")
    assert (await desk.client.post(url, data=raw)).status == 401
    wrong = {"Authorization": "Bearer sbk_wrong"}
    assert (await desk.client.post(url, data=raw, headers=wrong)).status == 401
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "message/rfc822"}
    response = await desk.client.post(url, data=raw, headers=auth)
    assert (response.status, await response.json()) == (202, {"status": "accepted"})
    again = await desk.client.post(url, data=raw, headers=auth)
    assert (again.status, await again.json()) == (200, {"status": "duplicate"})
    (card,) = desk.cards()
    blocks = str(card.args["blocks"])
    assert "ボタンが押せません①" in blocks and "髙橋" in blocks  # cp932 under a Shift_JIS label
    assert "画面.png (72 B)" in blocks  # the attachment, listed
    garbage = await desk.client.post(url, data=b"no headers at all", headers=auth)
    assert garbage.status == 422 and "From" in (await garbage.json())["error"]
    ooo = await desk.client.post(url, data=sample("ooo_exchange.eml"), headers=auth)
    assert (await ooo.json())["status"] == "ignored"
