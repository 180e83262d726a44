"""Events and intents to JSON and back: the inbox stores events, the outbox intents.

Both are frozen dataclasses (with nested dataclasses, tuples, enums and datetimes), so one
encoder walks the fields and one decoder rebuilds them from the type hints.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any

from supportbot import events, intents

_INTENT_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        intents.PostMessage,
        intents.UpdateMessage,
        intents.PostEphemeral,
        intents.SendDirect,
        intents.OpenForm,
        intents.PostToTicket,
        intents.CallService,
    )
}
_EVENT_TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in typing.get_args(events.AnyEvent)}


def encode(intent: intents.Intent) -> dict[str, Any]:
    return {"type": type(intent).__name__, "data": _encode(intent)}


def decode(data: dict[str, Any]) -> intents.Intent:
    cls = _INTENT_TYPES[data["type"]]
    return typing.cast(intents.Intent, _decode(cls, data["data"]))


def encode_event(event: events.AnyEvent) -> dict[str, Any]:
    return {"type": type(event).__name__, "data": _encode(event)}


def decode_event(data: dict[str, Any]) -> events.AnyEvent:
    cls = _EVENT_TYPES[data["type"]]
    return typing.cast(events.AnyEvent, _decode(cls, data["data"]))


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _encode(value: Any) -> Any:
    kind: Any = type(value)
    if kind in _SCALARS:  # most fields: the first test, not the last
        return value
    if hasattr(kind, "__dataclass_fields__") and not isinstance(value, type):
        return {name: _encode(getattr(value, name)) for name in _names(kind)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(typing.get_args(hint), value)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_decode(item, v) for v in value)
    if origin is dict:
        return dict(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(**{k: _decode(hints[k], v) for k, v in value.items() if k in hints})
    if hint is datetime:
        return datetime.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value


def _decode_union(options: tuple[Any, ...], value: Any) -> Any:
    candidates = [o for o in options if o is not type(None)]
    if isinstance(value, dict):
        for option in candidates:
            if dataclasses.is_dataclass(option):
                fields = _fields(option)  # type: ignore[arg-type]
                names = {f.name for f in fields}
                if set(value) <= names and all(
                    f.name in value
                    for f in fields
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                ):
                    return _decode(option, value)
    return _decode(candidates[0], value) if len(candidates) == 1 else value


@functools.cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    """A dataclass's field types (resolving them is slow; the classes never change)."""
    return typing.get_type_hints(cls)


@functools.cache
def _fields(cls: type[Any]) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


@functools.cache
def _names(cls: Any) -> tuple[str, ...]:
    return tuple(f.name for f in _fields(cls))
