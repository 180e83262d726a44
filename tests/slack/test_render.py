"""Block Kit rendering of the neutral Message and Form models, and mrkdwn escaping."""

from __future__ import annotations

import json

from supportbot_slack import ids
from supportbot_slack.mrkdwn import render_text
from supportbot_slack.render import render, render_form

from supportbot.markup import escape, group_mention, link, mention
from supportbot.messages import (
    Button,
    Choice,
    Field,
    Form,
    Message,
    Option,
    SelectInput,
    Style,
    TextInput,
)

from .kit import StubDirectory

DIRECTORY = StubDirectory()
HOSTILE = "<!channel> <!here> <@U0CEO> <https://evil.example|your invoice> & *done*"


def test_customer_text_neither_pings_nor_links() -> None:
    out = render_text(escape(HOSTILE), DIRECTORY)
    assert out == (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U0CEO&gt; "
        "&lt;https://evil.example|your invoice&gt; &amp; *done*"
    )
    assert "<" not in out and ">" not in out


def test_our_spans_become_slack_syntax() -> None:
    markup = (
        f"**Ticket #42** for {mention('aiko')} and {group_mention('engineering')}: "
        f"{link('open it', 'https://desk.example/t/42?a=1&b=2')} `P1`"
    )
    assert render_text(markup, DIRECTORY) == (
        "*Ticket #42* for <@U0AGENT1> and <!subteam^S0ENG>: "
        "<https://desk.example/t/42?a=1&amp;b=2|open it> `P1`"
    )


def test_unknown_people_and_groups_fall_back_to_names() -> None:
    markup = f"{mention('slack:U0CUST')} {mention('mika')} {group_mention('sales')}"
    assert render_text(markup, DIRECTORY) == "@Slack:u0cust @Mika @sales"


def test_escaped_label_inside_a_link_stays_literal() -> None:
    assert render_text(link("<!channel>", "https://x.example"), DIRECTORY) == (
        "<https://x.example|&lt;!channel&gt;>"
    )


def ticket_card() -> Message:
    return Message(
        title="#42 Invoices page returns 500",
        text=escape("Our invoices page returns a 500 <!channel>"),
        fields=(Field("Priority", "P1"), Field("Assignee", mention("aiko"))),
        buttons=(
            Button("ticket.claim", "Claim", "42", Style.PRIMARY),
            Button("ticket.resolve", "Resolve", "42"),
            Button("ticket.claim", "Claim for me", "42:me"),
        ),
        context=("Opened by Acme via Slack Connect",),
        kind="ticket_card",
    )


def test_ticket_card_blocks() -> None:
    rendered = render(ticket_card(), DIRECTORY)
    kinds = [b["type"] for b in rendered.blocks]
    assert kinds == ["header", "section", "section", "actions", "context"]
    header, text, fields, actions, _context = rendered.blocks
    assert header["text"] == {
        "type": "plain_text",
        "text": "#42 Invoices page returns 500",
        "emoji": True,
    }
    assert text["text"]["text"] == "Our invoices page returns a 500 &lt;!channel&gt;"
    assert fields["fields"][1]["text"] == "*Assignee*\n<@U0AGENT1>"
    claim, resolve, again = actions["elements"]
    assert claim["style"] == "primary" and claim["value"] == "42"
    assert "style" not in resolve
    # Same action twice in a block: ids stay unique and still name the action.
    assert len({claim["action_id"], resolve["action_id"], again["action_id"]}) == 3
    assert ids.action_name(again["action_id"]) == "ticket.claim"
    assert rendered.text == "#42 Invoices page returns 500"
    assert "<!channel>" not in json.dumps(rendered.blocks)


def test_short_choice_is_a_row_of_buttons_carrying_context() -> None:
    scale = tuple(Option(str(n), str(n)) for n in range(1, 6))
    message = Message(text="How did we do?", choices=(Choice("csat.score", "", scale, "poll-7"),))
    (text, row) = render(message, DIRECTORY).blocks
    assert text["type"] == "section"
    assert [e["value"] for e in row["elements"]] == ["1", "2", "3", "4", "5"]
    assert ids.choice_context(row["block_id"]) == "poll-7"
    assert {ids.action_name(e["action_id"]) for e in row["elements"]} == {"csat.score"}


def test_long_choice_is_a_menu() -> None:
    options = tuple(Option(f"Dept {n}", f"d{n}") for n in range(8))
    message = Message(text="", choices=(Choice("handoff.department", "Send to", options, "42"),))
    (label, row) = render(message, DIRECTORY).blocks
    assert label["text"]["text"] == "Send to"
    (menu,) = row["elements"]
    assert menu["type"] == "static_select" and len(menu["options"]) == 8


def test_slack_limits_are_respected() -> None:
    message = Message(
        title="t" * 500,
        text=escape("x" * 5000),
        fields=tuple(Field(f"f{n}", "v") for n in range(15)),
        buttons=(Button("a", "l" * 200, "v" * 3000),),
    )
    header, text, fields, actions = render(message, DIRECTORY).blocks
    assert len(header["text"]["text"]) == 150
    assert len(text["text"]["text"]) == 3000
    assert len(fields["fields"]) == 10
    button = actions["elements"][0]
    assert len(button["text"]["text"]) == 75 and len(button["value"]) == 2000


def test_form_is_a_modal_with_inputs() -> None:
    form = Form(
        "escalation.request",
        "Escalate ticket #42 to a department",
        (
            TextInput("reason", "Reason", multiline=True, initial="outage"),
            SelectInput("department", "Department", (Option("Engineering", "engineering"),)),
            TextInput("note", "Note", optional=True),
        ),
        submit_label="Escalate",
        context="42",
    )
    view = render_form(form, ids.FormMeta("42", "C0SUPPORT"))
    assert view["type"] == "modal" and view["callback_id"] == "escalation.request"
    assert len(view["title"]["text"]) <= 24
    assert view["submit"]["text"] == "Escalate"
    reason, department, note = view["blocks"]
    assert reason["block_id"] == reason["element"]["action_id"] == "reason"
    assert reason["element"]["multiline"] and reason["element"]["initial_value"] == "outage"
    assert department["element"]["type"] == "static_select"
    assert department["element"]["options"][0]["value"] == "engineering"
    assert note["optional"] and not reason["optional"]
    assert ids.FormMeta.decode(view["private_metadata"]) == ids.FormMeta("42", "C0SUPPORT")
