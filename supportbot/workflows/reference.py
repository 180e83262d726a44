"""`supportbot workflows reference`: triggers, conditions and actions as Markdown, generated from
the registry, so the documentation lists exactly what the running version accepts."""

from __future__ import annotations

from datetime import timedelta
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from supportbot.durations import format_duration
from supportbot.happenings import TRIGGERS
from supportbot.workflows.registry import Registry
from supportbot.workflows.schema import TICKETLESS_TRIGGERS


def reference(registry: Registry) -> str:
    lines = ["# Workflow reference", "", "## Triggers", ""]
    for trigger in TRIGGERS:
        note = " (no ticket; needs `cron:`)" if trigger == "schedule" else ""
        note = note or (" (no ticket)" if trigger in TICKETLESS_TRIGGERS else "")
        lines.append(f"- `{trigger}`{note}")
    lines += ["", "## Conditions (`if:`; combine with `all`, `any`, `not`)", ""]
    lines += ["| condition | value | meaning |", "|---|---|---|"]
    for c in sorted(registry.conditions, key=lambda c: c.name):
        lines.append(f"| `{c.name}` | {_type(c.schema_type)} | {c.doc} |")
    lines += ["", "## Actions (`- action: NAME` with `with:`)", ""]
    for a in sorted(registry.actions, key=lambda a: a.name):
        lines += [f"### `{a.name}`", "", a.doc or "(no description)", ""]
        lines += [_param(name, info) for name, info in a.params.model_fields.items()]
        lines.append("")
    return "\n".join(lines)


def _param(name: str, info: FieldInfo) -> str:
    key = info.alias or name
    default = "required" if info.is_required() else f"default `{_default(info)}`"
    about = f": {info.description}" if info.description else ""
    return f"- `{key}` ({_type(info.annotation)}, {default}){about}"


def _default(info: FieldInfo) -> Any:
    value = info.get_default(call_default_factory=True)
    if isinstance(value, timedelta):
        return format_duration(value)
    return value.model_dump() if isinstance(value, BaseModel) else value


def _type(annotation: Any) -> str:
    return f"`{_shape(annotation)}`"


def _shape(t: Any) -> str:
    """A type as an admin reads it: `P1/P2/P3/P4 or list of P1/P2/P3/P4`, `duration`."""
    origin, args = get_origin(t), get_args(t)
    if origin is Annotated:
        return _shape(args[0])
    if origin in (Union, UnionType):
        return " or ".join(_shape(a) for a in args if a is not type(None))
    if origin is Literal:
        return "/".join(str(a) for a in args)
    if origin in (list, tuple):
        return f"list of {_shape(args[0])}" if args else "list"
    if origin is dict:
        return "mapping"
    if isinstance(t, type) and issubclass(t, BaseModel):
        return "{" + ", ".join(f.alias or n for n, f in t.model_fields.items()) + "}"
    if t is timedelta:
        return "duration"
    return getattr(t, "__name__", str(t))
