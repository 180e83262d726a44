"""The platform-neutral message model that every adapter renders natively.

All text fields are neutral markup (see `supportbot.markup`): build them from templates or with
`markup.escape()` for anything a person typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Style(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Button:
    """A button. `action` names the handler (e.g. `ticket.claim`); `value` is its argument."""

    action: str
    label: str
    value: str = ""
    style: Style = Style.DEFAULT


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A set of options shown as a menu or a row of buttons (a CSAT 1–5 scale, a department)."""

    action: str
    label: str
    options: tuple[Option, ...]
    context: str = ""  # carried back with the chosen value (e.g. the poll id)


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    title: str = ""
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    choices: tuple[Choice, ...] = ()
    context: tuple[str, ...] = ()  # small print under the message
    accent: str = ""  # a hint for colour: "p1", "resolved", "warning", …
    kind: str = ""  # what the message is, e.g. "ticket_card", "approval", "csat_poll"


@dataclass(frozen=True, slots=True)
class TextInput:
    name: str
    label: str
    multiline: bool = False
    optional: bool = False
    initial: str = ""


@dataclass(frozen=True, slots=True)
class SelectInput:
    name: str
    label: str
    options: tuple[Option, ...]
    optional: bool = False


FormInput = TextInput | SelectInput


@dataclass(frozen=True, slots=True)
class Form:
    """A dialog (Slack modal, Teams card with inputs, playground dialog)."""

    form: str  # what it is for, e.g. "ticket.new", "escalation.request"
    title: str
    inputs: tuple[FormInput, ...]
    submit_label: str = "Submit"
    context: str = ""  # returned as `FormSubmitted.context`
    extra: dict[str, str] = field(default_factory=dict)
