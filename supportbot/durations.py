"""Durations written the way admins write them: `90s`, `30m`, `1h30m`, `3d`, `2w`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|s)")
# What `parse_duration` accepts, for editors (JSON Schema patterns are ECMA-262 regexes).
PATTERN = r"^\s*(\d+(\.\d+)?\s*[wdhms]\s*)+$"
JSON_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": PATTERN, "examples": ["90s", "30m", "1h30m", "3d", "2w"]},
        {"type": "number", "description": "seconds"},
    ],
    "description": "a duration: 90s, 30m, 1h30m, 3d, 2w (or a number of seconds)",
}
_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """Parse `1h30m`; raise ValueError naming the accepted form."""
    compact = text.strip().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise ValueError(f"{text!r} is not a duration; write e.g. 90s, 30m, 1h30m, 3d or 2w")
    return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in _PART.findall(compact)))


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    out = ""
    for unit, size in _UNITS.items():
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out or "0s"


def _coerce(value: Any) -> Any:
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_coerce),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(JSON_SCHEMA),
]
