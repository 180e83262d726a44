"""`Facts` for replayed moments, built like `Facts.build` but without repeating its work.

A replay builds facts tens of times per ticket: the text of a ticket is normalised once, and
whether the desk was open is worked out once per moment (each day's hours once). The values
are exactly those of `Facts.build` (a test holds them equal).
"""

from __future__ import annotations

from datetime import datetime

from supportbot.business_hours import BusinessCalendar
from supportbot.config import Config
from supportbot.happenings import Happening
from supportbot.tickets.view import TicketView
from supportbot.workflows.facts import TEXT_KEYS, Facts, fold

CACHED_TEXTS = 64


class FactsBuilder:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.calendar = BusinessCalendar(config.business_hours)  # caches each day's hours
        self.zone = config.business_hours.zone
        self._texts: dict[str, tuple[str, str]] = {}
        self._moment: datetime | None = None
        self._open = False

    def build(self, happening: Happening, ticket: TicketView, now: datetime) -> Facts:
        raw = happening.data.get(TEXT_KEYS.get(happening.trigger, ""))
        if not isinstance(raw, str):
            raw = f"{ticket.subject}\n{ticket.body}"
        text, folded = self._folded(raw)
        return Facts(happening, ticket, self.config, now, text, folded, self._is_open(now))

    def _folded(self, raw: str) -> tuple[str, str]:
        found = self._texts.get(raw)
        if found is None:
            if len(self._texts) >= CACHED_TEXTS:
                self._texts.clear()
            text = fold(raw, case_sensitive=True)
            found = self._texts[raw] = (text, text.casefold())
        return found

    def _is_open(self, now: datetime) -> bool:
        """As `business_hours.is_open`."""
        if now != self._moment:
            span = self.calendar.window(now.astimezone(self.zone).date())
            self._moment, self._open = now, span is not None and span[0] <= now < span[1]
        return self._open
