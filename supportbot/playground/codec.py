"""`Message` and `Form` to JSON-ready dicts and back, so playground history outlives a restart."""

from __future__ import annotations

from typing import Any

from supportbot.messages import (
    Button,
    Choice,
    Field,
    Form,
    FormInput,
    Message,
    Option,
    SelectInput,
    Style,
    TextInput,
)

Json = dict[str, Any]


def message_to_json(message: Message) -> Json:
    return {
        "text": message.text,
        "title": message.title,
        "fields": [[f.label, f.value] for f in message.fields],
        "buttons": [[b.action, b.label, b.value, str(b.style)] for b in message.buttons],
        "choices": [_choice_to_json(c) for c in message.choices],
        "context": list(message.context),
        "accent": message.accent,
        "kind": message.kind,
    }


def message_from_json(data: Json) -> Message:
    return Message(
        text=str(data.get("text", "")),
        title=str(data.get("title", "")),
        fields=tuple(Field(str(label), str(value)) for label, value in data.get("fields", [])),
        buttons=tuple(
            Button(str(a), str(label), str(v), Style(s))
            for a, label, v, s in data.get("buttons", [])
        ),
        choices=tuple(_choice_from_json(c) for c in data.get("choices", [])),
        context=tuple(str(c) for c in data.get("context", [])),
        accent=str(data.get("accent", "")),
        kind=str(data.get("kind", "")),
    )


def _choice_to_json(choice: Choice) -> Json:
    return {
        "action": choice.action,
        "label": choice.label,
        "options": [[o.label, o.value] for o in choice.options],
        "context": choice.context,
    }


def _choice_from_json(data: Json) -> Choice:
    return Choice(
        action=str(data["action"]),
        label=str(data.get("label", "")),
        options=tuple(Option(str(label), str(value)) for label, value in data.get("options", [])),
        context=str(data.get("context", "")),
    )


def form_to_json(form: Form) -> Json:
    return {
        "form": form.form,
        "title": form.title,
        "inputs": [_input_to_json(i) for i in form.inputs],
        "submit_label": form.submit_label,
        "context": form.context,
        "extra": dict(form.extra),
    }


def form_from_json(data: Json) -> Form:
    return Form(
        form=str(data["form"]),
        title=str(data.get("title", "")),
        inputs=tuple(_input_from_json(i) for i in data.get("inputs", [])),
        submit_label=str(data.get("submit_label", "Submit")),
        context=str(data.get("context", "")),
        extra={str(k): str(v) for k, v in data.get("extra", {}).items()},
    )


def _input_to_json(item: FormInput) -> Json:
    if isinstance(item, SelectInput):
        options = [[o.label, o.value] for o in item.options]
        return {
            "type": "select",
            "name": item.name,
            "label": item.label,
            "options": options,
            "optional": item.optional,
        }
    return {
        "type": "text",
        "name": item.name,
        "label": item.label,
        "multiline": item.multiline,
        "optional": item.optional,
        "initial": item.initial,
    }


def _input_from_json(data: Json) -> FormInput:
    if data.get("type") == "select":
        options = tuple(Option(str(label), str(value)) for label, value in data["options"])
        return SelectInput(str(data["name"]), str(data["label"]), options, bool(data["optional"]))
    return TextInput(
        name=str(data["name"]),
        label=str(data["label"]),
        multiline=bool(data.get("multiline", False)),
        optional=bool(data.get("optional", False)),
        initial=str(data.get("initial", "")),
    )
