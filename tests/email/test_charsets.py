"""Japanese mail as clients really write it (samples/): labels, Microsoft extensions, headers."""

from __future__ import annotations

import pytest
from supportbot_email import charsets
from supportbot_email.parse import parse

from .kit import sample


@pytest.mark.parametrize(
    ("name", "sender", "subject", "text"),
    [
        (
            "iso2022jp_thunderbird.eml",
            "田中 花子",
            "ログインできません",
            "「認証エラー」と表示されます",
        ),
        # Outlook writes ISO-2022-JP-MS: ① and ㈱ in NEC row 13, which Python's codec refuses
        ("iso2022jp_ms_outlook.eml", "鈴木 一郎", "①請求書の件（㈱サンプル商事）", "②再発行"),
        # labelled Shift_JIS, written cp932 (髙 and ① are not in Shift_JIS)
        ("shiftjis_becky_attachment.eml", "髙橋 次郎", "ボタンが押せません①", "①のボタン"),
        ("eucjp_gnus.eml", "佐藤 美咲", "配送状況の確認", "注文番号 12345"),
    ],
)
def test_japanese_bodies_and_encoded_headers_decode(
    name: str, sender: str, subject: str, text: str
) -> None:
    mail = parse(sample(name), fallback_id="x")
    assert (mail.sender_name, mail.subject) == (sender, subject)
    assert text in mail.full_text
    assert "\ufffd" not in mail.full_text + mail.subject + mail.sender_name
    assert mail.locale == "ja"


def test_the_rfc_2231_file_name_of_an_attachment_decodes() -> None:
    mail = parse(sample("shiftjis_becky_attachment.eml"), fallback_id="x")
    assert [(p.name, p.content_type, len(p.data)) for p in mail.parts] == [
        ("画面.png", "image/png", 72)
    ]


def test_raw_8_bit_headers_and_unknown_labels_are_guessed() -> None:
    raw_subject = "請求書".encode("cp932").decode("ascii", "surrogateescape")
    assert charsets.header(raw_subject) == "請求書"
    assert charsets.decode("日本語".encode("euc_jp"), "x-unknown-charset") == "日本語"
    assert charsets.decode("日本語".encode("iso2022_jp"), None) == "日本語"  # escapes, no label
    assert charsets.decode(b"caf\xc3\xa9", "us-ascii") == "café"
