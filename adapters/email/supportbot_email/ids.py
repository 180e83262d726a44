"""Message-IDs and ticket numbers: how mail threads map to supportbot's ids, and back.

A mail thread is known by the Message-ID of the mail that opened it (the *root*): it is the
ticket's requester thread (`ConversationRef("email", support address, root)`). Our own mails
get fresh Message-IDs in the support address's domain and carry the root first in
`References`, so a reply names the thread whichever client wrote it. Subjects carry `[#42]`,
the fallback for clients that drop the headers.
"""

from __future__ import annotations

import hashlib
import re
from email.utils import make_msgid

_MSGID = re.compile(r"<([^<>\s]+)>")
_BARE = re.compile(r"^\s*<?([^<>\s]+)>?\s*$")
_TAG = re.compile(r"\[#(\d{1,12})\]")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|sv|vs|tr|r|返信|転送)\s*(\[\d+\])?\s*[:：]\s*)+", re.I
)
MAX_ID = 180  # ticket_threads ids are 200 characters; longer Message-IDs are hashed


def normalize(value: str) -> str:
    """A Message-ID as we store it: without angle brackets, hashed when too long for a key."""
    match = _BARE.match(value)
    bare = match.group(1) if match else value.strip()
    if len(bare) <= MAX_ID:
        return bare
    return "sha256:" + hashlib.sha256(bare.encode("utf-8", "surrogateescape")).hexdigest()


def parse_list(header: str | None) -> list[str]:
    """Every `<id>` in a `References` or `In-Reply-To` value, in order, normalized."""
    if not header:
        return []
    return list(dict.fromkeys(normalize(m) for m in _MSGID.findall(header)))


def new_message_id(domain: str) -> str:
    """A fresh `<…@domain>` for a mail we send."""
    return make_msgid(domain=domain)


def tag(number: int) -> str:
    return f"[#{number}]"


def tagged_number(subject: str) -> int | None:
    """The ticket number a subject carries (`Re: [#42] Login fails` → 42)."""
    match = _TAG.search(subject)
    return int(match.group(1)) if match else None


def bare_subject(subject: str) -> str:
    """The subject without `Re:`/`Fwd:`/`返信:` prefixes and without our `[#42]` tag."""
    without_tag = _TAG.sub("", subject)
    return " ".join(_REPLY_PREFIX.sub("", without_tag).split())


def reply_subject(subject: str, number: int | None) -> str:
    """`Re: [#42] Login fails` for a mail in ticket 42's thread."""
    core = bare_subject(subject)
    tagged = f"{tag(number)} {core}".strip() if number is not None else core
    return f"Re: {tagged}" if tagged else "Re:"


def first_subject(subject: str, number: int | None) -> str:
    """`[#42] Login fails` for the first mail of a thread the desk opens."""
    return reply_subject(subject, number).removeprefix("Re:").strip()
