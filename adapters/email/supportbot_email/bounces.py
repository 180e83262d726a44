"""Our own mail came back: which of our mails a delivery report is about, and why it failed.

A bounce opens no ticket and gets no answer (`loops.py`), but the agents must hear of it: the
customer never read the answer. A delivery status notification (RFC 3464) carries the returned
message (`message/rfc822`) or its headers (`text/rfc822-headers`), so its Message-ID names the
mail of ours that failed, and its `message/delivery-status` part says for whom and why. Pure:
parsed mail in, a `Bounce` out (or None when the report names no mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import HeaderParser

from supportbot_email import ids
from supportbot_email.parse import ParsedMail

MAX_DIAGNOSTIC = 300
DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
RETURNED = frozenset({"message/rfc822", "text/rfc822-headers"})


@dataclass(frozen=True, slots=True)
class Bounce:
    message_ids: tuple[str, ...]  # the returned mail's Message-ID (and its ancestors)
    recipient: str = ""
    status: str = ""  # the enhanced status code, e.g. 5.1.1
    diagnostic: str = ""


def bounce_of(mail: ParsedMail) -> Bounce | None:
    """The failed delivery a report describes; None for anything else (an out-of-office reply
    also names our mail in `In-Reply-To`, but it is no bounce)."""
    kinds = {p.get_content_type() for p in mail.message.walk()}
    daemon = mail.sender.partition("@")[0] in DAEMONS
    if "message/delivery-status" not in kinds and not (daemon and kinds & RETURNED):
        return None
    found: list[str] = []
    recipient = status = diagnostic = ""
    for part in mail.message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            found += _ids_of(_inner(part))
        elif kind == "text/rfc822-headers":
            text = part.get_payload(decode=True)
            data = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            found += _ids_of(HeaderParser(policy=policy.default).parsestr(data))
        elif kind == "message/delivery-status":
            fields = _status_fields(part)
            recipient = recipient or fields.get("final-recipient", "").partition(";")[2].strip()
            status = status or fields.get("status", "")
            diagnostic = diagnostic or fields.get("diagnostic-code", "").partition(";")[2].strip()
    found += [*mail.in_reply_to, *mail.references]
    if not found:
        return None
    return Bounce(
        message_ids=tuple(dict.fromkeys(found)),
        recipient=recipient.lower(),
        status=status,
        diagnostic=" ".join(diagnostic.split())[:MAX_DIAGNOSTIC],
    )


def _inner(part: Message) -> Message | None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    return inner if isinstance(inner, Message) else None


def _ids_of(headers: Message | None) -> list[str]:
    if headers is None:
        return []
    own = ids.parse_list(str(headers.get("Message-ID", "")))
    return own + ids.parse_list(str(headers.get("References", "")))


def _status_fields(part: Message) -> dict[str, str]:
    """The report's fields (per-message and per-recipient blocks), first value of each."""
    fields: dict[str, str] = {}
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks:
        if isinstance(block, Message):
            for name, value in block.items():
                fields.setdefault(name.lower(), str(value).strip())
    return fields
