"""A neutral `Message` → one MIME mail with the headers that thread it.

Plain text only; a CSAT poll's faces become signed links (`csat.py`). Japanese: a customer who
wrote in ISO-2022-JP gets ISO-2022-JP back (what their client surely shows; headers as RFC 2047
encoded-words in the same charset) whenever the text fits it; everything else goes out as
UTF-8 with base64 bodies, which every current client shows. Mail the desk writes by itself
(acknowledgements, notices) says `Auto-Submitted: auto-replied` so other robots do not answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

from supportbot import markup
from supportbot.adapter import Directory
from supportbot.messages import Message

HUMAN_KINDS = frozenset({"reply"})  # an agent wrote it: no Auto-Submitted


@dataclass(frozen=True, slots=True)
class Addressing:
    sender: tuple[str, str]  # (display name, address)
    to: tuple[str, str]
    subject: str
    message_id: str  # bare, without angle brackets
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    charset_hint: str | None = None  # the customer's charset
    locale: str | None = None


def body_text(message: Message, directory: Directory, footer: str = "", links: str = "") -> str:
    """The message as plain text: title, text, fields as `label: value`, the links that stand
    for its buttons (a poll's signed links), the small print."""
    blocks = [plain(message.title, directory), plain(message.text, directory)]
    if message.fields:
        blocks.append(
            "\n".join(
                f"{plain(f.label, directory)}: {plain(f.value, directory)}" for f in message.fields
            )
        )
    if links:
        blocks.append(links)
    if message.context:
        blocks.append("\n".join(plain(c, directory) for c in message.context))
    if footer:
        blocks.append(f"-- \n{footer}")  # "-- " opens a signature, which clients grey out
    return "\n\n".join(b.strip("\n") for b in blocks if b.strip()) + "\n"


def plain(source: str, directory: Directory) -> str:
    out: list[str] = []
    for span in markup.parse(source):
        match span:
            case markup.Mention("person", ref):
                out.append(directory.display_name(ref) or ref)
            case markup.Mention(_, ref):
                out.append(f"@{ref}")
            case markup.Link(label, url):
                out.append(label if label == url else f"{label} <{url}>")
            case markup.Plain(text) | markup.Bold(text) | markup.Code(text):
                out.append(text)
    return "".join(out)


def compose(text: str, how: Addressing, *, date: datetime, automatic: bool) -> MIMEText:
    charset = _charset(how, text)
    mail = MIMEText(text, "plain", charset)
    mail["From"] = formataddr(how.sender, charset=charset)
    mail["To"] = formataddr(how.to, charset=charset)
    mail["Subject"] = Header(how.subject, charset)  # type: ignore[assignment]  # compat32 takes Header
    mail["Date"] = format_datetime(date)
    mail["Message-ID"] = f"<{how.message_id}>"
    if how.in_reply_to and _sendable(how.in_reply_to):
        mail["In-Reply-To"] = f"<{how.in_reply_to}>"
    references = [f"<{r}>" for r in how.references if _sendable(r)]
    if references:
        mail["References"] = " ".join(references)
    if how.locale:
        mail["Content-Language"] = how.locale
    mail["X-Loop"] = how.sender[1]
    # Exchange and Outlook send no out-of-office notice to mail that asks them not to.
    mail["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    if automatic:
        mail["Auto-Submitted"] = "auto-replied"
    return mail


def _charset(how: Addressing, text: str) -> str:
    if how.charset_hint != "iso-2022-jp":
        return "utf-8"
    try:
        (text + how.subject + how.sender[0] + how.to[0]).encode("iso2022_jp")
    except UnicodeEncodeError:
        return "utf-8"  # ①, emoji, 髙…: ISO-2022-JP cannot carry them
    return "iso-2022-jp"


def _sendable(message_id: str) -> bool:
    return not message_id.startswith("sha256:")  # too long to store, so we cannot repeat it
