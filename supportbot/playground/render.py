"""Pure rendering of neutral `Message`s and `Form`s into the JSON the playground page shows.

Every piece of text becomes HTML here and only here: plain spans are escaped, so nothing a
customer typed can add markup to the page; the browser inserts only the `*_html` fields as HTML.
"""

from __future__ import annotations

from html import escape as html_escape
from typing import Any

from supportbot import markup
from supportbot.adapter import Directory
from supportbot.messages import Choice, Form, FormInput, Message, SelectInput

Json = dict[str, Any]


def to_html(text: str, directory: Directory) -> str:
    """Neutral markup → safe HTML (newlines become <br>)."""
    return "".join(_span_html(span, directory) for span in markup.parse(text))


def _span_html(span: markup.Span, directory: Directory) -> str:
    match span:
        case markup.Plain(text):
            return _text(text)
        case markup.Bold(text):
            return f"<strong>{_text(text)}</strong>"
        case markup.Code(text):
            return f"<code>{html_escape(text)}</code>"
        case markup.Link(label, url):
            href = html_escape(url, quote=True)
            return f'<a href="{href}" target="_blank" rel="noopener">{_text(label)}</a>'
        case markup.Mention("group", ref):
            return f'<span class="mention group">@{html_escape(ref)}</span>'
        case markup.Mention(_, ref):
            name = html_escape(directory.display_name(ref) or ref)
            return (
                f'<span class="mention" data-person="{html_escape(ref, quote=True)}">@{name}</span>'
            )
    return ""  # pragma: no cover - the match is exhaustive


def _text(text: str) -> str:
    return html_escape(text).replace("\n", "<br>")


def render_message(message: Message, directory: Directory) -> Json:
    """The visible parts of a message; actions and values stay plain strings for the events."""
    return {
        "kind": message.kind,
        "accent": message.accent,
        "title_html": to_html(message.title, directory),
        "text_html": to_html(message.text, directory),
        "fields": [
            {"label_html": to_html(f.label, directory), "value_html": to_html(f.value, directory)}
            for f in message.fields
        ],
        "buttons": [
            {
                "action": b.action,
                "value": b.value,
                "style": str(b.style),
                "label_html": to_html(b.label, directory),
            }
            for b in message.buttons
        ],
        "choices": [_choice(c, directory) for c in message.choices],
        "context_html": [to_html(c, directory) for c in message.context],
    }


def _choice(choice: Choice, directory: Directory) -> Json:
    return {
        "action": choice.action,
        "context": choice.context,
        "label_html": to_html(choice.label, directory),
        "options": [
            {"value": o.value, "label_html": to_html(o.label, directory)} for o in choice.options
        ],
    }


def render_form(form: Form, directory: Directory) -> Json:
    return {
        "form": form.form,
        "title_html": to_html(form.title, directory),
        "submit_html": to_html(form.submit_label, directory),
        "inputs": [_input(i, directory) for i in form.inputs],
    }


def _input(item: FormInput, directory: Directory) -> Json:
    base: Json = {
        "name": item.name,
        "label_html": to_html(item.label, directory),
        "optional": item.optional,
    }
    if isinstance(item, SelectInput):
        options = [
            {"value": o.value, "label_html": to_html(o.label, directory)} for o in item.options
        ]
        return {**base, "type": "select", "options": options}
    return {**base, "type": "text", "multiline": item.multiline, "initial": item.initial}
