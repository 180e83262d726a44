"""Slack's message text (mrkdwn with `<…>` control sequences and `&lt;` entities) as plain text.

Inbound text becomes what a person would read, so workflows match words, not wire syntax:
`<!channel>` → `@channel`, `<#C1|support>` → `#support`, `<https://x|docs>` → `docs (https://x)`,
`&lt;` → `<`. A user mention keeps the user id, `<@U123|aiko>` → `@U123`: the command grammar
reads `@U123` as a platform mention (`assign 42 @U123`), while a Slack name would be ambiguous.
The core escapes the text again before it is shown anywhere.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"<([^<>]*)>")
_SPECIALS = {"!channel": "@channel", "!here": "@here", "!everyone": "@everyone"}


def to_plain(text: str, *, strip_user: str | None = None) -> str:
    """Decode Slack text; `strip_user` removes mentions of that user (the bot itself)."""
    if strip_user:
        text = re.sub(rf"<@{re.escape(strip_user)}(?:\|[^>]*)?>", "", text)
    decoded = _CONTROL.sub(_control_to_plain, text)
    return _unescape(decoded).strip() if strip_user else _unescape(decoded)


def mentions(text: str, user_id: str) -> bool:
    return re.search(rf"<@{re.escape(user_id)}(?:\|[^>]*)?>", text) is not None


def _control_to_plain(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("@"):
        return target
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return label if label.startswith("@") else "@" + (label or target[len("!subteam^") :])
    if target.startswith("!"):
        return _SPECIALS.get(target, label or target[1:])
    url = target.removeprefix("mailto:")
    return f"{label} ({url})" if label and label != url else url


def _unescape(text: str) -> str:
    # &amp; last, so "&amp;lt;" (a typed "&lt;") stays "&lt;".
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
