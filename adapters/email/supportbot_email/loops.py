"""Mail nobody wrote: auto-replies, out-of-office notices, bounces and our own mail coming back.

Such mail opens no ticket and gets no answer (RFC 3834 §2: never answer an automatic message),
or two desks (or a desk and a vacation responder) would write to each other forever. The
signals, strongest first: the null envelope sender of bounces, delivery and read reports
(`multipart/report`), `Auto-Submitted`, `Precedence: bulk/junk/auto_reply`, the vendor headers
of Exchange and friends, our own `X-Loop`, and the subject prefixes out-of-office replies use.
`Precedence: list` and `List-Id` are *not* signals: a support address that is a Google Group
forwards real customers' mail with both.
"""

from __future__ import annotations

import re

from supportbot_email.parse import ParsedMail

_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply", "auto-reply"})
_VENDOR_FLAGS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponse",
    "X-Vacation",
    "X-Failed-Recipients",
)
_REPORT_TYPES = frozenset({"delivery-status", "disposition-notification", "feedback-report"})
_REPORT_PARTS = frozenset(
    {"message/delivery-status", "message/disposition-notification", "message/feedback-report"}
)
_DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_OUT_OF_OFFICE = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|autoreply|"
    r"abwesenheitsnotiz|r[ée]ponse automatique|自動応答|自動返信|自動送信|不在(通知)?)\s*[:：]",
    re.IGNORECASE,
)


def automatic(mail: ParsedMail, *, envelope_sender: str | None, own: frozenset[str]) -> str | None:
    """Why `mail` was written by a machine (a short reason for the log), or None."""
    if envelope_sender is not None and envelope_sender.strip("<> ") == "":
        return "null envelope sender (a bounce or report)"
    if mail.sender in own:
        return "sent from a support address (our own mail came back)"
    return (
        _report(mail)
        or _auto_submitted(mail)
        or _precedence(mail)
        or _vendor(mail)
        or _loop(mail, own)
        or _daemon(mail)
        or _out_of_office(mail)
    )


def _report(mail: ParsedMail) -> str | None:
    msg = mail.message
    if msg.get_content_type() == "multipart/report":
        kind = str(msg.get_param("report-type", "") or "").lower()
        if kind in _REPORT_TYPES or not kind:
            return f"a {kind or 'delivery'} report"
    for part in msg.walk():
        if part.get_content_type() in _REPORT_PARTS:
            return f"carries a {part.get_content_type()} part"
    return None


def _auto_submitted(mail: ParsedMail) -> str | None:
    value = mail.header("Auto-Submitted").split(";")[0].strip().lower()
    return f"Auto-Submitted: {value}" if value and value != "no" else None


def _precedence(mail: ParsedMail) -> str | None:
    value = mail.header("Precedence").strip().lower()
    return f"Precedence: {value}" if value in _PRECEDENCE else None


def _vendor(mail: ParsedMail) -> str | None:
    for name in _VENDOR_FLAGS:
        value = mail.header(name).strip().lower()
        if value and value not in ("no", "false", "0"):
            return f"{name}: {value}"
    suppress = mail.header("X-Auto-Response-Suppress").lower()
    if "oof" in suppress and mail.header("X-MS-Exchange-Inbox-Rules-Loop"):
        return "an Exchange inbox rule's reply"
    return None


def _loop(mail: ParsedMail, own: frozenset[str]) -> str | None:
    for value in mail.raw_headers("X-Loop"):
        if value.strip().lower() in own:
            return f"X-Loop: {value.strip()}"
    return None


def _daemon(mail: ParsedMail) -> str | None:
    local = mail.sender.partition("@")[0]
    return f"from {mail.sender}" if local in _DAEMONS else None


def _out_of_office(mail: ParsedMail) -> str | None:
    return "an out-of-office subject" if _OUT_OF_OFFICE.match(mail.subject) else None
