"""What cards say about replying when Teams will not pass thread replies on.

Without resource-specific consent (RSC) Teams delivers a channel message to the bot only when
it @mentions the bot, so the desk never hears `reply: …`, `dept: …`, a note in a ticket's
thread or an engineer's answer in a hand-off thread. With `SUPPORTBOT_TEAMS_RSC=off` the
adapter says so on the cards that invite such replies, instead of promising a relay that never
comes: the ticket card and the hand-off note get a line on how to write it with an @mention, and
the hand-off card's own small print ("Replies in this thread reach the support team") is
replaced by that line.

The messages are told apart by `Message.kind`, the core's name for what a message is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from supportbot.messages import Message
from supportbot.templates import Templates

HINTS = {
    "ticket_card": "teams.hint.ticket_thread",
    "handoff": "teams.hint.handoff",
    "handoff.note": "teams.hint.department_note",
}
REPLACES_CONTEXT = frozenset({"handoff"})  # its small print promises the relay


@dataclass(frozen=True, slots=True)
class MentionHints:
    templates: Templates
    locale: str  # the desk's: the cards are written in it

    def wanted(self, message: Message) -> bool:
        return message.kind in HINTS

    def apply(self, message: Message, bot: str) -> Message:
        """`message` with the line that tells how to reach the desk by @mentioning `bot`."""
        name = HINTS.get(message.kind)
        if name is None:
            return message
        line = self.templates.render(name, self.locale, bot=bot)
        kept = () if message.kind in REPLACES_CONTEXT else message.context
        return dataclasses.replace(message, context=(*kept, line))
