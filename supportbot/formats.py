"""Numbers, counts and durations in the reader's language, by Babel (CLDR data).

`count(3, "problem", "problems")` picks the plural form by the locale's rules (Japanese has one
form; English two); `duration(timedelta(hours=1, minutes=30), "ja")` is `1 時間 30 分`, not the
`1h30m` admins write in YAML. Templates reach these through the `duration` and `plural`
filters (see `supportbot.templates`).
"""

from __future__ import annotations

from datetime import timedelta

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit

FALLBACK = "en"
# Largest unit first; a duration shows at most two of them ("2 days, 4 hours"), the way
# people say it: the seconds of a three-day wait are noise.
UNITS = (
    ("duration-week", 604800),
    ("duration-day", 86400),
    ("duration-hour", 3600),
    ("duration-minute", 60),
    ("duration-second", 1),
)
MOST_UNITS = 2


def _locale(locale: str | None) -> Locale:
    return Locale.parse(locale or FALLBACK)


def count(n: int, one: str, other: str, locale: str | None = None) -> str:
    """`1 problem`, `2 problems` (the noun by the locale's plural rule for `n`)."""
    return f"{format_decimal(n, locale=_locale(locale))} {plural(n, one, other, locale)}"


def plural(n: float, one: str, other: str, locale: str | None = None) -> str:
    """The form for `n`: `one` where the locale's CLDR rule says "one", else `other`."""
    return one if _locale(locale).plural_form(n) == "one" else other


def duration(value: timedelta | float, locale: str | None = None) -> str:
    """A duration in words: `4 hours`, `1 hour, 30 minutes`; `4 時間`, `1 時間 30 分`."""
    seconds = round(value.total_seconds() if isinstance(value, timedelta) else value)
    where = _locale(locale)
    parts: list[str] = []
    for unit, size in UNITS:
        if seconds >= size and len(parts) < MOST_UNITS:
            parts.append(format_unit(seconds // size, unit, length="long", locale=where))
            seconds %= size
        elif parts:
            break  # "1 day, 30 seconds" reads as a mistake: stop at the first gap
    if not parts:
        return format_unit(0, "duration-second", length="long", locale=where)
    return format_list(parts, style="unit", locale=where)
