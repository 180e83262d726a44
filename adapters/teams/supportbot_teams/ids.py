"""How supportbot's names travel through Teams ids and Adaptive Card data, and back.

Teams names a channel thread by appending `;messageid=<root id>` to the channel's conversation
id, and an Adaptive Card action returns only its `data` object (plus the card's input values,
merged in by the client). These helpers keep both round trips in one place so the renderer, the
sender and the translators cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PLATFORM = "teams"
THREAD_MARK = ";messageid="

# Keys of an action's `data` that carry our own bookkeeping rather than a user's input.
ACTION = "action"
VALUE = "value"
CONTEXT = "context"
FORM = "form"
CHOICE_INPUT = "choice_input"
_RESERVED = frozenset({ACTION, VALUE, FORM, CHOICE_INPUT, "msteams"})


def split_thread(conversation_id: str) -> tuple[str, str | None]:
    """`19:abc@thread.tacv2;messageid=17` → (`19:abc@thread.tacv2`, `17`)."""
    base, mark, root = conversation_id.partition(THREAD_MARK)
    return base, (root or None) if mark else None


def thread_conversation(channel_id: str, thread_id: str | None) -> str:
    """The conversation id that posts into `thread_id` of `channel_id` (or the channel itself)."""
    return f"{channel_id}{THREAD_MARK}{thread_id}" if thread_id else channel_id


def button_data(action: str, value: str) -> dict[str, str]:
    return {ACTION: action, VALUE: value}


def option_data(action: str, value: str, context: str) -> dict[str, str]:
    return {ACTION: action, VALUE: value, CONTEXT: context}


def choice_menu_data(action: str, context: str, input_id: str) -> dict[str, str]:
    """A menu's submit action: the chosen value arrives under `input_id`."""
    return {ACTION: action, CONTEXT: context, CHOICE_INPUT: input_id}


def form_data(form: str, context: str, extra: Mapping[str, str]) -> dict[str, str]:
    return {**extra, FORM: form, CONTEXT: context}


@dataclass(frozen=True, slots=True)
class ActionData:
    """What a card action sent back, decoded: a form, or a choice (button / option / menu)."""

    action: str = ""
    value: str = ""
    form: str | None = None
    context: str = ""
    values: dict[str, str] = field(default_factory=dict)


def decode(data: Mapping[str, Any], *, verb: str = "") -> ActionData:
    """Decode an action's data; `verb` is Action.Execute's verb (the action when data lacks one)."""
    inputs = {str(k): _text(v) for k, v in data.items() if k not in _RESERVED and _scalar(v)}
    if FORM in data:
        inputs.pop(CONTEXT, None)
        return ActionData(form=str(data[FORM]), context=_text(data.get(CONTEXT)), values=inputs)
    value = data.get(VALUE)
    if CHOICE_INPUT in data:
        value = data.get(str(data[CHOICE_INPUT]))
        inputs.pop(str(data[CHOICE_INPUT]), None)
    action = _text(data.get(ACTION)) or verb
    return ActionData(action=action, value=_text(value), values=inputs)


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
