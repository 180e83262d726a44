"""Pure renderers: a neutral `Message` → Block Kit blocks, a `Form` → a modal view.

Slack's documented size limits are applied here (by truncating) so a long customer message
degrades into "…" instead of an `invalid_blocks` error that would lose the whole post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supportbot.adapter import Directory
from supportbot.messages import Button, Choice, Form, FormInput, Message, SelectInput, Style
from supportbot_slack import ids
from supportbot_slack.mrkdwn import render_plain, render_text, truncate

Block = dict[str, Any]

# Slack Block Kit limits (https://api.slack.com/reference/block-kit).
_SECTION_TEXT = 3000
_FIELD = 2000
_MAX_FIELDS = 10
_HEADER_TEXT = 150
_BUTTON_TEXT = 75
_BUTTON_VALUE = 2000
_MAX_ACTIONS = 25
_MAX_OPTIONS = 100
_OPTION_VALUE = 150
_MAX_CONTEXT = 10
_MODAL_TITLE = 24
_BUTTONS_PER_CHOICE = 5  # a CSAT 1–5 scale stays a row of buttons; longer lists become a menu


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str  # the notification / fallback text Slack shows where blocks are not rendered
    blocks: list[Block]


def render(message: Message, directory: Directory) -> Rendered:
    blocks: list[Block] = []
    if message.title:
        blocks.append(_header(message.title))
    if message.text:
        blocks.append(_section(render_text(message.text, directory)))
    if message.fields:
        blocks.append(_fields(message, directory))
    for index, choice in enumerate(message.choices):
        blocks.extend(_choice(index, choice, directory))
    if message.buttons:
        blocks.append(_buttons(message.buttons))
    if message.context:
        blocks.append(_context(message.context, directory))
    return Rendered(_fallback(message, directory), blocks)


def render_form(form: Form, meta: ids.FormMeta) -> dict[str, Any]:
    """A modal view for `views.open`; `callback_id` names the form, metadata carries context."""
    return {
        "type": "modal",
        "callback_id": form.form[:255],
        "title": _plain(render_plain(form.title, _MODAL_TITLE)),
        "submit": _plain(render_plain(form.submit_label, _MODAL_TITLE)),
        "private_metadata": meta.encode(),
        "blocks": [_input(field) for field in form.inputs],
    }


def _fallback(message: Message, directory: Directory) -> str:
    return truncate(render_text(message.title or message.text, directory), _SECTION_TEXT)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def _mrkdwn(text: str, limit: int = _SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, limit) or " ", "verbatim": True}


def _header(title: str) -> Block:
    return {"type": "header", "text": _plain(render_plain(title, _HEADER_TEXT))}


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": _mrkdwn(mrkdwn)}


def _fields(message: Message, directory: Directory) -> Block:
    fields = [
        _mrkdwn(f"*{render_text(f.label, directory)}*\n{render_text(f.value, directory)}", _FIELD)
        for f in message.fields[:_MAX_FIELDS]
    ]
    return {"type": "section", "fields": fields}


def _button(action_id: str, label: str, value: str, style: Style = Style.DEFAULT) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": _plain(render_plain(label, _BUTTON_TEXT)),
    }
    if value:
        button["value"] = value[:_BUTTON_VALUE]
    if style is not Style.DEFAULT:
        button["style"] = style.value
    return button


def _buttons(buttons: tuple[Button, ...]) -> Block:
    elements = [
        _button(ids.action_id(b.action, i), b.label, b.value, b.style)
        for i, b in enumerate(buttons[:_MAX_ACTIONS])
    ]
    return {"type": "actions", "block_id": "buttons", "elements": elements}


def _choice(index: int, choice: Choice, directory: Directory) -> list[Block]:
    block_id = ids.choice_block_id(index, choice.context)
    if len(choice.options) <= _BUTTONS_PER_CHOICE:
        elements = [
            _button(ids.action_id(choice.action, i), option.label, option.value)
            for i, option in enumerate(choice.options)
        ]
    else:
        elements = [_select(ids.action_id(choice.action, 0), choice)]
    label = [_section(render_text(choice.label, directory))] if choice.label else []
    return [*label, {"type": "actions", "block_id": block_id, "elements": elements}]


def _select(action_id: str, choice: Choice) -> Block:
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": _plain(render_plain(choice.label, _BUTTON_TEXT)),
        "options": _options(choice.options),
    }


def _options(options: tuple[Any, ...]) -> list[Block]:
    return [
        {"text": _plain(render_plain(o.label, _BUTTON_TEXT)), "value": o.value[:_OPTION_VALUE]}
        for o in options[:_MAX_OPTIONS]
    ]


def _context(lines: tuple[str, ...], directory: Directory) -> Block:
    elements = [_mrkdwn(render_text(line, directory)) for line in lines[:_MAX_CONTEXT]]
    return {"type": "context", "elements": elements}


def _input(field: FormInput) -> Block:
    element: Block
    if isinstance(field, SelectInput):
        element = {"type": "static_select", "options": _options(field.options)}
    else:
        element = {"type": "plain_text_input", "multiline": field.multiline}
        if field.initial:
            element["initial_value"] = field.initial
    element["action_id"] = field.name
    return {
        "type": "input",
        "block_id": field.name,
        "optional": field.optional,
        "label": _plain(render_plain(field.label, 2000)),
        "element": element,
    }
