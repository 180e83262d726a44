"""Article Markdown as the desk's neutral markup (for messages) and as plain text (for search).

markdown-it-py parses CommonMark (plus tables); we keep what every chat platform can show:
paragraphs, headings (as bold lines), lists, tables (one row a line), bold, inline code and
http(s) links. Everything else becomes its text, escaped, so an article can never produce a
mention or a broken span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from supportbot import markup


# Articles change only on a reload, and a turn shows the same few again and again: parsing is
# memoised (pure functions of the text; bounded), and the parser is built once, not per call
# (building its rule chains cost more than parsing a short article).
@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


@lru_cache(maxsize=2048)
def to_markup(source: str) -> str:
    """The article's text as neutral markup, blocks separated by blank lines."""
    return _Blocks().render(_parser().parse(source))


def to_plain(source: str) -> str:
    return markup.to_plain(to_markup(source))


@lru_cache(maxsize=2048)
def summary(source: str, limit: int = 200) -> str:
    """The first paragraph as plain text, cut at a word near `limit` characters."""
    first = next((b for b in to_plain(source).split("\n\n") if b.strip()), "")
    first = " ".join(first.split())
    if len(first) <= limit:
        return first
    cut = first[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:、。") + "…"


@dataclass(slots=True)
class _Blocks:
    out: list[str] = field(default_factory=list)
    lists: list[int | None] = field(default_factory=list)  # None: bullets; n: next number
    row: list[str] = field(default_factory=list)
    heading: bool = False
    table: bool = False

    def render(self, tokens: Sequence[Token]) -> str:
        for token in tokens:
            self.token(token)
        return "\n".join(self.out).strip()

    def token(self, token: Token) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append(int(token.attrGet("start") or 1) if kind[0] == "o" else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            self._gap()
        elif kind == "heading_open":
            self.heading = True
        elif kind in ("table_open", "table_close"):
            self.table = kind == "table_open"
            self._gap()
        elif kind in ("paragraph_close", "heading_close", "blockquote_close"):
            self.heading = False
            if not self.lists:
                self._gap()
        elif kind == "tr_close":
            self.out.append(" | ".join(self.row))
            self.row = []
        elif kind == "inline":
            self.inline(token)
        elif kind in ("fence", "code_block"):
            lines = [f"`{line}`" for line in token.content.splitlines() if line.strip()]
            self.out += [*lines, ""]

    def inline(self, token: Token) -> None:
        text = inline_markup(token.children or [])
        if self.table:
            self.row.append(text)
        elif self.heading:
            self.out.append(f"**{text}**" if text and "**" not in text else text)
        elif self.lists:
            self.out.append("  " * (len(self.lists) - 1) + self._bullet() + text)
        else:
            self.out.append(text)

    def _bullet(self) -> str:
        number = self.lists[-1]
        if number is None:
            return "• "
        self.lists[-1] = number + 1
        return f"{number}. "

    def _gap(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")


def inline_markup(children: Sequence[Token]) -> str:
    out: list[str] = []
    bold: list[str] | None = None
    link: str | None = None
    label: list[str] = []
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold = []
        elif kind == "strong_close" and bold is not None:
            out.append(markup.bold("".join(bold)) if "".join(bold).strip() else "")
            bold = None
        elif kind == "link_open":
            link, label = str(child.attrGet("href") or ""), []
        elif kind == "link_close":
            out.append(_link("".join(label), link or ""))
            link = None
        else:
            piece = _text(child)
            target = label if link is not None else bold if bold is not None else None
            if target is not None:
                target.append(piece)
            else:
                out.append(markup.escape(piece) if kind != "code_inline" else _code(piece))
    return "".join(out)


def _text(child: Token) -> str:
    if child.type in ("softbreak", "hardbreak"):
        return " " if child.type == "softbreak" else "\n"
    if child.type == "image":
        return child.content or ""
    return child.content


def _code(text: str) -> str:
    return f"`{text}`" if text and "`" not in text else markup.escape(text)


def _link(label: str, url: str) -> str:
    if url.startswith(("https://", "http://")) and " " not in url and ")" not in url:
        return markup.link(label or url, url)
    return markup.escape(label)
