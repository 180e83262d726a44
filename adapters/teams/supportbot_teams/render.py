"""Pure rendering: a neutral `Message` or `Form` → an Adaptive Card 1.5 (a JSON dict).

Buttons and choices are `Action.Execute` (Teams answers them with an `adaptiveCard/action`
invoke, so the card can be refreshed in place), each with an `Action.Submit` fallback for
clients without Universal Actions. Their `data` is encoded by `ids` and decoded by `inbound`.
"""

from __future__ import annotations

from typing import Any

from supportbot.adapter import Directory
from supportbot.messages import Button, Choice, Form, FormInput, Message, SelectInput, Style
from supportbot_teams import ids
from supportbot_teams.text import CardText, plain

Card = dict[str, Any]
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
MAX_OPTION_BUTTONS = 5  # more options than this become a drop-down menu
MENU_SUBMIT_TITLE = "✓"  # language-neutral, so the pure renderer needs no catalog
_ACCENT_COLOURS = {
    "p1": "attention",
    "danger": "attention",
    "urgent": "attention",
    "p2": "warning",
    "warning": "warning",
    "resolved": "good",
    "good": "good",
}
_BUTTON_STYLES = {Style.PRIMARY: "positive", Style.DANGER: "destructive"}


def render(message: Message, directory: Directory) -> Card:
    """The card for `message`; mentions become `<at>` tags backed by `msteams.entities`."""
    text = CardText(directory)
    body: list[Card] = []
    if message.title:
        body.append(_title(text(message.title), message.accent))
    if message.text:
        body.append(_text_block(text(message.text)))
    if message.fields:
        facts = [{"title": text(f.label), "value": text(f.value)} for f in message.fields]
        body.append({"type": "FactSet", "facts": facts})
    for index, choice in enumerate(message.choices):
        body += _choice(choice, index, text)
    body += [_text_block(text(line), size="Small", isSubtle=True) for line in message.context]
    actions = [_button(button) for button in message.buttons]
    return _card(body, actions, text)


def render_form(form: Form, directory: Directory) -> Card:
    """A form as a card with inputs and one submit action (Teams has no bot-opened modals)."""
    text = CardText(directory)
    body = [_title(text(form.title), ""), *(_input(i) for i in form.inputs)]
    data = ids.form_data(form.form, form.context, form.extra)
    return _card(body, [_execute(plain(form.submit_label), form.form, data)], text)


def summary(message: Message, directory: Directory | None = None) -> str:
    """One line for notifications and the chat list (cards have no text of their own)."""
    first = plain(message.title or message.text, directory).strip().splitlines()
    return first[0][:200] if first else ""


def _card(body: list[Card], actions: list[Card], text: CardText) -> Card:
    card: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    card["msteams"] = {"width": "Full"}
    if text.entities:
        card["msteams"]["entities"] = text.entities
    return card


def _title(markdown: str, accent: str) -> Card:
    block = _text_block(markdown, weight="Bolder", size="Medium")
    if colour := _ACCENT_COLOURS.get(accent.lower()):
        block["color"] = colour
    return block


def _text_block(markdown: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": markdown, "wrap": True, **style}


def _button(button: Button) -> Card:
    data = ids.button_data(button.action, button.value)
    action = _execute(plain(button.label), button.action, data)
    if style := _BUTTON_STYLES.get(button.style):
        action["style"] = style
    return action


def _choice(choice: Choice, index: int, text: CardText) -> list[Card]:
    context = choice.context
    label = [_text_block(text(choice.label))] if choice.label else []
    if len(choice.options) <= MAX_OPTION_BUTTONS:
        buttons = [
            _execute(
                plain(o.label), choice.action, ids.option_data(choice.action, o.value, context)
            )
            for o in choice.options
        ]
        return [*label, {"type": "ActionSet", "actions": buttons}]
    input_id = f"choice_{index}"
    menu = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "style": "compact",
        "choices": [{"title": plain(o.label), "value": o.value} for o in choice.options],
    }
    data = ids.choice_menu_data(choice.action, context, input_id)
    submit = _execute(MENU_SUBMIT_TITLE, choice.action, data)
    return [*label, menu, {"type": "ActionSet", "actions": [submit]}]


def _input(field: FormInput) -> Card:
    common: Card = {"id": field.name, "label": plain(field.label), "isRequired": not field.optional}
    if isinstance(field, SelectInput):
        choices = [{"title": plain(o.label), "value": o.value} for o in field.options]
        return {"type": "Input.ChoiceSet", **common, "style": "compact", "choices": choices}
    text_input: Card = {"type": "Input.Text", **common, "isMultiline": field.multiline}
    if field.initial:
        text_input["value"] = field.initial
    return text_input


def _execute(title: str, verb: str, data: dict[str, str]) -> Card:
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": data,
        "fallback": {"type": "Action.Submit", "title": title, "data": data},
    }
