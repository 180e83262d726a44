"""Intents to JSON and back, so an undelivered intent can wait in the outbox."""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import Any

from supportbot import intents

_INTENT_TYPES = {
    cls.__name__: cls
    for cls in (
        intents.PostMessage,
        intents.UpdateMessage,
        intents.PostEphemeral,
        intents.SendDirect,
        intents.OpenForm,
        intents.PostToTicket,
    )
}


def encode(intent: intents.Intent) -> dict[str, Any]:
    return {"type": type(intent).__name__, "data": _encode(intent)}


def decode(data: dict[str, Any]) -> intents.Intent:
    cls = _INTENT_TYPES[data["type"]]
    return typing.cast(intents.Intent, _decode(cls, data["data"]))


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
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
        hints = typing.get_type_hints(hint)
        return hint(**{k: _decode(hints[k], v) for k, v in value.items() if k in hints})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value


def _decode_union(options: tuple[Any, ...], value: Any) -> Any:
    candidates = [o for o in options if o is not type(None)]
    if isinstance(value, dict):
        for option in candidates:
            if dataclasses.is_dataclass(option):
                names = {f.name for f in dataclasses.fields(option)}
                if set(value) <= names and all(
                    f.name in value
                    for f in dataclasses.fields(option)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                ):
                    return _decode(option, value)
    return _decode(candidates[0], value) if len(candidates) == 1 else value
