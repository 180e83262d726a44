"""Rendering: neutral messages and forms → Adaptive Cards; escaping; mention entities; and the
round trip of action data back through the translators."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity
from supportbot_teams.inbound import to_event
from supportbot_teams.render import MAX_OPTION_BUTTONS, render, render_form, summary
from supportbot_teams.text import escape_markdown

from supportbot import markup
from supportbot.events import ChoiceSubmitted, FormSubmitted
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

from .conftest import FakeDirectory, payload

CARD = Message(
    title="#42 **P1** Billing page errors",
    text="From <@person:yui>: " + markup.escape("**urgent** <at>Ken</at> [x](http://evil)"),
    fields=(Field("Status", "new"), Field("Team", "tier1")),
    buttons=(
        Button("ticket.claim", "Claim", "42", Style.PRIMARY),
        Button("ticket.resolve", "Resolve", "42", Style.DANGER),
    ),
    context=("Opened via Teams",),
    accent="p1",
    kind="ticket_card",
)


def test_card_is_adaptive_card_1_5_with_title_text_facts_and_actions(
    directory: FakeDirectory,
) -> None:
    card = render(CARD, directory)
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")
    title, _text, facts, small = card["body"]
    assert title["text"] == "#42 **P1** Billing page errors"
    assert (title["weight"], title["color"]) == ("Bolder", "attention")
    assert facts == {
        "type": "FactSet",
        "facts": [{"title": "Status", "value": "new"}, {"title": "Team", "value": "tier1"}],
    }
    assert small["isSubtle"] is True
    claim, resolve = card["actions"]
    assert claim["type"] == "Action.Execute"
    assert (claim["title"], claim["verb"], claim["style"]) == ("Claim", "ticket.claim", "positive")
    assert claim["data"] == {"action": "ticket.claim", "value": "42"}
    assert claim["fallback"] == {"type": "Action.Submit", "title": "Claim", "data": claim["data"]}
    assert resolve["style"] == "destructive"


def test_customer_text_cannot_format_link_or_mention(directory: FakeDirectory) -> None:
    text = render(CARD, directory)["body"][1]["text"]
    assert text == (
        "From <at>Yui Tanaka</at>: \\*\\*urgent\\*\\* \\<at\\>Ken\\</at\\> \\[x\\](http://evil)"
    )


def test_person_mentions_carry_entities_the_customer_text_cannot_match(
    directory: FakeDirectory,
) -> None:
    card = render(CARD, directory)
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Yui Tanaka</at>",
            "mentioned": {"id": "29:1AgentYuiXyZ", "name": "Yui Tanaka"},
        }
    ]


def test_unknown_people_and_groups_fall_back_to_plain_at_names(directory: FakeDirectory) -> None:
    card = render(Message("<@person:nobody> <@group:legal> <@group:sales>"), directory)
    assert card["body"][0]["text"] == "@No Body @legal <at>sales</at>"
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>sales</at>",
            "mentioned": {"id": "tag-sales-1", "name": "sales", "type": "tag"},
        }
    ]


def test_links_and_bold_are_markdown() -> None:
    source = (
        "See " + markup.link("the runbook", "https://wiki.example/rb") + " " + markup.bold("now")
    )
    card = render(Message(source), FakeDirectory())
    assert card["body"][0]["text"] == "See [the runbook](https://wiki.example/rb) **now**"


def test_list_markers_at_line_starts_are_escaped() -> None:
    assert escape_markdown("- not a list\n1. nor this\nkeep - this") == (
        "\\- not a list\n\\1. nor this\nkeep - this"
    )


def test_small_choice_is_a_row_of_execute_buttons_that_round_trips(
    directory: FakeDirectory,
) -> None:
    scale = tuple(Option(str(n), str(n)) for n in range(1, 6))
    card = render(
        Message("How did we do?", choices=(Choice("csat.score", "Rate", scale, "poll-9"),)),
        directory,
    )
    label, row = card["body"][1:]
    assert label["text"] == "Rate"
    assert [a["title"] for a in row["actions"]] == ["1", "2", "3", "4", "5"]
    event = _execute(row["actions"][4])
    assert isinstance(event, ChoiceSubmitted)
    assert (event.action, event.value, event.values) == ("csat.score", "5", {"context": "poll-9"})


def test_large_choice_is_a_menu_whose_value_comes_back(directory: FakeDirectory) -> None:
    options = tuple(Option(f"Dept {n}", f"d{n}") for n in range(MAX_OPTION_BUTTONS + 1))
    card = render(
        Message("Where to?", choices=(Choice("handoff.to", "", options, "42"),)), directory
    )
    menu, row = card["body"][1:]
    assert menu["type"] == "Input.ChoiceSet"
    submitted = {**row["actions"][0]["data"], menu["id"]: "d3"}  # the client merges inputs
    event = _submit(submitted)
    assert isinstance(event, ChoiceSubmitted)
    assert (event.action, event.value, event.values) == ("handoff.to", "d3", {"context": "42"})


def test_button_round_trips_through_execute_and_submit(directory: FakeDirectory) -> None:
    action = render(CARD, directory)["actions"][0]
    for event in (_execute(action), _submit(action["fallback"]["data"])):
        assert isinstance(event, ChoiceSubmitted)
        assert (event.action, event.value) == ("ticket.claim", "42")


def test_form_is_a_card_with_inputs_and_one_submit_that_round_trips(
    directory: FakeDirectory,
) -> None:
    form = Form(
        "escalation.request",
        "Escalate #42",
        (
            TextInput("reason", "Why?", multiline=True),
            SelectInput("department", "Department", (Option("Sales", "sales"),), optional=True),
            TextInput("note", "Note", optional=True, initial="n/a"),
        ),
        submit_label="Escalate",
        context="42",
    )
    card = render_form(form, directory)
    reason, department, note = card["body"][1:]
    assert reason == {"id": "reason", "label": "Why?", "isRequired": True, "type": "Input.Text",
                      "isMultiline": True}  # fmt: skip
    assert department["type"] == "Input.ChoiceSet"
    assert department["isRequired"] is False
    assert note["value"] == "n/a"
    (submit,) = card["actions"]
    assert (submit["title"], submit["verb"]) == ("Escalate", "escalation.request")
    event = _execute({**submit, "data": {**submit["data"], "reason": "VIP", "department": "sales"}})
    assert isinstance(event, FormSubmitted)
    assert (event.form, event.context) == ("escalation.request", "42")
    assert event.values == {"reason": "VIP", "department": "sales"}


def test_summary_is_the_plain_first_line() -> None:
    assert summary(CARD) == "#42 P1 Billing page errors"
    assert summary(Message("line one\nline two")) == "line one"


def _execute(action: dict[str, Any]) -> object:
    value = {"action": {"type": "Action.Execute", "verb": action["verb"], "data": action["data"]}}
    return to_event(Activity().deserialize(payload("invoke_adaptive_card_execute", value=value)))


def _submit(data: dict[str, Any]) -> object:
    return to_event(Activity().deserialize(payload("message_card_submit", value=data)))
