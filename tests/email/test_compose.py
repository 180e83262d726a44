"""Messages as mail: plain text, threading headers, Japanese that common clients show."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

from supportbot_email import ids
from supportbot_email.compose import Addressing, body_text, compose

from supportbot import markup
from supportbot.messages import Button, Field, Message
from tests.slack.kit import StubDirectory

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def how(**changes: object) -> Addressing:
    base: dict[str, object] = {
        "sender": ("サポート窓口", "support@acme.example"),
        "to": ("田中 花子", "hanako@sample-shoji.example"),
        "subject": "Re: [#42] ログインできません",
        "message_id": "ours-2@acme.example",
        "in_reply_to": "theirs-1@sample-shoji.example",
        "references": ("theirs-1@sample-shoji.example", "ours-1@acme.example"),
        "charset_hint": "iso-2022-jp",
        "locale": "ja",
    }
    return Addressing(**{**base, **changes})  # type: ignore[arg-type]


def reread(
    text: str, addressing: Addressing, automatic: bool = False
) -> email.message.EmailMessage:
    raw = compose(text, addressing, date=NOW, automatic=automatic).as_bytes()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_japanese_goes_out_in_iso_2022_jp_to_a_customer_who_wrote_in_it() -> None:
    mail = reread("パスワードを再設定しました。\n", how())
    assert mail.get_content_charset() == "iso-2022-jp"
    assert mail.get_content() == "パスワードを再設定しました。\n"
    assert str(mail["Subject"]) == "Re: [#42] ログインできません"
    assert str(mail["From"]) == "サポート窓口 <support@acme.example>"
    assert mail["In-Reply-To"] == "<theirs-1@sample-shoji.example>"
    assert mail["References"] == "<theirs-1@sample-shoji.example> <ours-1@acme.example>"


def test_text_iso_2022_jp_cannot_carry_goes_out_in_utf_8() -> None:
    mail = reread("①の手順をお試しください 🙏\n", how())
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content() == "①の手順をお試しください 🙏\n"
    assert reread("Hello\n", how(charset_hint=None)).get_content_charset() == "utf-8"


def test_only_the_desks_own_mail_is_marked_automatic() -> None:
    assert reread("ack", how(), automatic=True)["Auto-Submitted"] == "auto-replied"
    human = reread("reply", how())
    assert human["Auto-Submitted"] is None and human["X-Loop"] == "support@acme.example"


def test_a_message_as_plain_text_with_mentions_as_names_and_no_buttons() -> None:
    message = Message(
        title="Ticket #42",
        text=markup.Safe(f"{markup.mention('aiko')} says {markup.escape('**hi** <@U1>')}"),
        fields=(Field("Status", "Open"),),
        buttons=(Button("ticket.claim", "Claim", "42"),),
        context=("small print",),
    )
    text = body_text(message, StubDirectory(), footer="Acme [#42]")
    expected = "Ticket #42\n\nAiko says **hi** <@U1>\n\nStatus: Open\n\nsmall print\n\n"
    assert text == expected + "-- \nAcme [#42]\n"


def test_subjects_keep_one_tag_and_one_re() -> None:
    assert ids.reply_subject("Re: RE: [#42] Login", 42) == "Re: [#42] Login"
    assert ids.reply_subject("返信: ログイン", 7) == "Re: [#7] ログイン"
    assert ids.tagged_number("Re: [#42] Login") == 42 and ids.tagged_number("Login #42") is None
    assert ids.normalize("<" + "x" * 300 + "@a.example>").startswith("sha256:")
