"""One raw RFC 822 message → `ParsedMail`: who, to whom, the ids that thread it, the new text.

A pure translator: bytes in, a frozen value out, no I/O. The body is the text/plain part (or
the HTML one turned into text when there is none), decoded by `charsets` and cut to the new
reply: quoted history and signatures are removed by `mail-parser-reply`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import html_text
from mailparser_reply import EmailReplyParser

from supportbot_email import charsets, ids

_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)
_KANA = re.compile(r"[\u3040-\u30ff]")
_REPLY_LANGUAGES = ["en", "ja", "de", "fr", "es"]
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")


class MailFormatError(ValueError):
    """The bytes are not a mail we can read (no sender, no Message-ID and no content)."""


@dataclass(frozen=True, slots=True)
class Part:
    """An attachment (or inline file) as it came: its name, type and decoded bytes."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ParsedMail:
    sender: str  # the From address, lower-case
    sender_name: str
    subject: str
    text: str  # the new text, quoted history and signature cut (for replies)
    full_text: str  # the whole body as text (a new mail may be a forwarded one)
    message_id: str  # normalized (see ids.normalize); a hash of the bytes when missing
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    recipients: tuple[str, ...]  # from the headers, lower-case (the envelope may differ)
    charset: str | None  # the body's codec, to answer in kind (iso-2022-jp)
    locale: str | None  # "ja" when the mail is Japanese
    parts: tuple[Part, ...]
    message: EmailMessage  # the parsed message, for the loop and trust checks

    def header(self, name: str) -> str:
        """A header's decoded value ('' when absent)."""
        raw = self.raw_headers(name)
        return charsets.header(raw[0]) if raw else ""

    def raw_headers(self, name: str) -> list[str]:
        wanted = name.lower()
        return [str(v) for k, v in self.message.raw_items() if k.lower() == wanted]

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Every id this mail names as an ancestor, the root (first reference) first."""
        return tuple(dict.fromkeys((*self.references, *self.in_reply_to)))


def parse(raw: bytes, *, fallback_id: str) -> ParsedMail:
    """Read one message; `fallback_id` is its id when it has no Message-ID.

    Raises only `MailFormatError`: the stdlib parser is lenient, but its lazy header and payload
    decoding can still fail on corrupted bytes (bad base64 in an encoded-word, a NUL in a
    header, surrogates), and such a mail must be refused, not retried by the sender's MTA.
    """
    try:
        return _parse(raw, fallback_id)
    except MailFormatError:
        raise
    except (ValueError, UnicodeError, LookupError, TypeError, MessageError) as exc:
        raise MailFormatError(f"the mail cannot be read: {exc}") from exc


def _parse(raw: bytes, fallback_id: str) -> ParsedMail:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)  # policy.default builds EmailMessage objects
    name, sender = _address(msg, "From")
    if not sender:
        raise MailFormatError("the mail has no From address")
    body = _body_part(msg)
    text, charset = _text(body) if body is not None else ("", None)
    message_id = ids.parse_list(_raw(msg, "Message-ID"))
    return ParsedMail(
        sender=sender,
        sender_name=name,
        subject=charsets.header(_raw(msg, "Subject")).strip(),
        text=_new_text(text),
        full_text=text.strip(),
        message_id=message_id[0] if message_id else fallback_id,
        in_reply_to=tuple(ids.parse_list(_raw(msg, "In-Reply-To"))),
        references=tuple(ids.parse_list(_raw(msg, "References"))),
        recipients=_recipients(msg),
        charset=charset,
        locale="ja" if _is_japanese(text, charset) else None,
        parts=tuple(_parts(msg, body)),
        message=msg,
    )


def _raw(msg: Message, name: str) -> str:
    wanted = name.lower()
    return next((str(v) for k, v in msg.raw_items() if k.lower() == wanted), "")


def _address(msg: Message, name: str) -> tuple[str, str]:
    display, address = parseaddr(_raw(msg, name))
    return charsets.header(display).strip(), address.strip().lower()


def _recipients(msg: Message) -> tuple[str, ...]:
    values = [_raw(msg, h) for h in _RECIPIENT_HEADERS]
    found = [a.strip().lower() for _, a in getaddresses([v for v in values if v]) if "@" in a]
    return tuple(dict.fromkeys(found))


def _body_part(msg: EmailMessage) -> EmailMessage | None:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part if isinstance(part, EmailMessage) else None


def _text(part: Message) -> tuple[str, str | None]:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    declared = part.get_content_charset()
    text = charsets.decode(data, declared)
    if part.get_content_subtype() == "html":
        text = html_text.extract_text(text, guess_layout=True) if text.strip() else ""
    return text.replace("\r\n", "\n"), charsets.codec_name(declared)


def _new_text(text: str) -> str:
    """The reply without the quoted history and signature (the whole text when that would
    leave nothing, as when a customer writes below the quote)."""
    if not text.strip():
        return ""
    text = _SIGNATURE.split(text, maxsplit=1)[0]  # RFC 3676 §4.3: "-- " alone opens one
    reply = EmailReplyParser(languages=list(_REPLY_LANGUAGES)).parse_reply(text=text)
    return (reply or text).strip()


def _is_japanese(text: str, charset: str | None) -> bool:
    return charset in charsets.JAPANESE or bool(_KANA.search(text))


def _parts(msg: EmailMessage, body: Message | None) -> list[Part]:
    found: list[Part] = []
    for part in msg.walk():
        if part is body or part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if filename is None and disposition != "attachment":
            continue  # an alternative rendering of the body, not a file
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name = charsets.header(filename) if filename else f"attachment-{len(found) + 1}"
        found.append(Part(name=name, content_type=part.get_content_type(), data=data))
    return found
