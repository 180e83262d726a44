"""Neutral markup: what customers type can never become a mention, a link or bold text."""

from __future__ import annotations

from supportbot import markup
from supportbot.markup import Bold, Link, Mention, Plain


def test_escaped_text_parses_back_to_itself_as_plain_text() -> None:
    nasty = "<!channel> **hi** [x](https://evil.example) `rm` <@person:adam> \\ done"
    assert markup.parse(markup.escape(nasty)) == (Plain(nasty),)


def test_markup_made_by_the_desk_parses_into_spans() -> None:
    text = f"{markup.bold('Ticket')} for {markup.mention('aiko')} see " + markup.link(
        "docs", "https://example.com/a"
    )
    assert markup.parse(text) == (
        Bold("Ticket"),
        Plain(" for "),
        Mention("person", "aiko"),
        Plain(" see "),
        Link("docs", "https://example.com/a"),
    )


def test_plain_rendering_for_fallbacks() -> None:
    assert markup.to_plain(f"{markup.bold('A*B')} {markup.group_mention('eng')}") == "A*B @eng"
