"""Words for reports and messages, from the `insights.*` template catalog, and number formats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supportbot import markup
from supportbot.templates import Templates


@dataclass(frozen=True, slots=True)
class Labels:
    templates: Templates
    locale: str = "en"

    @classmethod
    def default(cls, locale: str = "en") -> Labels:
        return cls(Templates.from_folders(), locale)

    def markup(self, name: str, **values: Any) -> str:
        return self.templates.render(f"insights.{name}", self.locale, **values)

    def __call__(self, name: str, **values: Any) -> str:
        """Plain text (reports are not chat messages)."""
        return markup.to_plain(self.markup(name, **values))

    def weekdays(self) -> list[str]:
        return self("weekdays").split()


def duration(seconds: float | None) -> str:
    """Compact human duration: 45s, 7m 30s, 3h 5m, 2d 4h (— when unknown)."""
    if seconds is None:
        return "—"
    s = round(seconds)
    for unit, size, sub_unit, sub_size in (("d", 86400, "h", 3600), ("h", 3600, "m", 60)):
        if s >= size:
            rest = s % size // sub_size
            return f"{s // size}{unit}" + (f" {rest}{sub_unit}" if rest else "")
    if s >= 60:
        return f"{s // 60}m" + (f" {s % 60}s" if s % 60 and s < 600 else "")
    return f"{s}s"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
