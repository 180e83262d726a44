"""Without resource-specific consent, the cards that invite thread replies say to @mention the
bot (`SUPPORTBOT_TEAMS_RSC=off`); the rest stay as the desk wrote them."""

from __future__ import annotations

from supportbot_teams.hints import MentionHints

from supportbot.messages import Message
from supportbot.templates import Templates

HINTS = MentionHints(Templates.from_folders(), "en")


def test_the_ticket_card_gets_a_line_on_how_to_reply() -> None:
    card = Message("x", title="#1", context=("Customer ticket · from teams",), kind="ticket_card")
    hinted = HINTS.apply(card, "Acme Desk")
    assert hinted.context[0] == "Customer ticket · from teams"
    assert hinted.context[1].startswith("Teams passes on only replies that @mention Acme Desk")
    assert "@Acme Desk reply:" in hinted.context[1]


def test_the_handoff_card_no_longer_promises_a_relay() -> None:
    card = Message("x", context=("Replies in this thread reach the support team.",), kind="handoff")
    (line,) = HINTS.apply(card, "Acme Desk").context
    assert line.startswith("To reach the support team, @mention Acme Desk in your reply")


def test_in_japanese_too() -> None:
    note = Message("🔀 …", kind="handoff.note")
    (line,) = MentionHints(Templates.from_folders(), "ja").apply(note, "サポート").context
    assert line.startswith("Teams では @サポート 部署: …")


def test_other_messages_are_left_alone() -> None:
    reply = Message("We are on it", kind="reply")
    assert not HINTS.wanted(reply)
    assert HINTS.apply(reply, "Acme Desk") is reply
