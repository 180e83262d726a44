"""Text out of mail bytes, for the charsets Japanese mail really uses.

Japanese mail is labelled with the JIS names but written by Windows and most webmail with the
Microsoft extensions (cp932): ①, ㈱, Ⅲ, the NEC and IBM kanji. Python's strict codecs turn
those into U+FFFD (a `=?shift_jis?B?…?=` subject with ① comes out as mojibake through
`email.policy.default`), so we map the labels to the codecs that are their superset, and for
ISO-2022-JP (where Python has no ISO-2022-JP-MS codec) rewrite the JIS bytes as cp932.
Unlabelled 8-bit text is tried as UTF-8, then cp932, then EUC-JP.
"""

from __future__ import annotations

import codecs
from email.header import decode_header

SUPERSETS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "euc-jp": "euc_jis_2004",
    "euc_jp": "euc_jis_2004",
    "x-euc-jp": "euc_jis_2004",
    "cseucpkdfmtjapanese": "euc_jis_2004",
    "us-ascii": "utf-8",  # 8-bit bytes under a us-ascii label are nearly always UTF-8
    "ascii": "utf-8",
}
ISO_2022_JP = frozenset(
    {"iso-2022-jp", "iso2022_jp", "csiso2022jp", "iso-2022-jp-ms", "cp50220", "cp50221"}
)
GUESSES = ("utf-8", "cp932", "euc_jis_2004")
JAPANESE = frozenset({"cp932", "euc_jis_2004", "iso-2022-jp"})
_ESC = 0x1B


def decode(data: bytes, charset: str | None) -> str:
    """`data` as text: the declared charset (or its superset), else a guess; never raises."""
    label = (charset or "").strip().strip('"').lower()
    if label in ISO_2022_JP or (not label and b"\x1b$" in data):
        return _iso_2022_jp(data)
    codec = _known(SUPERSETS.get(label, label))
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return guess(data)


def guess(data: bytes) -> str:
    for codec in GUESSES:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def codec_name(charset: str | None) -> str | None:
    """The codec `decode` uses for a label (`shift_jis` → `cp932`), for remembering it."""
    label = (charset or "").strip().strip('"').lower()
    if label in ISO_2022_JP:
        return "iso-2022-jp"
    return _known(SUPERSETS.get(label, label))


def header(raw: str) -> str:
    """A header value with its RFC 2047 encoded-words decoded (and raw 8-bit text guessed)."""
    out: list[str] = []
    for chunk, charset in decode_header(raw):
        if isinstance(chunk, str):  # no encoded-words in the value at all
            out.append(_raw_text(chunk))
        else:
            out.append(decode(chunk, charset) if charset else _raw_text(chunk.decode("latin-1")))
    return " ".join("".join(out).split()) if "\n" in raw else "".join(out)


def _raw_text(text: str) -> str:
    """Header text as the parser left it: 8-bit bytes survive as surrogate escapes (or, from
    `decode_header`, as latin-1), so turn them back into bytes and guess their charset."""
    try:
        data = text.encode("latin-1", errors="surrogateescape")
    except UnicodeEncodeError:
        return text
    return text if data.isascii() else guess(data)


def _known(codec: str) -> str | None:
    if not codec:
        return None
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return None


def _iso_2022_jp(data: bytes) -> str:
    try:
        return data.decode("iso2022_jp")
    except UnicodeDecodeError:
        return guess(_jis_as_cp932(data))


def _jis_as_cp932(data: bytes) -> bytes:
    """ISO-2022-JP(-MS) bytes rewritten as cp932: JIS X 0208 pairs (rows 13 and 89–92 hold the
    NEC and IBM extensions) become Shift_JIS pairs, JIS X 0201 katakana single bytes."""
    out = bytearray()
    mode, i = "ascii", 0
    while i < len(data):
        if data[i] == _ESC and i + 2 < len(data):
            mode = {b"$B": "kanji", b"$@": "kanji", b"(I": "kana"}.get(data[i + 1 : i + 3], "ascii")
            i += 3
        elif mode == "kanji" and i + 1 < len(data) and data[i] > 0x20:
            out += _sjis(data[i], data[i + 1])
            i += 2
        else:
            out.append(data[i] + 0x80 if mode == "kana" and 0x21 <= data[i] <= 0x5F else data[i])
            i += 1
    return bytes(out)


def _sjis(j1: int, j2: int) -> bytes:
    s1 = ((j1 + 1) >> 1) + 0x70
    s1 += 0x40 if s1 > 0x9F else 0
    # odd rows take the low half of the trail bytes (skipping 0x7F), even rows the high half
    s2 = (j2 + 0x1F + (j2 >= 0x60)) if j1 % 2 else (j2 + 0x7E)
    return bytes((s1 & 0xFF, s2 & 0xFF))
