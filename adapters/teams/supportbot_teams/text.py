"""Neutral markup → the markdown subset Teams renders in Adaptive Card text, with mentions.

Plain text is backslash-escaped so nothing a customer typed becomes bold, a link, a list or a
mention: Teams turns `<at>Name</at>` into a mention whenever the card lists an entity with that
exact text, so `<` and `>` are escaped too and only the renderer writes `<at>` tags.
"""

from __future__ import annotations

import re
from typing import Any

from supportbot import markup
from supportbot.adapter import Directory
from supportbot_teams.ids import PLATFORM

# Only what Teams' card markdown acts on (emphasis, links, `<at>`): each backslash we add is
# one an older mobile client may show.
_MARKDOWN = re.compile(r"([\\*_~\[\]<>])")
_LIST_MARK = re.compile(r"^(\s*)([-+]|\d+\.)(?=\s)", re.MULTILINE)
_ANGLES = re.compile(r"[<>]")


def escape_markdown(text: str) -> str:
    """Text that shows literally in a card's TextBlock or FactSet."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _LIST_MARK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


class CardText:
    """Renders markup for one card and collects the mention entities the card must carry."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.entities: list[dict[str, Any]] = []

    def __call__(self, source: str) -> str:
        return "".join(self._span(span) for span in markup.parse(source))

    def _span(self, span: markup.Span) -> str:
        match span:
            case markup.Bold(text):
                return f"**{escape_markdown(text)}**" if text.strip() else escape_markdown(text)
            case markup.Link(label, url):
                return f"[{escape_markdown(label)}]({url})"
            case markup.Mention("person", ref):
                return self._person(ref)
            case markup.Mention(_, ref):
                return self._group(ref)
            case markup.Plain(text) | markup.Code(text):
                return escape_markdown(text)
        return ""

    def _person(self, ref: str) -> str:
        name = self.directory.display_name(ref) or ref
        user_id = self.directory.user_id(ref, PLATFORM)
        if not user_id:
            return escape_markdown(f"@{name}")
        return self._mention({"id": user_id, "name": _ANGLES.sub("", name)})

    def _group(self, name: str) -> str:
        tag_id = self.directory.group_id(name, PLATFORM)
        if not tag_id:
            return escape_markdown(f"@{name}")
        return self._mention({"id": tag_id, "name": _ANGLES.sub("", name), "type": "tag"})

    def _mention(self, mentioned: dict[str, str]) -> str:
        tag = f"<at>{mentioned['name']}</at>"
        entity = {"type": "mention", "text": tag, "mentioned": mentioned}
        if entity not in self.entities:
            self.entities.append(entity)
        return tag


def plain(source: str, directory: Directory | None = None) -> str:
    """Markup as plain text, for places Teams shows verbatim (button titles, notifications,
    invoke answers). With a directory people appear by name, not by their supportbot id."""
    if directory is None:
        return markup.to_plain(source)
    return "".join(_plain_span(span, directory) for span in markup.parse(source))


def _plain_span(span: markup.Span, directory: Directory) -> str:
    match span:
        case markup.Mention("person", ref):
            return f"@{directory.display_name(ref) or ref}"
        case markup.Mention(_, ref):
            return f"@{ref}"
        case markup.Link(label, url):
            return f"{label} ({url})"
        case markup.Plain(text) | markup.Bold(text) | markup.Code(text):
            return text
    return ""
