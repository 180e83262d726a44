"""MIME → the text an agent should read: the HTML part as text, the new reply without quotes."""

from __future__ import annotations

from supportbot_email.parse import parse

from .kit import mail, sample


def test_an_html_only_mail_becomes_text_without_scripts_or_styles() -> None:
    parsed = parse(sample("html_only.eml"), fallback_id="x")
    assert "Our dashboard shows error 500 since this morning." in parsed.full_text
    assert "Plan: Pro" in parsed.full_text
    assert "alert" not in parsed.full_text and "margin" not in parsed.full_text


def test_a_reply_loses_its_quoted_history_and_signature() -> None:
    body = (
        "Thanks, that fixed it.\n\n-- \nDana Scully\nCustomer Inc.\n\n"
        "On Mon, 2 Mar 2026 at 10:00, Acme Support <support@acme.example> wrote:\n"
        "> Please try again now.\n"
    )
    parsed = parse(mail(body=body), fallback_id="x")
    assert parsed.text == "Thanks, that fixed it."
    ja = (
        "ありがとうございます。解決しました。\n\n"
        "2026年3月2日(月) 10:00 Acme Support <support@acme.example>:\n> もう一度お試しください。\n"
    )
    assert parse(mail(body=ja), fallback_id="x").text == "ありがとうございます。解決しました。"


def test_thread_ids_come_root_first_and_a_missing_message_id_gets_the_fallback() -> None:
    raw = mail(
        headers={"References": "<root@a.example> <mid@a.example>", "In-Reply-To": "<mid@a.example>"}
    )
    assert parse(raw, fallback_id="x").thread_ids == ("root@a.example", "mid@a.example")
    bare = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n"
    assert parse(bare, fallback_id="sha256:abc").message_id == "sha256:abc"


def test_corrupted_mail_is_refused_as_unreadable_never_a_crash() -> None:
    """Seeded byte flips and truncations of a real sample: each parses or is MailFormatError."""
    import random

    from supportbot_email.parse import MailFormatError

    base = sample("shiftjis_becky_attachment.eml")
    rng = random.Random(17)
    outcomes = {"parsed": 0, "refused": 0}
    for round_ in range(400):
        data = bytearray(base)
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if round_ % 3 == 0:
            data = data[: rng.randrange(len(data))]
        try:
            parse(bytes(data), fallback_id="x")
        except MailFormatError:  # anything else fails the test
            outcomes["refused"] += 1
        else:
            outcomes["parsed"] += 1
    assert outcomes["parsed"] > 0 and outcomes["refused"] > 0


def test_a_bounce_that_returns_the_whole_message_names_it() -> None:
    from supportbot_email.bounces import bounce_of

    raw = (
        b"From: MAILER-DAEMON@relay.example\r\nTo: support@acme.example\r\n"
        b"Subject: failure notice\r\nMessage-ID: <q@relay.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="X"\r\n\r\n'
        b"--X\r\nContent-Type: text/plain\r\n\r\nSorry, no mailbox here by that name.\r\n"
        b"--X\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: support@acme.example\r\nTo: gone@customer.example\r\n"
        b"Message-ID: <ours-1@acme.example>\r\nReferences: <root@customer.example>\r\n\r\nHi\r\n"
        b"--X--\r\n"
    )
    bounce = bounce_of(parse(raw, fallback_id="x"))
    assert bounce is not None
    assert bounce.message_ids == ("ours-1@acme.example", "root@customer.example")
    assert bounce_of(parse(raw.replace(b"MAILER-DAEMON", b"dana"), fallback_id="x")) is None
