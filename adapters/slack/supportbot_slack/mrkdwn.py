"""Neutral markup → Slack mrkdwn, escaping everything a person typed.

Slack reads `<…>` as control sequences (`<!channel>`, `<@U123>`, `<https://x|label>`) and `&`
as the start of an entity, so plain text gets `&amp;`, `&lt;`, `&gt;` (Slack's own rule): a
customer's `<!channel>` then shows as typed and pings no one. Only our own spans (mentions
resolved through the directory, links from templates) become control sequences.
"""

from __future__ import annotations

from supportbot.adapter import Directory
from supportbot.markup import Bold, Code, Link, Mention, Plain, Span, parse, to_plain

PLATFORM = "slack"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_text(markup: str, directory: Directory) -> str:
    """Markup as mrkdwn for a section, a field or a context element."""
    return "".join(_span(span, directory) for span in parse(markup))


def render_plain(markup: str, limit: int) -> str:
    """Markup as Slack `plain_text` (headers, button labels, modal titles): never parsed."""
    return truncate(to_plain(markup), limit)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _span(span: Span, directory: Directory) -> str:
    match span:
        case Plain(text):
            return escape(text)
        case Bold(text):
            return f"*{escape(text)}*" if text.strip() else escape(text)
        case Code(text):
            return f"`{escape(text)}`"
        case Link(label, url):
            return f"<{_url(url)}|{escape(label)}>"
        case Mention(kind="group", ref=ref):
            group = directory.group_id(ref, PLATFORM)
            return f"<!subteam^{group}>" if group else escape(f"@{ref}")
        case Mention(ref=ref):
            user = directory.user_id(ref, PLATFORM)
            return f"<@{user}>" if user else escape(f"@{directory.display_name(ref)}")
    return ""  # pragma: no cover - parse() yields only the spans above


def _url(url: str) -> str:
    # `|` ends the URL part of `<url|label>`; percent-encoding keeps the same address.
    return escape(url).replace("|", "%7C")
