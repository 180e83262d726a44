"""The neutral markup every `Message` is written in, and its escaping.

Templates and views write a tiny, platform-neutral markup; adapters parse it into spans and render
each span natively (Slack mrkdwn, Teams markdown/HTML, the playground's DOM), escaping plain text
the way their platform needs. Customer text enters the markup only through `escape()`, so a
customer can never produce a bold span, a link or a mention, let alone `<!channel>`.

Syntax (a deliberately small subset):
    **bold**        [label](https://url)        `code`
    <@person:ID>    a mention of a supportbot person (adapters map it to a platform user)
    <@group:NAME>   a mention of a department's on-call group
    \\X             a literal X (what `escape` produces for the special characters)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

_SPECIAL = re.compile(r"([\\*\[\]()`<>])")
_TOKEN = re.compile(
    r"\\(?P<esc>.)"
    r"|\*\*(?P<bold>(?:\\.|[^*\\])+)\*\*"
    r"|\[(?P<label>(?:\\.|[^\]\\])+)\]\((?P<url>https?://[^)\s]+)\)"
    r"|`(?P<code>[^`]+)`"
    r"|<@(?P<kind>person|group):(?P<ref>[^>\s]+)>",
    re.DOTALL,
)
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


class Safe(str):
    """A string that is already markup (templates leave it as it is)."""

    __slots__ = ()


def escape(text: str) -> Safe:
    """Turn any text into markup that shows it literally."""
    return Safe(_SPECIAL.sub(r"\\\1", text))


def mention(person_id: str) -> Safe:
    return Safe(f"<@person:{person_id}>")


def group_mention(name: str) -> Safe:
    return Safe(f"<@group:{name}>")


def bold(text: str) -> Safe:
    return Safe(f"**{escape(text)}**")


def link(label: str, url: str) -> Safe:
    return Safe(f"[{escape(label)}]({url})")


@dataclass(frozen=True, slots=True)
class Plain:
    text: str


@dataclass(frozen=True, slots=True)
class Bold:
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str  # "person" or "group"
    ref: str


Span = Plain | Bold | Link | Code | Mention


@functools.lru_cache(maxsize=4096)
def parse(markup: str) -> tuple[Span, ...]:
    """Split markup into spans; adjacent plain text is merged. Spans are immutable, so the
    same markup (a card's labels, a template's fixed lines) is parsed once."""
    spans: list[Span] = []
    pos = 0
    for m in _TOKEN.finditer(markup):
        if m.start() > pos:
            _add_plain(spans, markup[pos : m.start()])
        pos = m.end()
        if m.group("esc") is not None:
            _add_plain(spans, m.group("esc"))
        elif m.group("bold") is not None:
            spans.append(Bold(_UNESCAPE.sub(r"\1", m.group("bold"))))
        elif m.group("label") is not None:
            spans.append(Link(_UNESCAPE.sub(r"\1", m.group("label")), m.group("url")))
        elif m.group("code") is not None:
            spans.append(Code(m.group("code")))
        else:
            spans.append(Mention(m.group("kind"), m.group("ref")))
    if pos < len(markup):
        _add_plain(spans, markup[pos:])
    return tuple(spans)


def _add_plain(spans: list[Span], text: str) -> None:
    if spans and isinstance(spans[-1], Plain):
        spans[-1] = Plain(spans[-1].text + text)
    else:
        spans.append(Plain(text))


def to_plain(markup: str, name: Callable[[str], str] | None = None) -> str:
    """The markup as plain text (for notifications, logs and fallbacks). With `name`, a
    person's mention shows as `@` and what `name` gives for the handle (for readers outside
    the desk, who must not see internal handles); without, as `@handle`."""
    out: list[str] = []
    for span in parse(markup):
        match span:
            case Plain(text) | Bold(text) | Code(text):
                out.append(text)
            case Link(label, url):
                out.append(f"{label} ({url})")
            case Mention("person", ref) if name is not None:
                out.append(f"@{name(ref)}")
            case Mention(_, ref):
                out.append(f"@{ref}")
    return "".join(out)
