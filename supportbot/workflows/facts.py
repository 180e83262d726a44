"""What conditions look at: the happening, a snapshot of its ticket, the config and the time."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from supportbot.business_hours import is_open
from supportbot.config import Config
from supportbot.happenings import Happening
from supportbot.tickets.view import TicketView


def fold(text: str, *, case_sensitive: bool = False) -> str:
    """Normalise for matching: NFKC (full-width ＡＢＣ → ABC, half-width ｶﾅ → カナ), then casefold.

    Japanese has no spaces between words, so text conditions match substrings, never words.
    """
    normal = unicodedata.normalize("NFKC", text)
    return normal if case_sensitive else normal.casefold()


# Triggers whose own text is what text conditions read (others read the ticket's subject+body).
TEXT_KEYS = {"message.received": "text", "reaction.added": "text", "csat.received": "comment"}


@dataclass(frozen=True, slots=True)
class Facts:
    happening: Happening
    ticket: TicketView | None
    config: Config
    now: datetime
    text: str  # NFKC-normalised: the message (or CSAT comment), else subject + body
    folded: str  # `text` casefolded, for case-insensitive matching
    open_now: bool  # inside business hours at `now`

    @classmethod
    def build(
        cls, happening: Happening, ticket: TicketView | None, config: Config, now: datetime
    ) -> Facts:
        raw = happening.data.get(TEXT_KEYS.get(happening.trigger, ""))
        if not isinstance(raw, str):
            raw = f"{ticket.subject}\n{ticket.body}" if ticket else ""
        text = fold(raw, case_sensitive=True)
        open_now = is_open(now, config.business_hours)
        return cls(happening, ticket, config, now, text, text.casefold(), open_now)

    @property
    def platform(self) -> str | None:
        value = self.happening.data.get("platform")
        if isinstance(value, str):
            return value
        return self.ticket.origin_platform if self.ticket else None

    @property
    def channel(self) -> str | None:
        value = self.happening.data.get("channel")
        if isinstance(value, str):
            return value
        return self.ticket.origin_channel if self.ticket else None

    @property
    def actor_roles(self) -> frozenset[str]:
        person = self.config.person(self.happening.actor) if self.happening.actor else None
        return frozenset(person.roles) if person else frozenset()
