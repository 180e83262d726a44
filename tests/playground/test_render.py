"""Neutral markup becomes safe HTML; customer text can never add markup to the page."""

from __future__ import annotations

from supportbot import markup
from supportbot.config import Config
from supportbot.messages import Button, Choice, Field, Form, Message, Option, SelectInput, TextInput
from supportbot.playground.codec import (
    form_from_json,
    form_to_json,
    message_from_json,
    message_to_json,
)
from supportbot.playground.render import render_form, render_message, to_html

from .helpers import CONFIG, NameDirectory

DIRECTORY = NameDirectory(Config.model_validate(CONFIG))


def test_customer_text_is_escaped_not_interpreted() -> None:
    typed = '<script>alert(1)</script> **not bold** <img src=x onerror="x"> & [a](https://e.x)'
    html = to_html(markup.escape(typed), DIRECTORY)
    assert "<script>" not in html and "<img" not in html and "<strong>" not in html
    assert "&lt;script&gt;" in html and "**not bold**" in html and "&amp;" in html
    assert "<a " not in html


def test_markup_spans_become_elements() -> None:
    text = f"Hi {markup.mention('aiko')}, **P1** in `api` — [runbook](https://x.test/a?b=1&c=2)"
    html = to_html(text, DIRECTORY)
    assert '<span class="mention" data-person="aiko">@Aiko Sato</span>' in html
    assert "<strong>P1</strong>" in html
    assert "<code>api</code>" in html
    assert (
        '<a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener">runbook</a>' in html
    )


def test_group_mentions_and_unknown_people_fall_back_to_names() -> None:
    html = to_html(f"{markup.group_mention('engineering')} {markup.mention('zoe')}", DIRECTORY)
    assert '<span class="mention group">@engineering</span>' in html
    assert "@zoe" in html


def test_newlines_become_breaks() -> None:
    assert to_html("one\ntwo", DIRECTORY) == "one<br>two"


def test_a_ticket_card_renders_every_part() -> None:
    card = Message(
        text=markup.escape("<b>login</b> fails"),
        title="**#42** Login",
        fields=(Field("Priority", "P1"),),
        buttons=(Button("ticket.claim", "Claim", "42"),),
        choices=(Choice("csat.answer", "How did we do?", (Option("5", "5"),), context="7"),),
        context=("opened by Yuki",),
        accent="p1",
        kind="ticket_card",
    )
    view = render_message(card, DIRECTORY)
    assert view["title_html"] == "<strong>#42</strong> Login"
    assert view["text_html"] == "&lt;b&gt;login&lt;/b&gt; fails"
    assert view["fields"] == [{"label_html": "Priority", "value_html": "P1"}]
    assert view["buttons"][0] == {
        "action": "ticket.claim",
        "value": "42",
        "style": "default",
        "label_html": "Claim",
    }
    assert view["choices"][0]["context"] == "7"
    assert view["kind"] == "ticket_card" and view["accent"] == "p1"


def test_messages_and_forms_survive_json() -> None:
    card = Message(
        text="t",
        buttons=(Button("a", "A", "1"),),
        choices=(Choice("c", "C", (Option("x", "1"),), "ctx"),),
        fields=(Field("k", "v"),),
        context=("small",),
        kind="k",
    )
    assert message_from_json(message_to_json(card)) == card
    form = Form(
        form="escalation.request",
        title="Escalate #42",
        inputs=(
            TextInput("reason", "Why?", multiline=True),
            SelectInput("team", "Team", (Option("T2", "tier2"),)),
        ),
        context="42",
    )
    assert form_from_json(form_to_json(form)) == form
    view = render_form(form, DIRECTORY)
    assert [i["type"] for i in view["inputs"]] == ["text", "select"]
